"""The meetings' rules: scheduling, moving, cancelling, inviting (invite/attendance/minutes: records.py).

Every entry point takes the acting person and checks the kind's managing action in the meeting's scope before it
looks anything else up; reminders and notices (community.reminders) are rows of the same unit of work.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.elements import False_

from app import db
from community.audit.services import record
from community.authz import can, require, scope_condition, scope_object
from community.database import parse_local, transactional, utcnow, valid_id
from community.errors import DomainError, Forbidden, Invalid, NotFound
from community.meetings import reminders
from community.meetings.kinds import MeetingKind, kind_of, meeting_kinds
from community.meetings.models import DEFAULT_OFFSETS, Meeting, MeetingChange, MeetingInvitee
from community.registry import registry

MAX_OFFSET = 60 * 24 * 30  # a reminder at most 30 days before


def get_meeting(meeting_id) -> Meeting:
    """Load a meeting or raise NotFound."""
    meeting = db.session.get(Meeting, meeting_id) if valid_id(meeting_id) else None
    if meeting is None:
        raise NotFound(_("No such meeting: %(id)s.", id=meeting_id))
    return meeting


def kind_or_invalid(name) -> MeetingKind:
    """The registered kind, or a 400 naming the field."""
    kind = kind_of(name) if isinstance(name, str) else None
    if kind is None:
        message = _("Unknown kind of meeting.")
        raise Invalid(message, fields={"kind": message})
    return kind


def may_manage(actor, meeting: Meeting) -> bool:
    """Whether the actor holds the kind's managing action in the meeting's scope."""
    kind = kind_of(meeting.kind)
    return kind is not None and can(actor, kind.manage_action, meeting)


def require_manage(actor, meeting: Meeting) -> None:
    """Raise Forbidden unless the actor manages this meeting."""
    kind = kind_of(meeting.kind)
    if kind is None:
        raise Forbidden(_("You do not have permission to do this."))
    require(actor, kind.manage_action, meeting)


def is_invited(person, meeting: Meeting) -> bool:
    """Whether the person is among the meeting's invitees (one indexed query)."""
    if not getattr(person, "id", None):
        return False
    return db.session.scalar(select(exists().where(MeetingInvitee.meeting_id == meeting.id,
                                                   MeetingInvitee.person_id == person.id)))


def require_view(actor, meeting: Meeting) -> None:
    """Managers and invitees see a meeting; nobody else does."""
    if not (may_manage(actor, meeting) or is_invited(actor, meeting)):
        raise Forbidden(_("Only the meeting's organisers and invitees may see it."))


def managed_kinds(actor) -> list[str]:
    """The kinds the actor may organise somewhere (for the create page and the menu)."""
    return [name for name, kind in meeting_kinds().items() if can(actor, kind.manage_action)]


def visible_condition(actor):
    """SQL: meetings the actor is invited to or manages (scope conditions per kind, no check per row)."""
    invited = exists().where(MeetingInvitee.meeting_id == Meeting.id, MeetingInvitee.person_id == actor.id)
    managed = []
    for name, kind in meeting_kinds().items():
        condition = scope_condition(actor, kind.manage_action, kind.scope_type, Meeting.scope_id)
        if condition is None:
            return None
        if not isinstance(condition, False_):  # no grant for this kind: leave it out of the SQL
            managed.append(and_(Meeting.kind == name, condition))
    return or_(invited, *managed)


def meetings_query(actor, *, kind: str | None = None, when: str | None = None, now: datetime | None = None):
    """The meetings the actor organises or is invited to; `when`: "upcoming" (not yet ended) or "past"."""
    now = now or utcnow()
    statement = select(Meeting)
    allowed = visible_condition(actor)
    if allowed is not None:
        statement = statement.where(allowed)
    if kind:
        statement = statement.where(Meeting.kind == kind)
    if when == "past":
        statement = statement.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    elif when == "upcoming":
        statement = statement.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    else:
        statement = statement.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return statement


def scope_choices(actor, kind: MeetingKind, limit: int = 200) -> list[tuple[int, str]]:
    """The scopes of the kind's type where the actor may organise it (id, name), for the create form."""
    from community.registry import registry

    model = registry().scope_types[kind.scope_type].model
    statement = select(model).order_by(model.id).limit(limit)
    condition = scope_condition(actor, kind.manage_action, kind.scope_type, model.id)
    if condition is not None:
        statement = statement.where(condition)
    return [(obj.id, getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj.id))
            for obj in db.session.scalars(statement)]


# ------------------------------------------------------------------------------------------- checking input
def _moment(value, field: str) -> datetime:
    if not isinstance(value, datetime) or not 2000 <= value.year <= 2199:
        message = _("Not a valid date and time.")
        raise Invalid(message, fields={field: message})
    return parse_local(value)


def _text(data: dict, field: str, limit: int, *, required: bool = True) -> str:
    value = (data.get(field) or "").strip() if isinstance(data.get(field, ""), str) else None
    if value is None or (required and not value):
        message = _("Please fill this in.")
        raise Invalid(message, fields={field: message})
    if len(value) > limit:
        message = _("At most %(count)s characters.", count=limit)
        raise Invalid(message, fields={field: message})
    return value


def _times(starts_at, ends_at) -> tuple[datetime, datetime]:
    starts, ends = _moment(starts_at, "starts_at"), _moment(ends_at, "ends_at")
    if ends <= starts:
        message = _("The meeting must end after it starts.")
        raise DomainError(message, code="ends_before_start", fields={"ends_at": message})
    return starts, ends


