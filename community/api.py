"""JSON API of the civic core: tokens, /me, streets, communities, people, roles."""
from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_babel import gettext as _

from app import db, limiter
from community.accounts import services as accounts
from community.accounts.throttle import TooManyAttempts, address_limit
from community.apitools import (
    Id,
    PageArgs,
    Unauthorised,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    named_as_sent,
    page_of,
    page_schema,
)
from community.authz import grants_of, require
from community.errors import Invalid, api_error
from community.people import services as people
from community.people.models import Person
from community.places import services as places
from community.places.models import Community, Street
from community.registry import registry
from community.roles import services as roles
from community.roles.models import RoleGrant

blp = api_blueprint("core_api", "Accounts, places, people and roles")
F = ma.fields


class TokenIn(ma.Schema):
    phone = F.String(required=True, validate=ma.validate.Length(max=20))
    password = F.String(required=True, validate=ma.validate.Length(max=200))


class TokenOut(ma.Schema):
    token = F.String()
    expires_at = F.AwareDateTime()


class RoleOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    role = F.String()
    scope_type = F.String()
    scope_id = F.Integer()
    granted_at = F.AwareDateTime()


def registered(kind: str):
    """A validator: the value names one of the app's registered roles or scope types."""
    def check(value) -> None:
        names = getattr(registry(), kind)
        if value not in names:
            raise ma.ValidationError(_("Must be one of: {choices}.").format(choices=", ".join(names)))

    return check


class RoleIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    role = F.String(required=True, validate=registered("roles"))
    scope_type = F.String(required=True, validate=registered("scope_types"))
    scope_id = Id(minimum=0, load_default=0, strict=True)


class RoleArgs(PageArgs):
    person_id = Id()


class StreetIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=60))
    county = F.String(load_default="", validate=ma.validate.Length(max=60))


class StreetOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    county = F.String()


class CommunityIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=60))
    street_id = Id(required=True, strict=True)


class CommunityOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    street_id = F.Integer()


class CommunityArgs(PageArgs):
    street_id = Id()


class PersonIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=50))
    phone = F.String(required=True, validate=ma.validate.Length(max=20))
    password = F.String(validate=ma.validate.Length(max=128))
    birth_date = F.Date(data_key="birth_date", attribute="born_on")
    community_id = Id(required=True, strict=True)
    grid_id = Id(strict=True, allow_none=True)
    hukou_place = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    living_since = F.Date(attribute="living_since_on", allow_none=True)
    gender = F.String(validate=ma.validate.OneOf(["M", "F"]), allow_none=True)
    id_number = F.String(validate=ma.validate.Length(max=18), allow_none=True)
    residence_permit_no = F.String(validate=ma.validate.Length(max=40), allow_none=True)
    residence_permit_until = F.Date(allow_none=True)
    employer = F.String(validate=ma.validate.Length(max=100), allow_none=True)
    hometown = F.String(validate=ma.validate.Length(max=60), allow_none=True)
    has_political_rights = F.Boolean()


class PersonPatch(PersonIn):
    """The same fields but the password, each optional: the PATCH route loads it partial, without password."""


class PersonOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    phone = F.String(attribute="phone_masked", metadata={"description": "masked: 138****1234"})
    gender = F.String(allow_none=True)
    birth_date = F.Date(attribute="born_on", allow_none=True)
    id_number = F.String(attribute="id_number_masked", allow_none=True, metadata={
        "description": "masked, every digit hidden (******************): the birth date and household place "
                       "shown beside it would otherwise give the number back; null when none is on record"})
    hukou_place = F.String()
    is_migrant = F.Boolean()
    community_id = F.Integer(allow_none=True)
    grid_id = F.Integer(allow_none=True)
    living_since = F.Date(attribute="living_since_on", allow_none=True)
    has_residence_permit = F.Boolean()
    residence_permit_until = F.Date(allow_none=True)
    employer = F.String(allow_none=True)
    hometown = F.String(allow_none=True)
    is_active = F.Boolean()


class PersonArgs(PageArgs):
    q = F.String(validate=ma.validate.Length(max=50), metadata={
        "description": "a name prefix, or a whole phone number (a part of a phone number finds nobody)"})
    community_id = Id()
    is_migrant = F.Boolean()


class MeOut(PersonOut):
    phone = F.String()
    roles = F.List(F.Nested(RoleOut))


class PasswordIn(ma.Schema):
    current_password = F.String(required=True, validate=ma.validate.Length(max=200))
    new_password = F.String(required=True, validate=ma.validate.Length(max=200))


class CatalogueOut(ma.Schema):
    roles = F.Dict(keys=F.String(), values=F.Dict())
    scope_types = F.Dict(keys=F.String(), values=F.String())


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
@document_errors(blp, 400, 401)
def change_own_password(data):
    """Change one's own password (the only call a one-time password's token may make, with sign-out).

    Every session and token of the person ends, this one too: the answer carries a fresh token."""
    actor = current_actor()
    accounts.change_password(actor, data["current_password"], data["new_password"])
    token, row = accounts.issue_token(actor)
    return {"token": token, "expires_at": row.expires_at}


@blp.route("/catalogue")
@bearer_required
@blp.response(200, CatalogueOut)
def catalogue():
    """Role and scope names, with their labels in the request's language."""
    return {
        "roles": {name: {"label": str(role.label), "scope_types": sorted(role.scope_types)}
                  for name, role in registry().roles.items()},
        "scope_types": {name: str(scope.label) for name, scope in registry().scope_types.items()},
    }


