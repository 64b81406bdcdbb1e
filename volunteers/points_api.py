"""JSON API of points (shared/API.md): organisations, quotas, members, grants, a person's points, reversal,
the leaderboard and the street's caps. Thin over volunteers/organisations.py, grants.py and points_read.py."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from app import db
from community.apitools import (
    Id,
    PageArgs,
    PageFields,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_body,
    page_of,
    page_schema,
)
from community.authz import require
from community.database import as_local, utcnow, valid_id
from community.errors import NotFound
from community.listing import paginate
from community.people.models import Person
from community.places.models import Street
from volunteers import grants as G
from volunteers import organisations as O
from volunteers import points_read as R
from volunteers.ledger import CATEGORIES, reverse_entry
from volunteers.points_models import ORGANISATION_KINDS

blp = api_blueprint("points_api", "Volunteer points (志愿积分): scoring organisations, quotas, grants, the ledger")
F = ma.fields


class OrganisationIn(ma.Schema):
    name = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    kind = F.String(required=True, validate=ma.validate.OneOf(list(ORGANISATION_KINDS)),
                    metadata={"description": "enterprise, community or grid"})
    community_id = Id(required=True, strict=True)


class OrganisationOut(ma.Schema):
    id = F.Integer()
    name = F.String()
    kind = F.String()
    community_id = F.Integer()
    community = F.Function(lambda o: o.community.name)


class QuotaIn(ma.Schema):
    period = F.String(required=True, metadata={"description": "YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)"})
    points = F.Raw(required=True, metadata={"description": "a whole number of points > 0"})


class QuotaOut(ma.Schema):
    id = F.Integer()
    organisation_id = F.Integer()
    period = F.String()
    starts_on = F.Date()
    ends_on = F.Date()
    points = F.Integer()
    used = F.Integer()
    remaining = F.Integer()


class OrganisationMemberIn(ma.Schema):
    person_id = Id(required=True, strict=True)


class OrganisationMemberOut(ma.Schema):
    id = F.Integer()
    organisation_id = F.Integer()
    person_id = F.Integer()
    name = F.Function(lambda m: m.person.name)


class PointsGrantIn(ma.Schema):
    organisation_id = Id(required=True, strict=True)
    person_id = Id(required=True, strict=True)
    points = F.Raw(required=True, metadata={"description": "a whole number of points > 0, within the caps"})
    category = F.String(required=True, metadata={"description": ", ".join(CATEGORIES)})
    reason = F.String(required=True, validate=ma.validate.Length(max=300))


class LedgerEntryOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    amount = F.Integer()
    kind = F.String()
    category = F.String(allow_none=True)
    hours = F.Decimal(as_string=True, places=2, metadata={"type": "string", "description": "a decimal string"})
    source_type = F.String()
    source_id = F.Integer(allow_none=True)
    organisation_id = F.Integer(allow_none=True)
    granted_by_id = F.Integer(allow_none=True)
    reason = F.String()
    created_at = F.Function(lambda e: as_local(e.created_at).isoformat())
    reverses_id = F.Integer(allow_none=True)


class PersonPointsOut(PageFields):  # the entries are one page, newest first
    person_id = F.Integer()
    balance = F.Integer()
    earned = F.Integer()
    hours = F.Decimal(as_string=True, places=2, metadata={"type": "string", "description": "a decimal string"})
    stars = F.Integer()
    entries = F.List(F.Nested(LedgerEntryOut))


class LedgerReverseIn(ma.Schema):
    reason = F.String(required=True, validate=ma.validate.Length(min=1, max=300))


class LeaderboardArgs(PageArgs):
    community_id = Id(metadata={"description": "default: the caller's community"})
    street_id = Id(metadata={"description": "a street's board instead of a community's"})
    period = F.String(metadata={"description": "YYYY or YYYY-MM (default: this month)"})


class LeaderboardRow(ma.Schema):
    rank = F.Integer()
    name = F.String(metadata={"description": "masked (张*明) except the caller's own"})
    points = F.Integer()
    is_me = F.Boolean()
    person_id = F.Integer(allow_none=True, metadata={"description": "the caller's own row only"})


class LeaderboardOut(ma.Schema):
    title = F.String()
    period = F.String()
    items = F.List(F.Nested(LeaderboardRow))
    total = F.Integer()
    page = F.Integer()
    mine = F.Dict(allow_none=True, metadata={"description": "the caller's {rank, points}, if on the board"})


class PointsRulesIn(ma.Schema):
    max_per_grant = F.Raw()
    person_daily = F.Raw()
    person_yearly = F.Raw()
    caps = F.Dict(keys=F.String(), values=F.List(F.Raw(allow_none=True)),
                  metadata={"description": "category → [daily, yearly] (null: no cap)"})


class PointsRulesOut(ma.Schema):
    street_id = F.Integer()
    max_per_grant = F.Integer()
    person_daily = F.Integer()
    person_yearly = F.Integer()


@blp.route("/organisations", methods=["POST"])
@bearer_required
@blp.arguments(OrganisationIn)
@blp.response(201, OrganisationOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def create_organisation(data):
    """Register a scoring organisation (street administrator)."""
    return O.create_organisation(current_actor(), data)


@blp.route("/organisations")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OrganisationOut, "OrganisationPage"))
@document_errors(blp, 400, 401, 403)
def list_organisations(args):
    """The organisations the caller administers or scores for."""
    return page_of(O.organisations_query(current_actor()), args)


@blp.route("/organisations/<int:organisation_id>")
@bearer_required
@blp.response(200, OrganisationOut)
@document_errors(blp, 401, 403, 404)
def get_organisation(organisation_id):
    """One organisation."""
    return O.get_organisation(current_actor(), organisation_id)


@blp.route("/organisations/<int:organisation_id>/quotas", methods=["POST"])
@bearer_required
@blp.arguments(QuotaIn)
@blp.response(201, QuotaOut)
@blp.alt_response(200, schema=QuotaOut, description="the period's quota existed and was changed")
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def set_quota(data, organisation_id):
    """Give the organisation a quota for a period (201), or change the period's quota (200)."""
    organisation = O.get_organisation(current_actor(), organisation_id, "quota.set")
    quota, created = O.set_quota(current_actor(), organisation, data["period"], data["points"])
    return quota, 201 if created else 200


