"""What every API blueprint shares: bearer auth, paging, the error schema in the OpenAPI document."""
from __future__ import annotations

from functools import wraps

import marshmallow as ma
from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app import db
from community.database import MAX_ID
from community.errors import DomainError
from community.listing import paginate

API_PREFIX = "/api/v1"


class ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "machine-readable code"})
    message = ma.fields.String(required=True, metadata={"description": "human-readable, in the request's language"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "field name → problem (empty when no field is to blame)"})


class ApiErrorSchema(ma.Schema):
    """The body of every error answer, documented as the Api's ERROR_SCHEMA (app.create_app) for every status."""

    error = ma.fields.Nested(ErrorBody, required=True)


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint whose malformed arguments are documented as the 400 they really answer
    (errors.register_error_handlers turns webargs' 422 into a 400), not as webargs' default 422."""

    ARGUMENTS_PARSER = type(Blueprint.ARGUMENTS_PARSER)()
    ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS = 400


class Unauthorised(DomainError):
    status = 401
    code = "unauthorised"


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"


# What a token may do while its person still holds a one-time password: change it, or sign out.
ALLOWED_BEFORE_PASSWORD_CHANGE = {"accounts_api.change_own_password", "accounts_api.revoke_token"}


def between(low: int, high: int | None = None):
    """A range check whose message is translated when it fails (marshmallow's Range formats its message
    once, when the schema is built at import time, outside any request and so in no chosen language).

    The message is a plain `str`, translated now: marshmallow keeps a str as one message but takes any
    other value for a list of messages, so a lazy string would come out one character at a time."""

    def check(value):
        if value < low or (high is not None and value > high):
            raise ma.ValidationError(_("Must be between %(low)s and %(high)s.", low=low, high=high or "∞"))
    return check


class Id(ma.fields.Integer):
    """A row id: an integer the databases can compare (1 … 2³¹−1); a larger one is malformed input."""

    def __init__(self, *, minimum: int = 1, **kwargs):
        kwargs.setdefault("validate", between(minimum, MAX_ID))
        super().__init__(**kwargs)


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))
    cursor = ma.fields.String(validate=ma.validate.Length(max=1000), metadata={
        "description": "the `next` of the previous page (lists that have one): the page after it, found by its "
                       "sort key without skipping rows; `page` is then ignored"})


class PageFields(ma.Schema):
    """The paging fields of every list body (a list's schema derives from it)."""

    total = ma.fields.Integer(metadata={"description": "rows in the list, counted up to a bound (10,000 by default); "
                                                      "when `total_exact` is false there are more"})
    total_exact = ma.fields.Boolean(metadata={"description": "false when the list has more rows than `total`"})
    page = ma.fields.Integer()
    next = ma.fields.String(allow_none=True, metadata={"description": "cursor of the next page, or null (only the "
                                                                     "lists walked by cursor have one)"})


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A list body `{items, total, page}` (and `total_exact`, `next`) of one item schema."""
    return PageFields.from_dict({"items": ma.fields.List(ma.fields.Nested(item_schema))}, name=name)


def page_body(page) -> dict:
    """The paging fields of an API list body, from a community.listing.Page."""
    return {"total": page.total, "total_exact": not page.more, "page": page.number, "next": page.next_cursor}


def page_of(statement, args: dict, *, keyset: bool = False) -> dict:
    """Run one page of a select for the API (by cursor too, on a keyset list)."""
    page = paginate(db.session, statement, args["page"], args["per_page"], cursor=args.get("cursor"),
                    keyset=keyset)
    return {"items": page.items, **page_body(page)}


def api_blueprint(name: str, description: str) -> Blueprint:
    """A blueprint under /api/v1 (its documented errors use ApiErrorSchema, the Api's ERROR_SCHEMA)."""
    return ApiBlueprint(name, name, url_prefix=API_PREFIX, description=description)


def current_actor():
    """The person whose bearer token came with this request."""
    return g.api_actor


def bearer_required(view):
    """Require `Authorization: Bearer <token>`; sets g.api_actor and g.api_token."""
    from community.accounts.services import person_for_token

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        found = person_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
        if found is None:
            raise Unauthorised(_("A valid bearer token is required."))
        g.api_actor, g.api_token = found
        if g.api_actor.must_change_password and request.endpoint not in ALLOWED_BEFORE_PASSWORD_CHANGE:
            raise PasswordChangeRequired(_("Change your one-time password first (POST /api/v1/me/password)."))
        return view(*args, **kwargs)

    return wrapper


def named_as_sent(schema: type[ma.Schema]):
    """Report a service's field errors under the names the client sent: a schema field that loads into a
    differently named attribute (`living_since` → `living_since_on`) has its errors renamed back."""
    names = {(field.attribute or name): (field.data_key or name) for name, field in schema().fields.items()}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except DomainError as error:
                error.fields = {names.get(key, key): value for key, value in (error.fields or {}).items()}
                raise
        return wrapper
    return decorator


def document_errors(blp: Blueprint, *statuses: int):
    """Declare error responses, in our format, for the OpenAPI document."""
    def decorator(view):
        for status in statuses:
            view = blp.alt_response(status, schema=ApiErrorSchema, description="error")(view)
        return view
    return decorator


def translate_validation_messages() -> None:
    """marshmallow's stock messages, in the request's language (Chinese by default)."""
    from flask_babel import lazy_gettext as _l

    F = ma.fields
    F.Field.default_error_messages.update({
        "required": _l("Missing data for required field."),
        "null": _l("Field may not be null."),
        "validator_failed": _l("Invalid value."),
    })
    F.String.default_error_messages.update({"invalid": _l("Not a valid string.")})
    F.Integer.default_error_messages.update({"invalid": _l("Not a valid integer.")})
    F.Number.default_error_messages.update({"invalid": _l("Not a valid number.")})
    F.Boolean.default_error_messages.update({"invalid": _l("Not a valid boolean.")})
    F.Date.default_error_messages.update({"invalid": _l("Not a valid date.")})
    F.DateTime.default_error_messages.update({"invalid": _l("Not a valid datetime.")})
    F.List.default_error_messages.update({"invalid": _l("Not a valid list.")})
    ma.Schema._default_error_messages.update({"unknown": _l("Unknown field."),
                                              "type": _l("Invalid input type.")})
    ma.validate.Length.message_max = _l("Longer than maximum length {max}.")
    ma.validate.Length.message_min = _l("Shorter than minimum length {min}.")
    ma.validate.Length.message_all = _l("Length must be between {min} and {max}.")
    # Range formats its templates once, when a validator is built at import time, outside any request:
    # a lazy translation there would freeze in one language, so Range keeps marshmallow's own text.
    ma.validate.OneOf.default_message = _l("Must be one of: {choices}.")


translate_validation_messages()


def decimals_as_strings(self, field, ret, **kwargs) -> dict:
    """OpenAPI: a Decimal sent as a string (money, hours: API.md's "decimal strings") is documented as a string
    with format decimal, not as the number apispec assumes for every Decimal field."""
    if not (isinstance(field, ma.fields.Decimal) and field.as_string):
        return {}
    if "anyOf" in ret:  # nullable, in OpenAPI 3.1 form
        return {"anyOf": [{"type": "string", "format": "decimal"} if part.get("type") == "number" else part
                          for part in ret["anyOf"]]}
    return {"type": "string", "format": "decimal"}


class StrictBoolean(ma.fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 0, 1, "yes"… which the document does not say."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