@blp.route("/streets")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(StreetOut, "StreetPage"))
def list_streets(args):
    """All streets (place names are public)."""
    return page_of(db.select(Street).order_by(Street.name), args)


@blp.route("/streets", methods=["POST"])
@bearer_required
@blp.arguments(StreetIn)
@blp.response(201, StreetOut)
@document_errors(blp, 400, 401, 403, 409)
def create_street(data):
    """Create a street (platform administrators)."""
    return places.create_street(current_actor(), data["name"], data["county"])


@blp.route("/streets/<int:street_id>")
@bearer_required
@blp.response(200, StreetOut)
@document_errors(blp, 404)
def get_street(street_id):
    """One street."""
    return places.get_or_404(Street, street_id)


@blp.route("/communities")
@bearer_required
@blp.arguments(CommunityArgs, location="query")
@blp.response(200, page_schema(CommunityOut, "CommunityPage"))
def list_communities(args):
    """Communities, optionally of one street."""
    statement = db.select(Community).order_by(Community.street_id, Community.name)
    if args.get("street_id"):
        statement = statement.where(Community.street_id == args["street_id"])
    return page_of(statement, args)


@blp.route("/communities", methods=["POST"])
@bearer_required
@blp.arguments(CommunityIn)
@blp.response(201, CommunityOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def create_community(data):
    """Create a community in a street (administrators of that street)."""
    street = places.get_or_404(Street, data["street_id"])
    return places.create_community(current_actor(), street, data["name"])


@blp.route("/communities/<int:community_id>")
@bearer_required
@blp.response(200, CommunityOut)
@document_errors(blp, 404)
def get_community(community_id):
    """One community."""
    return places.get_or_404(Community, community_id)


@blp.route("/people")
@bearer_required
@blp.arguments(PersonArgs, location="query")
@blp.response(200, page_schema(PersonOut, "PersonPage"))
@document_errors(blp, 400, 401, 403)
def list_people(args):
    """People in the communities the caller administers; phone and ID numbers masked."""
    actor = current_actor()
    require(actor, "person.list")
    statement = people.people_query(actor, args.get("q"), args.get("community_id"), args.get("is_migrant"))
    return page_of(statement, args)


class CreatedPersonOut(PersonOut):
    one_time_password = F.String(metadata={"description": "only when no password was given: hand it to the "
                                                          "person, who must change it at first sign-in"})


class OneTimePasswordOut(ma.Schema):
    one_time_password = F.String()


@blp.route("/people", methods=["POST"])
@bearer_required
@blp.arguments(PersonIn)
@blp.response(201, CreatedPersonOut)
@document_errors(blp, 400, 401, 403, 409)
@named_as_sent(PersonIn)
def create_person(data):
    """Add a person (community administrators); the phone number is their login."""
    person, generated = people.create_person(current_actor(), data)
    if generated:
        person.one_time_password = generated
    return person


@blp.route("/people/<int:person_id>/password", methods=["POST"])
@bearer_required
@blp.response(200, OneTimePasswordOut)
@document_errors(blp, 401, 403, 404)
def reset_person_password(person_id):
    """Issue a one-time password (administrators); the person's sessions and API tokens end."""
    require(current_actor(), "person.reset_password")  # before the lookup: no 404/403 oracle for strangers
    person = places.get_or_404(Person, person_id)
    return {"one_time_password": accounts.reset_password(current_actor(), person)}


@blp.route("/people/<int:person_id>")
@bearer_required
@blp.response(200, PersonOut)
@document_errors(blp, 401, 403, 404)
def get_person(person_id):
    """One person's record; viewing someone else's is logged."""
    return people.view_person(current_actor(), places.get_or_404(Person, person_id))


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@bearer_required
@blp.arguments(PersonPatch(partial=True, exclude=("password",)))  # passwords change by reset, not silently here
@blp.response(200, PersonOut)
@document_errors(blp, 400, 401, 403, 404, 409)
@named_as_sent(PersonIn)
def update_person(data, person_id):
    """Change a person's details."""
    actor = current_actor()
    require(actor, "person.edit")
    person = places.get_or_404(Person, person_id)
    require(actor, "person.edit", person)  # permission first: a stranger learns nothing from the body's answer
    if not data:  # no body, or {}: nothing to change is a malformed request, not a silent 200
        raise Invalid(_("Send at least one field to change."), code="invalid",
                      fields={"json": _("Send at least one field to change.")})
    return people.update_person(actor, person, data)


@blp.route("/roles")
@bearer_required
@blp.arguments(RoleArgs, location="query")
@blp.response(200, page_schema(RoleOut, "RolePage"))
def list_roles(args):
    """Role grants in the scopes the caller administers, and the caller's own."""
    return page_of(roles.roles_query(current_actor(), args.get("person_id")), args)


@blp.route("/roles", methods=["POST"])
@bearer_required
@blp.arguments(RoleIn)
@blp.response(201, RoleOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def grant_role(data):
    """Grant a scoped role (administrators of that scope)."""
    require(current_actor(), "role.grant")
    person = places.get_or_404(Person, data["person_id"])
    return roles.grant_role(current_actor(), person, data["role"], data["scope_type"], data["scope_id"])


@blp.route("/roles/<int:grant_id>", methods=["DELETE"])
@bearer_required
@blp.response(204)
@document_errors(blp, 401, 403, 404, 409)
def revoke_role(grant_id):
    """Revoke a scoped role."""
    require(current_actor(), "role.grant")
    roles.revoke_role(current_actor(), places.get_or_404(RoleGrant, grant_id))
