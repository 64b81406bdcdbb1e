"""Meetings already held, written as history: a package's demo year of meetings (branches' organisational life).

`create_meeting` marks a meeting whose start has passed as a late entry (补录), which is right for a person
entering it now; a demo's past year was held on time, so these rows are not late entries and get no reminders.
The rules still hold: each kind must be registered for its scope type, a meeting ends after it starts and
before now, attendance is one of the known states (leave with a reason) and invitees vote as the kind says.
Rows go in with two bulk inserts, so a year of meetings costs a few statements, not a few per meeting.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert

from app import db
from community.database import utcnow
from community.meetings.kinds import kind_of
from community.meetings.models import ATTENDANCE, Meeting, MeetingInvitee


@dataclass
class HeldMeeting:
    """A meeting held in the past, with its attendance {person_id: (attendance, leave reason)} and minutes."""

    kind: str
    scope_id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    attendance: dict[int, tuple[str, str]] = field(default_factory=dict)
    agenda: list[str] = field(default_factory=list)
    topics: str = ""
    chair_id: int | None = None
    recorder_id: int | None = None


def _checked(meeting: HeldMeeting, now: datetime):
    kind = kind_of(meeting.kind)
    if kind is None or not meeting.title.strip() or not meeting.place.strip():
        raise ValueError(f"a held meeting needs a registered kind, a title and a place: {meeting!r}")
    if not meeting.starts_at < meeting.ends_at <= now:
        raise ValueError(f"a held meeting ends after it starts and before now: {meeting.title}")
    for state, reason in meeting.attendance.values():
        if state not in ATTENDANCE or (state == "leave" and not reason.strip()):
            raise ValueError(f"unknown attendance or leave without a reason: {meeting.title}")
    return kind


def insert_held_meetings(meetings: list[HeldMeeting], created_by_id: int | None,
                         now: datetime | None = None) -> list[int]:
    """Write meetings held on time in the past (not 补录), with attendance and minutes; their ids, in order."""
    now = now or utcnow()
    kinds = [_checked(meeting, now) for meeting in meetings]
    if not meetings:
        return []
    ids = list(db.session.scalars(insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), [
        {"kind": m.kind, "scope_type": kind.scope_type, "scope_id": m.scope_id, "title": m.title, "place": m.place,
         "starts_at": m.starts_at, "ends_at": m.ends_at, "agenda": m.agenda, "status": "scheduled",
         "reminder_offsets_minutes": [], "is_late_entry": False, "hometown": "", "cancel_reason": "",
         "topics": m.topics, "speeches": "", "chair_id": m.chair_id, "recorder_id": m.recorder_id,
         "minutes_at": m.ends_at if m.topics else None, "created_by_id": created_by_id, "created_at": m.starts_at}
        for m, kind in zip(meetings, kinds, strict=True)]))
    votes: dict[tuple, dict[int, bool]] = {}  # kinds sharing a members function ask it once per scope
    rows = []
    for meeting_id, meeting, kind in zip(ids, meetings, kinds, strict=True):
        key = (kind.members, meeting.scope_id)
        if key not in votes:
            votes[key] = kind.members(meeting.scope_id) if kind.members else {}
        rows += [{"meeting_id": meeting_id, "person_id": person_id, "attendance": state, "leave_reason": reason,
                  "is_voting": bool(kind.invitees_vote and votes[key].get(person_id, not kind.members)),
                  "invited_at": meeting.starts_at} for person_id, (state, reason) in meeting.attendance.items()]
    if rows:
        db.session.execute(insert(MeetingInvitee), rows)
    return ids
