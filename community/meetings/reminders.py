"""The meetings' reminders and notices (community.reminders): written in the same unit of work as the change.

Before a meeting: `meeting_reminder`, occasion `before:<minutes>`, due `starts_at - minutes`, expiring when the
meeting starts. A move or cancellation: `meeting_changed`, occasion `moved:<change id>` / `cancelled`, due now.
Both render from the live meetings (one query per batch), so a message always says the current time and place.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.database import as_local
from community.reminders import services as outbox
from community.reminders.kinds import Message, ReminderKind

REMINDER, CHANGED = "meeting_reminder", "meeting_changed"


def _payload(meeting) -> dict:
    return {"meeting_id": meeting.id, "title": meeting.title, "starts_at": meeting.starts_at.isoformat(),
            "place": meeting.place}


def schedule_reminders(meeting, person_ids: list[int]) -> int:
    """One reminder per offset and invitee. One already due (a meeting scheduled an hour ahead) goes out at the
    next dispatch; any still unsent when the meeting starts expires (expires_at)."""
    return sum(outbox.schedule(REMINDER, meeting.subject, f"before:{minutes}", person_ids,
                               meeting.starts_at - timedelta(minutes=minutes), expires_at=meeting.starts_at,
                               payload=_payload(meeting))
               for minutes in meeting.reminder_offsets_minutes or [])


def move_reminders(meeting) -> int:
    """The unsent reminders follow the meeting to its new time."""
    return sum(outbox.move(meeting.subject, occasion=f"before:{minutes}",
                           due_at=meeting.starts_at - timedelta(minutes=minutes), expires_at=meeting.starts_at,
                           payload=_payload(meeting))
               for minutes in meeting.reminder_offsets_minutes or [])


def cancel_reminders(meeting, person_ids: list[int] | None = None) -> int:
    """Cancel the unsent reminders before the meeting (of everyone, or of these invitees)."""
    return sum(outbox.cancel(meeting.subject, occasion=f"before:{minutes}", recipient_ids=person_ids)
               for minutes in meeting.reminder_offsets_minutes or [])


def withdraw_all(meeting) -> int:
    """A cancelled meeting: every unsent row of it is cancelled, its reminders and any notice of an earlier move
    still waiting (a webhook retrying), so nobody is told "moved to …" about a meeting that will not be held."""
    return outbox.cancel(meeting.subject)


def notify_change(meeting, change, *, now: datetime | None = None) -> int:
    """Tell every invitee that the meeting moved or was cancelled (due at once)."""
    from community.meetings.models import MeetingInvitee

    ids = list(db.session.scalars(select(MeetingInvitee.person_id).where(MeetingInvitee.meeting_id == meeting.id)))
    occasion = "cancelled" if change.change == "cancelled" else f"moved:{change.id}"
    payload = {**_payload(meeting), "change_id": change.id, "before": change.before, "reason": change.reason}
    return outbox.notify(CHANGED, meeting.subject, occasion, ids, payload=payload, now=now)


# ------------------------------------------------------------------------------------------- wording
def when_and_where(starts_at: datetime, place: str) -> dict:
    """The pieces of a sentence: full date, weekday, time (Asia/Shanghai) and place."""
    local = as_local(starts_at)
    return {"date": format_date(local, "long"), "weekday": format_date(local, "EEEE"),
            "time": format_time(local, "HH:mm"), "place": place}


def reminder_sentence(title: str, starts_at: datetime, place: str) -> str:
    """提醒：支部党员大会将于2026年12月5日（星期六）14:30在爵溪街道党群服务中心召开。"""
    return _("Reminder: %(title)s takes place on %(date)s (%(weekday)s) at %(time)s, at %(place)s.",
             title=title, **when_and_where(starts_at, place))


def _meetings(batch) -> dict:
    from community.meetings.models import Meeting

    ids = set()
    for reminder in batch:
        kind, _sep, number = reminder.subject.partition(":")
        if kind == "meeting" and number.isdigit():
            ids.add(int(number))
    return {m.id: m for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids or [-1])))}


def render_reminders(batch) -> dict[int, Message]:
    """Word a batch of reminders from the live meetings (one query); a cancelled or vanished one is dropped."""
    meetings, messages = _meetings(batch), {}
    for reminder in batch:
        meeting = meetings.get(int(reminder.subject.partition(":")[2] or 0))
        if meeting is None or meeting.is_cancelled:
            continue
        messages[reminder.id] = Message(title=meeting.title,
                                        body=reminder_sentence(meeting.title, meeting.starts_at, meeting.place),
                                        url=f"/meetings/{meeting.id}")
    return messages


def render_changes(batch) -> dict[int, Message]:
    """Word the notices of moves and cancellations (one query)."""
    meetings, messages = _meetings(batch), {}
    for reminder in batch:
        payload = reminder.payload or {}
        meeting = meetings.get(payload.get("meeting_id"))
        title = meeting.title if meeting else payload.get("title", "")
        if reminder.occasion == "cancelled":
            body = _("%(title)s is cancelled. Reason: %(reason)s", title=title, reason=payload.get("reason", ""))
        else:
            after = meeting or None
            if after is None or after.is_cancelled:  # cancelled since: only the cancellation is news
                continue
            body = _("%(title)s has moved: now on %(date)s (%(weekday)s) at %(time)s, at %(place)s.",
                     title=title, **when_and_where(after.starts_at, after.place))
            if payload.get("reason"):
                body += " " + _("Reason: %(reason)s", reason=payload["reason"])
        messages[reminder.id] = Message(title=title, body=body,
                                        url=f"/meetings/{payload.get('meeting_id')}")
    return messages


REMINDER_KIND = ReminderKind(
    label=_l("Meeting reminder"), render=render_reminders,
    description=_l("To the invitees, 24 hours and 1 hour before a meeting (the organiser may choose other times)."))
CHANGED_KIND = ReminderKind(
    label=_l("Meeting moved or cancelled"), render=render_changes, urgent=True,
    description=_l("To the invitees, as soon as a meeting is moved or cancelled."))
