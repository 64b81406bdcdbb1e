"""JSON API of people: listing, adding, viewing and changing them, and resetting their passwords."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from community.accounts import services as accounts
from community.apitools import (
    Id,
    PageArgs,
    StrictBoolean,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    named_as_sent,
    page_of,
    page_schema,
)
from community.authz import require
from community.errors import Invalid
from community.people import services as people
from community.people.models import Person
from community.places import services as places

blp = api_blueprint("people_api", "People: residents' records, with their personal data masked")
F = ma.fields


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
    has_political_rights = StrictBoolean()


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


class CreatedPersonOut(PersonOut):
    one_time_password = F.String(metadata={"description": "only when no password was given: hand it to the "
                                                          "person, who must change it at first sign-in"})


class OneTimePasswordOut(ma.Schema):
    one_time_password = F.String()


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
    return page_of(statement, args, keyset=True)


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
    if person_id != current_actor().id:
        require(current_actor(), "person.view")  # before the lookup: no 404/403 oracle for strangers
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
