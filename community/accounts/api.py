"""JSON API of accounts: bearer tokens, one's own profile and password."""
from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_babel import gettext as _

from app import limiter
from community.accounts import services as accounts
from community.accounts.throttle import TooManyAttempts, address_limit
from community.apitools import Unauthorised, api_blueprint, bearer_required, current_actor, document_errors
from community.authz import grants_of
from community.errors import api_error
from community.people.api import PersonOut
from community.roles.api import RoleOut

blp = api_blueprint("accounts_api", "Accounts: tokens, one's own profile and password")
F = ma.fields


class TokenIn(ma.Schema):
    phone = F.String(required=True, validate=ma.validate.Length(max=20))
    password = F.String(required=True, validate=ma.validate.Length(max=200))


class TokenOut(ma.Schema):
    token = F.String()
    expires_at = F.AwareDateTime()


class MeOut(PersonOut):
    phone = F.String()
    roles = F.List(F.Nested(RoleOut))


class PasswordIn(ma.Schema):
    current_password = F.String(required=True, validate=ma.validate.Length(max=200))
    new_password = F.String(required=True, validate=ma.validate.Length(max=200))


@blp.route("/auth/token", methods=["POST"])
@limiter.limit(address_limit)  # per address, high enough for a polling station; guesses count per number
@blp.doc(security=[])
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@document_errors(blp, 400, 401, 429)
def issue_token(data):
    """Exchange phone and password for a bearer token.

    Five wrong passwords for one phone number (from any address) lock it for a minute, each further one twice
    as long, up to an hour: 429 with `Retry-After`. Registered and unknown numbers are answered alike."""
    try:
        person = accounts.authenticate(data["phone"], data["password"])
    except TooManyAttempts as error:
        return api_error(error.status, error.code, error.message, error.fields,
                         {"Retry-After": str(error.retry_after)})
    if person is None:
        raise Unauthorised(_("Wrong phone number or password."))
    token, row = accounts.issue_token(person)
    return {"token": token, "expires_at": row.expires_at}


@blp.route("/auth/token", methods=["DELETE"])
@bearer_required
@blp.response(204)
@document_errors(blp, 401)
def revoke_token():
    """Revoke the token this request came with."""
    accounts.revoke_token(g.api_token)


@blp.route("/me")
@bearer_required
@blp.response(200, MeOut)
@document_errors(blp, 401)
def me():
    """The signed-in person's own profile and roles."""
    actor = current_actor()
    actor.roles = grants_of(actor)
    return actor


@blp.route("/me/password", methods=["POST"])
@bearer_required
@blp.arguments(PasswordIn)
@blp.response(200, TokenOut)
@document_errors(blp, 400, 401, 429)
def change_own_password(data):
    """Change one's own password (the only call a one-time password's token may make, with sign-out).

    Every session and token of the person ends, this one too: the answer carries a fresh token."""
    actor = current_actor()
    accounts.change_password(actor, data["current_password"], data["new_password"])
    token, row = accounts.issue_token(actor)
    return {"token": token, "expires_at": row.expires_at}