@blp.route("/organisations/<int:organisation_id>/quotas")
@bearer_required
@blp.response(200, QuotaOut(many=True))
@document_errors(blp, 401, 403, 404)
def list_quotas(organisation_id):
    """The organisation's quotas, newest period first."""
    return O.quotas_of(O.get_organisation(current_actor(), organisation_id))


@blp.route("/organisations/<int:organisation_id>/members", methods=["POST"])
@bearer_required
@blp.arguments(OrganisationMemberIn)
@blp.response(201, OrganisationMemberOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def add_member(data, organisation_id):
    """Register a person of the street with an enterprise or grid organisation."""
    organisation = O.get_organisation(current_actor(), organisation_id, "organisation.manage")
    person = db.session.get(Person, data["person_id"])
    street_id = organisation.community.street_id
    if person is None or person.community is None or person.community.street_id != street_id:
        raise NotFound(_("The person was not found."), fields={"person_id": _("Unknown person.")})
    return O.add_member(current_actor(), organisation, person)


@blp.route("/organisations/<int:organisation_id>/members")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OrganisationMemberOut, "OrganisationMemberPage"))
@document_errors(blp, 400, 401, 403, 404)
def list_members(args, organisation_id):
    """The organisation's registered members, by name."""
    organisation = O.get_organisation(current_actor(), organisation_id)
    return page_of(O.members_query(organisation), args)


@blp.route("/grants", methods=["POST"])
@bearer_required
@blp.arguments(PointsGrantIn)
@blp.response(201, LedgerEntryOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def grant(data):
    """Grant points from the organisation's quota: 409 quota exhausted, 403 person out of scope, 422 a cap."""
    organisation = O.get_organisation(current_actor(), data["organisation_id"], "points.grant")
    person = db.session.get(Person, data["person_id"])
    return G.make_grant(current_actor(), organisation, person, data["points"], data["category"], data["reason"])


@blp.route("/people/<int:person_id>/points")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, PersonPointsOut)
@document_errors(blp, 400, 401, 403, 404)
def person_points(args, person_id):
    """A person's balance, hours, stars and entries (the person, and administrators over them)."""
    person = R.get_person(current_actor(), person_id)
    page = paginate(db.session, R.history_query(person.id), args["page"], args["per_page"],
                    cursor=args.get("cursor"), keyset=True)
    return {"person_id": person.id, **R.summary(person.id), "entries": page.items, **page_body(page)}


@blp.route("/ledger/<int:entry_id>/reverse", methods=["POST"])
@bearer_required
@blp.arguments(LedgerReverseIn)
@blp.response(201, LedgerEntryOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def reverse(data, entry_id):
    """Post the entry that reverses `entry_id` (street administrator); 409 when already reversed."""
    return reverse_entry(current_actor(), entry_id, data["reason"])


@blp.route("/leaderboard")
@bearer_required
@blp.arguments(LeaderboardArgs, location="query")
@blp.response(200, LeaderboardOut)
@document_errors(blp, 400, 401, 404)
def leaderboard(args):
    """Points earned in a month or year, ranked, in a community or street; others' names masked."""
    board = R.leaderboard(current_actor(), community_id=args.get("community_id"), street_id=args.get("street_id"),
                          period=args.get("period"), page=args["page"], per_page=args["per_page"], now=utcnow())
    return {"title": board.title, "period": board.period, "items": board.rows, "total": board.total,
            "page": args["page"], "mine": board.mine}


@blp.route("/streets/<int:street_id>/points-rules", methods=["PUT"])
@bearer_required
@blp.arguments(PointsRulesIn)
@blp.response(200, PointsRulesOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def set_rules(data, street_id):
    """Set the street's caps: per grant, per person a day and a year, and per category."""
    require(current_actor(), "points_rules.set")
    street = db.session.get(Street, street_id) if valid_id(street_id) else None
    if street is None:
        raise NotFound(_("The street was not found."))
    data["caps"] = {k: (list(v) + [None, None])[:2] for k, v in (data.get("caps") or {}).items()}
    return O.set_rules(current_actor(), street, data)
