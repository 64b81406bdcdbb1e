"""The person picker's search: `GET /api/v1/people/picker`, called by static/js/picker.js from the pages (with
the session cookie) and usable by API clients (with a bearer token)."""
from __future__ import annotations

from functools import wraps

import marshmallow as ma
from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from community.apitools import (
    Id,
    PasswordChangeRequired,
    Unauthorised,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
)
from community.people import picker

blp = api_blueprint("people_picker_api", "The person picker: people of a form's scope, found by name")
F = ma.fields


class PickerArgs(ma.Schema):
    q = F.String(load_default="", validate=ma.validate.Length(max=50), metadata={
        "description": "a name prefix, or a whole phone number (a part of a phone number finds nobody)"})
    scope_type = F.String(required=True, validate=ma.validate.Length(max=30),
                          metadata={"description": "the scope of the form that chooses, e.g. election"})
    scope_id = Id(load_default=0, metadata={"description": "its id (0 for the platform)"}, minimum=0)
    action = F.String(required=True, validate=ma.validate.Length(max=60), metadata={
        "description": "the action of the form (a registered picking action, e.g. election.manage); the caller "
                       "must be allowed it in the scope"})


class SuggestionOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    community = F.String()
    phone = F.String(metadata={"description": "masked: 138****1234"})
    age = F.Integer(allow_none=True)
    details = F.String(metadata={"description": "community, masked phone and age, ready to show"})


class SuggestionsOut(ma.Schema):
    items = F.List(F.Nested(SuggestionOut))


def session_or_bearer(view):
    """A bearer token when one is sent, otherwise the signed-in session of the pages (a GET changes nothing,
    so the session needs no CSRF token here)."""
    bearer = bearer_required(view)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("Authorization"):
            return bearer(*args, **kwargs)
        if not current_user.is_authenticated:
            raise Unauthorised(_("Please sign in first."))
        if current_user.must_change_password:
            raise PasswordChangeRequired(_("Change your one-time password first."))
        g.api_actor, g.api_token = current_user._get_current_object(), None
        return view(*args, **kwargs)

    return wrapper


@blp.route("/people/picker")
@session_or_bearer
@blp.arguments(PickerArgs, location="query")
@blp.response(200, SuggestionsOut)
@document_errors(blp, 400, 401, 403)
def search_people(args):
    """Up to 10 people of the scope's community whose name starts with `q`, for the caller who may do `action`
    there (checked before searching); phones masked."""
    scope = (args["scope_type"], args["scope_id"])
    return {"items": picker.search(current_actor(), args["q"], scope, args["action"])}
