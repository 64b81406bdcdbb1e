"""JSON API of ranked allocations: open, apply, rank and publish (公示), object, answer, make final. Names on the
public list are masked for everyone but the street's administrators."""
from __future__ import annotations

import marshmallow as ma

from app import db
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
from community.database import parse_local
from community.listing import paginate
from community.places.models import Street
from volunteers import allocation as A
from volunteers.redemptions_api import _no_street

blp = api_blueprint("volunteer_allocations_api", "Ranked allocation of scarce services by points (school "
                    "places, public rental housing): window, ranking, 7-day public notice with objections, final")
F = ma.fields


class AllocationIn(ma.Schema):
    street_id = Id(required=True, strict=True)
    title = F.String(required=True, validate=ma.validate.Length(min=1, max=100))
    kind = F.String(load_default="school_place", validate=ma.validate.OneOf(list(A.KINDS)),
                    metadata={"description": "school_place, public_housing, other"})
    places = F.Raw(required=True, metadata={"description": "a whole number, 1 … 10000"})
    opens_at = F.DateTime(required=True, metadata={"description": "ISO 8601; naive means Asia/Shanghai"})
    closes_at = F.DateTime(required=True)
    description = F.String(load_default="", validate=ma.validate.Length(max=2000))


class AllocationOut(ma.Schema):
    id = F.Integer()
    street_id = F.Integer()
    title = F.String()
    kind = F.String()
    description = F.String()
    places = F.Integer()
    opens_at = F.DateTime()
    closes_at = F.DateTime()
    state = F.String(metadata={"description": "open, notice (公示), final"})
    ranked_at = F.DateTime(allow_none=True)
    notice_until = F.DateTime(allow_none=True)
    finalised_at = F.DateTime(allow_none=True)
    tie_breaker = F.Function(lambda a: str(A.TIE_BREAKER))


class LineOut(ma.Schema):
    id = F.Integer()
    rank = F.Integer(allow_none=True)
    name = F.String(metadata={"description": "masked (张**) except for the street's administrators and oneself"})
    points_at_close = F.Integer(allow_none=True)
    hours_at_close = F.Decimal(as_string=True, places=2, allow_none=True)
    is_offered = F.Boolean()
    created_at = F.DateTime()


class AllocationDetail(AllocationOut):
    applications = F.List(F.Nested(LineOut), metadata={"description": "one page of the list"})
    total_applications = F.Integer()


class AllocationApplyIn(ma.Schema):
    note = F.String(load_default="", validate=ma.validate.Length(max=300))


class ApplicationOut(ma.Schema):
    id = F.Integer()
    allocation_id = F.Integer()
    person_id = F.Integer()
    note = F.String()
    created_at = F.DateTime()


class AllocationObjectionIn(ma.Schema):
    text = F.String(required=True, validate=ma.validate.Length(max=2000))


class ObjectionAnswerIn(ma.Schema):
    answer = F.String(required=True, validate=ma.validate.Length(max=2000))


class AllocationObjectionOut(ma.Schema):
    id = F.Integer()
    allocation_id = F.Integer()
    application_id = F.Integer()
    text = F.String()
    created_at = F.DateTime()
    answer = F.String()
    answered_at = F.DateTime(allow_none=True)


@blp.route("/allocations")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AllocationOut, "AllocationPage"))
@document_errors(blp, 400, 401)
def list_allocations(args):
    """Allocations of one's street (and those one manages), newest window first."""
    return page_of(A.list_query(A.visible_street_ids(current_actor())), args)


@blp.route("/allocations", methods=["POST"])
@bearer_required
@blp.arguments(AllocationIn)
@blp.response(201, AllocationOut)
@document_errors(blp, 400, 401, 403, 404)
def create(data):
    """A street administrator opens an allocation with its places and window."""
    street_id = data.pop("street_id")
    require(current_actor(), "allocation.manage", ("street", street_id))
    street = db.session.get(Street, street_id) or _no_street()
    data["opens_at"], data["closes_at"] = parse_local(data["opens_at"]), parse_local(data["closes_at"])
    return A.create_allocation(current_actor(), street, data)


@blp.route("/allocations/<int:allocation_id>")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, AllocationDetail)
@document_errors(blp, 400, 401, 404)
def detail(args, allocation_id):
    """The allocation with one page of its list in rank order (`?page=&per_page=`; after ranking; before, only
    the street's administrators see it), and `total_applications`."""
    allocation = A.get_allocation(allocation_id)
    actor = current_actor()
    manages = can(actor, "allocation.manage", allocation)
    lines, total = [], 0
    if manages or allocation.state != "open":
        shown, total = paginate(db.session, A.ranked_query(allocation.id), args["page"], args["per_page"])
        for a in shown:
            name = a.person.name if manages or a.person_id == actor.id else A.masked_name(a.person.name)
            lines.append({"id": a.id, "rank": a.rank, "name": name, "points_at_close": a.points_at_close,
                          "hours_at_close": a.hours_at_close, "is_offered": a.is_offered,
                          "created_at": a.created_at})
    fields = ("id", "street_id", "title", "kind", "description", "places", "opens_at", "closes_at", "state",
              "ranked_at", "notice_until", "finalised_at")
    return {name: getattr(allocation, name) for name in fields} | {"applications": lines,
                                                                    "total_applications": total}


@blp.route("/allocations/<int:allocation_id>/applications", methods=["POST"])
@bearer_required
@blp.arguments(AllocationApplyIn)
@blp.response(201, ApplicationOut)
@document_errors(blp, 400, 401, 404, 409, 422)
def apply(data, allocation_id):
    """Apply while the window is open (409 a second time)."""
    return A.apply(current_actor(), A.get_allocation(allocation_id), data["note"])


@blp.route("/allocations/<int:allocation_id>/ranking", methods=["POST"])
@bearer_required
@blp.response(200, AllocationOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def rank(allocation_id):
    """After the window: rank and publish the list for 7 days (公示)."""
    return A.publish_ranking(current_actor(), A.get_allocation(allocation_id))


@blp.route("/allocations/<int:allocation_id>/objections", methods=["POST"])
@bearer_required
@blp.arguments(AllocationObjectionIn)
@blp.response(201, AllocationObjectionOut)
@document_errors(blp, 400, 401, 404, 422)
def object_to(data, allocation_id):
    """An applicant objects to the public list during the notice."""
    return A.object_to(current_actor(), A.get_allocation(allocation_id), data["text"])


@blp.route("/allocation-objections/<int:objection_id>/answer", methods=["POST"])
@bearer_required
@blp.arguments(ObjectionAnswerIn)
@blp.response(200, AllocationObjectionOut)
@document_errors(blp, 400, 401, 403, 404, 409)
def answer(data, objection_id):
    """The street administrator answers an objection (once)."""
    return A.answer_objection(current_actor(), A.get_objection(objection_id), data["answer"])


@blp.route("/allocations/<int:allocation_id>/final", methods=["POST"])
@bearer_required
@blp.response(200, AllocationOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def final(allocation_id):
    """After the notice, with every objection answered: the final list."""
    return A.finalise(current_actor(), A.get_allocation(allocation_id))
