"""A discussion meeting's agenda drawn from the requests' queue, and per item the meeting's resolution.

Discussion meetings are the shared meetings (community/meetings, kind "discussion"); their attendance and
minutes are the meetings' own. Putting a queued request on a meeting's agenda moves it to `on_agenda`
(community.discussions.requests.change_status, which notifies the submitter and supporters); the resolution
(decision, responsible unit or person, deadline) is written as the meeting's resolution row and moves the
request to `decided` — all in one unit of work, so nothing is half-written when a step is refused. An undecided
item taken off the agenda (with a reason), or left on a meeting that is cancelled (the `meeting_cancelled`
listener the meetings call, in their unit of work), returns to the queue: its agenda row goes, the request steps
back on_agenda → accepted with the reason, and its people are told once.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.database import as_local, flush_or_conflict, transactional, utcnow, valid_id
from community.discussions import requests as workflow
from community.discussions.mediation import day_field, text_field
from community.discussions.mediation_models import AgendaItem
from community.discussions.models import Request
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.meetings import records
from community.meetings.models import Meeting
from community.meetings.services import get_meeting, require_manage

MAX_ITEMS = 30  # the meeting's plain-text agenda holds at most 30 lines (community.meetings.services._agenda)


def discussion_meeting(actor, meeting_id) -> Meeting:
    """A discussion meeting the actor manages (the meeting's own check), else 403/404."""
    meeting = get_meeting(meeting_id)
    require_manage(actor, meeting)
    if meeting.kind != "discussion":
        raise NotFound(_("This is not a discussion meeting."))
    return meeting


def items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items with their requests and responsible people, in order (one query)."""
    return db.session.scalars(select(AgendaItem).options(
        joinedload(AgendaItem.request), joinedload(AgendaItem.responsible_person))
        .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)).all()


def get_item(actor, meeting: Meeting, item_id) -> AgendaItem:
    """One item of this meeting's agenda (the meeting already checked), else 404."""
    item = db.session.get(AgendaItem, item_id) if valid_id(item_id) else None
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    return item


def waiting(meeting: Meeting) -> list[Request]:
    """The community's queue: what may be put on this meeting's agenda."""
    return workflow.queue(meeting.scope_id)


@transactional
def add_item(actor, meeting: Meeting, request_id, *, now: datetime | None = None) -> AgendaItem:
    """Put a queued request of the meeting's community on its agenda; the request moves to on_agenda."""
    require_manage(actor, meeting)
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")
    request = db.session.get(Request, request_id) if valid_id(request_id) else None
    if request is None or request.community_id != meeting.scope_id:
        message = _("Choose a request from this community's queue.")
        raise NotFound(message, fields={"request_id": message})
    if request.queued_at is None or request.status not in ("submitted", "accepted") or request.is_hidden:
        message = _("This request is not waiting in the queue.")
        raise DomainError(message, code="not_queued", fields={"request_id": message})
    count = db.session.scalar(select(func.count()).where(AgendaItem.meeting_id == meeting.id))
    if count >= MAX_ITEMS or len(meeting.agenda or []) >= MAX_ITEMS:
        message = _("A meeting has at most %(count)s agenda items.", count=MAX_ITEMS)
        raise DomainError(message, code="agenda_full", fields={"request_id": message})
    item = AgendaItem(meeting_id=meeting.id, request_id=request.id, position=count + 1, added_by_id=actor.id,
                      created_at=now or utcnow())
    flush_or_conflict(item, _("This request is already on the agenda."), field="request_id")
    day = as_local(meeting.starts_at).strftime("%Y-%m-%d")
    workflow.change_status(actor, request, "on_agenda", _("On the agenda of %(title)s (%(day)s).",
                                                          title=meeting.title, day=day), now=now)
    meeting.agenda = [*(meeting.agenda or []), request.title[:200]]  # the meeting's own agenda and .ics
    record(actor, "discussion_agenda.add", meeting, request.title, {"request_id": request.id})
    return item


@transactional
def resolve_item(actor, meeting: Meeting, item: AgendaItem, data: dict, *, responsible_person=None,
                 now: datetime | None = None) -> AgendaItem:
    """The meeting's resolution on an item: decision, responsible unit and/or person (chosen with the person
    picker), deadline (not before the meeting). Written as the meeting's resolution; the request is decided."""
    require_manage(actor, meeting)
    if item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")
    if item.decided_at is not None:
        raise Conflict(_("This item is already decided."), code="already_decided")
    decision = text_field(data, "decision", 500)
    responsible = text_field(data, "responsible", 100, required=False)
    if not responsible and responsible_person is None:
        message = _("Name the responsible unit or choose the responsible person.")
        raise Invalid(message, fields={"responsible": message})
    deadline = day_field(data, "deadline", not_before=as_local(meeting.starts_at).date())
    now = now or utcnow()
    resolution = records.add_resolution(actor, meeting, {
        "text": f"{item.request.title}：{decision}"[:500], "due_on": deadline,
        "responsible": (responsible or responsible_person.name)[:100]})
    done = db.session.execute(update(AgendaItem).where(
        AgendaItem.id == item.id, AgendaItem.decided_at.is_(None)).values(
        decision=decision, responsible=responsible, deadline_on=deadline, resolution_id=resolution.id,
        responsible_person_id=getattr(responsible_person, "id", None), decided_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_("This item is already decided."), code="already_decided")
    workflow.change_status(actor, item.request, "decided", decision, responsible=responsible, deadline=deadline,
                           responsible_person=responsible_person, now=now)
    db.session.refresh(item)
    record(actor, "discussion_agenda.resolve", meeting, item.request.title,
           {"request_id": item.request_id, "deadline": deadline.isoformat()})
    return item


@transactional
def invite_hometown(actor, meeting: Meeting, *, now: datetime | None = None) -> int:
    """A 乡音说事 session: invite the discussion group's members from its hometown; returns how many were new."""
    from community.discussions.group import members_with_hometown

    require_manage(actor, meeting)
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")
    if not meeting.hometown:
        raise DomainError(_("This meeting carries no hometown group."), code="no_hometown")
    # The meetings' own insert (ON CONFLICT DO NOTHING, reminders for the new invitees only).
    new = records._add(meeting, members_with_hometown(meeting.scope_id, meeting.hometown), now or utcnow())
    record(actor, "meeting.invite_members", meeting, str(len(new)), {"hometown": meeting.hometown})
    return len(new)


def _take_off(item: AgendaItem) -> None:
    """The agenda row goes (so the request may come back to this meeting later), unless decided meanwhile."""
    gone = db.session.execute(delete(AgendaItem).where(AgendaItem.id == item.id, AgendaItem.decided_at.is_(None))
                              .execution_options(synchronize_session=False))
    if gone.rowcount != 1:  # decided or taken off meanwhile by someone else
        raise Conflict(_("This item is no longer waiting on the agenda."), code="not_on_agenda")
    db.session.expunge(item)


def _refuse_off(request: Request) -> None:
    message = _("Only an item that is on the agenda and not yet decided can be taken off it.")
    raise DomainError(message, code="step_refused", fields={"note": message})


def check_removable(actor, meeting: Meeting, item: AgendaItem, note: str) -> str:
    """May this item come off the agenda with this reason (asked before the confirmation step)? The reason."""
    require_manage(actor, meeting)
    if item.meeting_id != meeting.id:
        raise NotFound(_("No such agenda item."))
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")
    if item.decided_at is not None or item.request.status != "on_agenda":
        _refuse_off(item.request)
    return workflow._note(note, required=True)


@transactional
def remove_item(actor, meeting: Meeting, item: AgendaItem, note: str, *, now: datetime | None = None) -> Request:
    """Take an undecided item off the agenda with a reason: it returns to the queue and its people are told."""
    note = check_removable(actor, meeting, item, note)
    request, title = item.request, item.request.title
    lines = list(meeting.agenda or [])
    if title[:200] in lines:
        lines.remove(title[:200])  # the meeting's own agenda and .ics lose that line
        meeting.agenda = lines
    _take_off(item)
    workflow.change_status(actor, request, "accepted", note, off_agenda=True, now=now or utcnow())
    record(actor, "discussion_agenda.remove", meeting, title, {"request_id": request.id})
    return request


def meeting_cancelled(actor, meeting: Meeting, reason: str, now: datetime) -> None:
    """Registered with the meetings (reg.meeting_cancelled): a cancelled discussion meeting's undecided items
    return to the queue, each once, with the cancellation's reason, in the cancellation's unit of work. Their
    agenda rows stay, undecided, as the record of what the cancelled meeting was to discuss."""
    if meeting.kind != "discussion":
        return
    undecided = [item for item in items(meeting) if item.decided_at is None and item.request.status == "on_agenda"]
    day = as_local(meeting.starts_at).strftime("%Y-%m-%d")
    note = _("The meeting %(title)s (%(day)s) was cancelled: %(reason)s", title=meeting.title, day=day,
             reason=reason)[:1000]
    for item in undecided:
        workflow.change_status(actor, item.request, "accepted", note, off_agenda=True, now=now)
    if undecided:
        record(actor, "discussion_agenda.cancelled", meeting, str(len(undecided)),
               {"request_ids": [item.request_id for item in undecided]})
