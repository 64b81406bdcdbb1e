"""JSON API of branches, home-side organisations, pairings and rosters (shared/API.md)."""
from __future__ import annotations

import marshmallow as ma

from app import db
from branches import roster
from branches.models import BRANCH_KINDS, MEMBER_STATUSES, RELATIONSHIPS, Branch
from community.apitools import (
    Id,
    PageArgs,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.authz import can, require
from community.database import as_local, utcnow
from community.people.models import Person, mask_phone

blp = api_blueprint("branches_api", "Branches: mobile party branches, home-side organisations, rosters")
F = ma.fields


class BranchIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    street_id = Id(required=True, strict=True)
    kind = F.String(load_default="mobile", validate=ma.validate.OneOf(BRANCH_KINDS))
    units = F.List(F.String(validate=ma.validate.Length(max=100)), load_default=list)
    opening_hours = F.String(load_default="", validate=ma.validate.Length(max=200))
    services = F.String(load_default="", validate=ma.validate.Length(max=2000))


class BranchOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    street_id = F.Integer()
    kind = F.String()
    units = F.List(F.String())
    opening_hours = F.String()
    services = F.String()


class HomeOrganisationIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    region = F.String(load_default="", validate=ma.validate.Length(max=100))


class HomeOrganisationOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    region = F.String()


class PairingIn(ma.Schema):
    home_organisation_id = Id(required=True, strict=True)


class PairingOut(ma.Schema):
    id = F.Integer()
    branch_id = F.Integer()
    home_organisation_id = F.Integer(allow_none=True)


class MemberIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    status = F.String(required=True, validate=ma.validate.OneOf(MEMBER_STATUSES))
    joined_party_on = F.Date(load_default=None, allow_none=True)
    relationship = F.String(required=True, validate=ma.validate.OneOf(RELATIONSHIPS))
    home_organisation_id = Id(load_default=None, allow_none=True, strict=True)
    probation_voted_on = F.Date(load_default=None, allow_none=True,
                                metadata={"description": "the general meeting's vote (probationary members)"})
    card_number = F.String(load_default="", validate=ma.validate.Length(max=40))
    employer = F.String(load_default="", validate=ma.validate.Length(max=100))


class PositionOut(ma.Schema):
    title = F.String()
    place = F.String()
    since = F.Date()


class MemberOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    name = F.Function(lambda m: m.person.name)
    phone = F.Function(lambda m, context=None: m.shown_phone)
    status = F.String()
    has_vote = F.Boolean()
    probation_ends_on = F.Date(allow_none=True)
    relationship = F.String()
    card_number = F.String(allow_none=True)
    home_organisation_id = F.Integer(allow_none=True)
    joined_party_on = F.Date(allow_none=True)
    employer = F.String(allow_none=True)
    joined_branch_on = F.Date(allow_none=True)
    positions = F.List(F.Nested(PositionOut))


@blp.route("/branches", methods=["POST"])
@bearer_required
@blp.arguments(BranchIn)
@blp.response(201, BranchOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def create_branch(data):
    """Set up a branch of a street (its street administrators): a mobile branch, joint branch or station."""
    return roster.create_branch(current_actor(), data.pop("street_id"), data)


@blp.route("/home-organisations", methods=["POST"])
@bearer_required
@blp.arguments(HomeOrganisationIn)
@blp.response(201, HomeOrganisationOut)
@document_errors(blp, 400, 401, 403, 409)
def create_home_organisation(data):
    """Register a home-side party organisation (street administrators)."""
    return roster.create_home_organisation(current_actor(), data["name"], data["region"])


def _branch(actor, action: str, branch_id: int) -> Branch:
    """The branch, once the actor may do `action` in it (403 before any lookup that could tell it exists)."""
    require(actor, action, ("branch", branch_id))
    return roster.get_or_404(Branch, branch_id)


@blp.route("/branches/<int:branch_id>/home-organisations", methods=["POST"])
@bearer_required
@blp.arguments(PairingIn)
@blp.response(201, PairingOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def pair(data, branch_id):
    """Pair a branch with a home-side organisation (street administrators)."""
    actor = current_actor()
    return roster.pair(actor, _branch(actor, "branch.pair", branch_id), data["home_organisation_id"])


@blp.route("/branches/<int:branch_id>/members", methods=["POST"])
@bearer_required
@blp.arguments(MemberIn)
@blp.response(201, MemberOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def add_member(data, branch_id):
    """Put a person of the branch's street on its roster (its secretary)."""
    actor = current_actor()
    branch = _branch(actor, "branch_member.add", branch_id)
    person = db.session.get(Person, data.pop("person_id"))
    if person is None or person.community is None or person.community.street_id != branch.street_id:
        from community.errors import Invalid

        raise Invalid(_person_message(), fields={"person_id": _person_message()})
    member = roster.add_member(actor, branch, person, data, as_local(utcnow()).date())
    member.shown_phone = person.phone
    return member


def _person_message() -> str:
    from flask_babel import gettext as _

    return _("Choose a resident of the branch's street.")


@blp.route("/branches/<int:branch_id>/members")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(MemberOut, "BranchMemberPage"))
@document_errors(blp, 401, 403, 404)
def list_members(args, branch_id):
    """The roster: the secretary sees every current member; a liaison only those of their organisation."""
    actor = current_actor()
    if can(actor, "branch_member.list", ("branch", branch_id)):
        branch = roster.get_or_404(Branch, branch_id)
    elif can(actor, "branch_member.follow"):
        # A liaison holds no grant in the branch: a branch with none of their members answers as an unknown id
        # does (one 404), so the roster never tells them which branches exist; theirs is filtered in SQL.
        branch = roster.followed_branch_or_404(actor, branch_id)
    else:
        require(actor, "branch_member.list", ("branch", branch_id))
    page = page_of(roster.roster_query(branch.id, actor=actor), args, keyset=True)
    full = roster.may_see_phone(actor, branch)
    for member in page["items"]:
        member.shown_phone = member.person.phone if full else mask_phone(member.person.phone)
    return page