def _offsets(value) -> list[int]:
    if value is None:
        return list(DEFAULT_OFFSETS)
    if not isinstance(value, list) or not all(isinstance(m, int) and not isinstance(m, bool)
                                              and 0 <= m <= MAX_OFFSET for m in value) or len(value) > 5:
        message = _("Up to five numbers of minutes, each between 0 and %(max)s.", max=MAX_OFFSET)
        raise Invalid(message, fields={"reminder_offsets_minutes": message})
    return sorted(set(value), reverse=True)


def _agenda(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        message = _("The agenda is a list of items.")
        raise Invalid(message, fields={"agenda": message})
    items = [item.strip() for item in value if item.strip()]
    if len(items) > 30 or any(len(item) > 200 for item in items):
        message = _("At most 30 items of at most 200 characters each.")
        raise Invalid(message, fields={"agenda": message})
    return items


def where_when(meeting: Meeting) -> dict:
    """Time and place as stored in a change row (ISO times)."""
    return {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
            "place": meeting.place}


# ------------------------------------------------------------------------------------------- scheduling
@transactional
def create_meeting(actor, kind_name: str, scope_id, data: dict, *, now: datetime | None = None) -> Meeting:
    """Schedule a meeting of a kind in a scope the actor manages; one entered after it began is a late entry
    (补录), visibly, and gets no reminders."""
    now = now or utcnow()
    kind = kind_or_invalid(kind_name)
    if not valid_id(scope_id):
        message = _("Choose where the meeting is organised.")
        raise Invalid(message, fields={"scope_id": message})
    require(actor, kind.manage_action, (kind.scope_type, scope_id))
    if scope_object(kind.scope_type, scope_id) is None:
        raise NotFound(_("The page or object was not found."))
    starts, ends = _times(data.get("starts_at"), data.get("ends_at"))
    meeting = Meeting(
        kind=kind_name, scope_type=kind.scope_type, scope_id=scope_id, title=_text(data, "title", 120),
        place=_text(data, "place", 200), starts_at=starts, ends_at=ends, agenda=_agenda(data.get("agenda")),
        hometown=_text(data, "hometown", 60, required=False) if kind.has_hometown else "",
        reminder_offsets_minutes=_offsets(data.get("reminder_offsets_minutes")),
        is_late_entry=starts < now, created_by_id=actor.id, created_at=now)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.create", meeting, meeting.title, {"kind": kind_name, "late_entry": meeting.is_late_entry})
    return meeting


@transactional
def move_meeting(actor, meeting: Meeting, data: dict, *, now: datetime | None = None) -> Meeting:
    """Change the time and/or place: recorded (from → to, why), invitees notified, reminders moved."""
    now = now or utcnow()
    require_manage(actor, meeting)
    db.session.refresh(meeting, with_for_update=True)  # a move and a cancellation at once: one after the other
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")
    starts, ends = _times(data.get("starts_at", meeting.starts_at), data.get("ends_at", meeting.ends_at))
    place = _text(data, "place", 200) if "place" in data else meeting.place
    reason = _text(data, "reason", 300, required=False)
    before = where_when(meeting)
    meeting.starts_at, meeting.ends_at, meeting.place = starts, ends, place
    if "title" in data:
        meeting.title = _text(data, "title", 120)
    if "agenda" in data:
        meeting.agenda = _agenda(data.get("agenda"))
    after = where_when(meeting)
    if before != after:
        change = MeetingChange(meeting_id=meeting.id, change="moved", before=before, after=after, reason=reason,
                               changed_by_id=actor.id, changed_at=now)
        db.session.add(change)
        db.session.flush()
        reminders.move_reminders(meeting)
        reminders.notify_change(meeting, change, now=now)
        record(actor, "meeting.move", meeting, reason, {"before": before, "after": after})
    return meeting


@transactional
def cancel_meeting(actor, meeting: Meeting, reason: str, *, now: datetime | None = None) -> Meeting:
    """Cancel with a reason: recorded, invitees notified, the pending reminders (and move notices) cancelled."""
    now = now or utcnow()
    require_manage(actor, meeting)
    reason = _text({"reason": reason}, "reason", 300)
    db.session.refresh(meeting, with_for_update=True)  # two organisers cancelling at once: recorded once
    if meeting.is_cancelled:
        raise DomainError(_("This meeting is already cancelled."), code="cancelled")
    change = MeetingChange(meeting_id=meeting.id, change="cancelled", before=where_when(meeting), after={},
                           reason=reason, changed_by_id=actor.id, changed_at=now)
    meeting.status, meeting.cancel_reason, meeting.cancelled_at = "cancelled", reason, now
    db.session.add(change)
    db.session.flush()
    reminders.withdraw_all(meeting)
    reminders.notify_change(meeting, change, now=now)
    record(actor, "meeting.cancel", meeting, reason)
    for listener in registry().meeting_cancelled_listeners:  # e.g. discussions: its agenda back to the queue
        listener(actor, meeting, reason, now)
    return meeting


def changes(meeting: Meeting) -> list[MeetingChange]:
    """The meeting's history of moves and cancellation, oldest first."""
    from sqlalchemy.orm import joinedload

    return db.session.scalars(select(MeetingChange).options(joinedload(MeetingChange.changed_by))
                              .where(MeetingChange.meeting_id == meeting.id).order_by(MeetingChange.id)).all()
