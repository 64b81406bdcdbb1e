"""JSON API of mediation, the discussion group, discussion meetings' agenda and resolutions, and the figures
(shared/API.md): thin over the same services as the pages."""
from __future__ import annotations

from types import SimpleNamespace

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
from community.discussions import agenda as A
from community.discussions import figures as F
from community.discussions import group as G
from community.discussions import mediation as M
from community.discussions.mediation_models import DISPUTE_KINDS, GROUP_ROLES, OUTCOMES
from community.errors import NotFound

blp = api_blueprint("mediation_api", "Discussions (同心圆): mediation cases, the discussion group, meeting agendas "
                                     "and resolutions, figures")
Fd = ma.fields


class PartyIn(ma.Schema):
    name = Fd.String(required=True, validate=ma.validate.Length(max=50))
    side = Fd.String(required=True, validate=ma.validate.Length(max=40), metadata={"description": "e.g. 房东, 租客"})
    phone = Fd.String(validate=ma.validate.Length(max=20))


class PartyOut(ma.Schema):
    id = Fd.Integer()
    name = Fd.String()
    side = Fd.String()
    phone = Fd.String()


class SessionIn(ma.Schema):
    held_on = Fd.Date(metadata={"description": "default today; not before the case opened, not in the future"})
    place = Fd.String(required=True, validate=ma.validate.Length(min=1, max=200))
    notes = Fd.String(validate=ma.validate.Length(max=5000))


class SessionOut(ma.Schema):
    id = Fd.Integer()
    held_on = Fd.Date()
    place = Fd.String()
    notes = Fd.String()


class CaseIn(ma.Schema):
    community_id = Id(required=True, strict=True)
    kind = Fd.String(required=True, validate=ma.validate.OneOf(DISPUTE_KINDS))
    title = Fd.String(required=True, validate=ma.validate.Length(min=1, max=80))
    summary = Fd.String(validate=ma.validate.Length(max=2000))
    opened_on = Fd.Date()
    mediator_id = Id(strict=True, metadata={"description": "an administrator names the mediator; default: the caller"})
    parties = Fd.List(Fd.Nested(PartyIn), required=True, validate=ma.validate.Length(min=2, max=10))


class CaseOut(ma.Schema):
    id = Fd.Integer()
    community_id = Fd.Integer()
    mediator_id = Fd.Integer()
    mediator_name = Fd.String(attribute="mediator.name")
    kind = Fd.String(metadata={"description": ", ".join(DISPUTE_KINDS)})
    title = Fd.String()
    opened_on = Fd.Date()
    outcome = Fd.String(allow_none=True, metadata={"description": "null while open; " + ", ".join(OUTCOMES)})
    closed_at = Fd.AwareDateTime(allow_none=True)


class CaseDetail(CaseOut):
    summary = Fd.String()
    outcome_note = Fd.String()
    referred_to = Fd.String()
    parties = Fd.List(Fd.Nested(PartyOut))
    sessions = Fd.List(Fd.Nested(SessionOut))


class OutcomeIn(ma.Schema):
    outcome = Fd.String(required=True, validate=ma.validate.OneOf(OUTCOMES))
    outcome_note = Fd.String(validate=ma.validate.Length(max=2000))
    referred_to = Fd.String(validate=ma.validate.Length(max=100), metadata={"description": "required when referred"})


class CaseArgs(PageArgs):
    community_id = Id()
    outcome = Fd.String(validate=ma.validate.OneOf(("open", *OUTCOMES)))


def _case(case) -> SimpleNamespace:
    fields = {name: getattr(case, name) for name in CaseDetail().fields if hasattr(case, name)}
    return SimpleNamespace(**fields, mediator=case.mediator, parties=M.parties(case), sessions=M.sessions(case))


@blp.route("/mediation/cases")
@bearer_required
@blp.arguments(CaseArgs, location="query")
@blp.response(200, page_schema(CaseOut, "MediationCasePage"))
@document_errors(blp, 401, 403)
def list_cases(args):
    """The caller's cases as mediator, and every case of the communities they administer (no parties here)."""
    return page_of(M.cases_query(current_actor(), community_id=args.get("community_id"),
                                 outcome=args.get("outcome")), args)


@blp.route("/mediation/cases", methods=["POST"])
@bearer_required
@blp.arguments(CaseIn)
@blp.response(201, CaseDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def open_case(data):
    """Open a case with its parties (2–10); a mediator opens their own, an administrator names the mediator."""
    return _case(M.open_case(current_actor(), data.pop("community_id"), data))


@blp.route("/mediation/cases/<int:case_id>")
@bearer_required
@blp.response(200, CaseDetail)
@document_errors(blp, 401, 403, 404)
def get_case(case_id):
    """One case with its parties and sessions, for its mediator and the administrators over it (404 for others);
    an administrator's view is logged."""
    return _case(M.view_case(current_actor(), case_id))


@blp.route("/mediation/cases/<int:case_id>/sessions", methods=["POST"])
@bearer_required
@blp.arguments(SessionIn)
@blp.response(201, CaseDetail)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def add_session(data, case_id):
    """Record a session of an open case."""
    case = M.get_case(current_actor(), case_id)
    M.add_session(current_actor(), case, data)
    return _case(case)


@blp.route("/mediation/cases/<int:case_id>/outcome", methods=["POST"])
@bearer_required
@blp.arguments(OutcomeIn)
@blp.response(200, CaseDetail)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def record_outcome(data, case_id):
    """Close the case with its outcome, once (409 when it is already closed)."""
    return _case(M.record_outcome(current_actor(), M.get_case(current_actor(), case_id), data))


# ------------------------------------------------------------------------------------------- the group
class GroupMemberIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    group_role = Fd.String(required=True, validate=ma.validate.OneOf(GROUP_ROLES))


class GroupMemberOut(ma.Schema):
    person_id = Fd.Integer()
    name = Fd.String()
    hometown = Fd.String(allow_none=True)
    group_role = Fd.String(allow_none=True, metadata={"description": ", ".join(GROUP_ROLES) + "; null: not set"})


class GroupOut(ma.Schema):
    community_id = Fd.Integer()
    members = Fd.List(Fd.Nested(GroupMemberOut))


def _group(community_id: int) -> dict:
    return {"community_id": community_id, "members": [
        {"person_id": p.id, "name": p.name, "hometown": p.hometown, "group_role": role}
        for p, role in G.members(community_id)]}


@blp.route("/communities/<int:community_id>/discussion-group")
@bearer_required
@blp.response(200, GroupOut)
@document_errors(blp, 401, 403, 404)
def get_group(community_id):
    """The community's discussion group: members and their roles in it."""
    return _group(G.get_community(current_actor(), "discussion_group.view", community_id).id)


@blp.route("/communities/<int:community_id>/discussion-group", methods=["POST"])
@bearer_required
@blp.arguments(GroupMemberIn)
@blp.response(201, GroupOut)
@document_errors(blp, 400, 401, 403, 404)
def set_member(data, community_id):
    """Add a member with their group role, or change it (grants discussion_member, and mediator to mediators)."""
    from community.people.models import Person

    community = G.get_community(current_actor(), "discussion_group.manage", community_id)
    person = db.session.get(Person, data["person_id"])
    if person is None:
        raise NotFound(str(_not_found()), fields={"person_id": str(_not_found())})
    G.set_member(current_actor(), community.id, person, data["group_role"])
    return _group(community.id)


def _not_found():
    from flask_babel import gettext as _

    return _("The page or object was not found.")


# ------------------------------------------------------------------------------------------- agenda
class AgendaIn(ma.Schema):
    request_id = Id(required=True, strict=True)


class AgendaResolutionIn(ma.Schema):
    decision = Fd.String(required=True, validate=ma.validate.Length(min=1, max=500))
    responsible = Fd.String(validate=ma.validate.Length(max=100), metadata={"description": "a unit"})
    responsible_person_id = Id(strict=True, metadata={"description": "a person of the community"})
    deadline = Fd.Date(required=True)


class AgendaItemOut(ma.Schema):
    id = Fd.Integer()
    request_id = Fd.Integer()
    title = Fd.String(attribute="request.title")
    status = Fd.String(attribute="request.status")
    position = Fd.Integer()
    decision = Fd.String()
    responsible = Fd.String()
    responsible_person_id = Fd.Integer(allow_none=True)
    deadline_on = Fd.Date(allow_none=True)
    decided_at = Fd.AwareDateTime(allow_none=True)


class QueuedOut(ma.Schema):
    id = Fd.Integer()
    title = Fd.String()
    support_count = Fd.Integer()


class AgendaOut(ma.Schema):
    meeting_id = Fd.Integer()
    items = Fd.List(Fd.Nested(AgendaItemOut))
    queue = Fd.List(Fd.Nested(QueuedOut))


def _agenda(meeting) -> dict:
    return {"meeting_id": meeting.id, "items": A.items(meeting), "queue": A.waiting(meeting)}


@blp.route("/meetings/<int:meeting_id>/agenda")
@bearer_required
@blp.response(200, AgendaOut)
@document_errors(blp, 401, 403, 404)
def get_agenda(meeting_id):
    """A discussion meeting's agenda items (with their resolutions) and the community's queue."""
    return _agenda(A.discussion_meeting(current_actor(), meeting_id))


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@bearer_required
@blp.arguments(AgendaIn)
@blp.response(201, AgendaOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def add_item(data, meeting_id):
    """Put a queued request on the agenda; it moves to on_agenda (409 when it is already there)."""
    meeting = A.discussion_meeting(current_actor(), meeting_id)
    A.add_item(current_actor(), meeting, data["request_id"])
    return _agenda(meeting)


@blp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/resolution", methods=["POST"])
@bearer_required
@blp.arguments(AgendaResolutionIn)
@blp.response(200, AgendaItemOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def resolve_item(data, meeting_id, item_id):
    """The meeting's resolution on an item: decision, responsible unit and/or person, deadline; the request is
    decided."""
    from community.people.models import Person

    meeting = A.discussion_meeting(current_actor(), meeting_id)
    item = A.get_item(current_actor(), meeting, item_id)
    person = None
    if data.get("responsible_person_id"):
        person = db.session.get(Person, data["responsible_person_id"])
        in_community = person is not None and person.community_id == meeting.scope_id
        if not in_community:
            raise NotFound(str(_not_found()), fields={"responsible_person_id": str(_not_found())})
    return A.resolve_item(current_actor(), meeting, item, data, responsible_person=person)


# ------------------------------------------------------------------------------------------- figures
class FigureArgs(ma.Schema):
    community_id = Id()


class RequestFigures(ma.Schema):
    taken_up = Fd.Integer()
    done = Fd.Integer()
    closure_rate = Fd.Float(allow_none=True, metadata={"description": "percent"})
    rated = Fd.Integer()
    satisfied = Fd.Integer(metadata={"description": "satisfied or basically satisfied"})
    satisfaction_rate = Fd.Float(allow_none=True, metadata={"description": "percent"})
    median_days = Fd.Float(allow_none=True)


class CaseFigures(ma.Schema):
    cases = Fd.Integer()
    closed = Fd.Integer()
    settled = Fd.Integer()
    partly = Fd.Integer()
    failed = Fd.Integer()
    referred = Fd.Integer()
    settlement_rate = Fd.Float(allow_none=True, metadata={"description": "settled ÷ closed, percent"})


class FiguresOut(ma.Schema):
    communities = Fd.Dict(keys=Fd.String(), values=Fd.Nested(RequestFigures))
    categories = Fd.Dict(keys=Fd.String(), values=Fd.Nested(RequestFigures))
    total = Fd.Nested(RequestFigures)
    mediation_by_community = Fd.Dict(keys=Fd.String(), values=Fd.Nested(CaseFigures))
    mediation_by_kind = Fd.Dict(keys=Fd.String(), values=Fd.Nested(CaseFigures))
    mediation_by_mediator = Fd.Dict(keys=Fd.String(), values=Fd.Nested(CaseFigures))
    mediation_total = Fd.Nested(CaseFigures)
    community_names = Fd.Dict(keys=Fd.String(), values=Fd.String())


@blp.route("/discussions/figures")
@bearer_required
@blp.arguments(FigureArgs, location="query")
@blp.response(200, FiguresOut)
@document_errors(blp, 401, 403)
def figures(args):
    """Closure rate, satisfaction rate, median days to close (per community and category) and the mediation
    settlement rate (per community, kind of dispute and mediator) over the communities the caller may see."""
    data = F.figures(current_actor(), args.get("community_id"))
    mediation = data["mediation"]
    return {"communities": data["communities"], "categories": data["categories"], "total": data["total"],
            "mediation_by_community": mediation["community"], "mediation_by_kind": mediation["kind"],
            "mediation_by_mediator": mediation["mediator"], "mediation_total": mediation["total"],
            "community_names": data["names"]}
