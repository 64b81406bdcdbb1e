"""Calendar files: one meeting as .ics (icalendar), and the meetings of a person's calendar feed."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from icalendar import Calendar, Event
from sqlalchemy import select

from app import db
from community.calendar import CalendarEvent
from community.database import utcnow


def event_of(meeting, kind_label: str = "") -> CalendarEvent:
    """The meeting as a calendar event; a late entry (补录) and a cancellation say so in the summary."""
    from flask_babel import gettext as _

    summary = meeting.title
    if meeting.is_late_entry:
        summary = f"[{_('Late entry')}] {summary}"
    description = "\n".join(filter(None, [str(kind_label), *meeting.agenda,
                                           _("Late entry") if meeting.is_late_entry else ""]))
    return CalendarEvent(uid=f"meeting-{meeting.id}@tongxin", summary=summary, start=meeting.starts_at,
                         end=meeting.ends_at, location=meeting.place, description=description,
                         url=f"/meetings/{meeting.id}", cancelled=meeting.is_cancelled)


def calendar_file(events: list[CalendarEvent], *, sequence_of=None, now: datetime | None = None) -> bytes:
    """An iCalendar document of events (CANCELLED ones keep their UID so calendars drop them)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tongxin 同心圆//meetings//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    root = request.host_url.rstrip("/") if has_request_context() else ""
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now or utcnow())
        event.add("dtstart", item.start)
        if item.end:
            event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", root + item.url if item.url.startswith("/") else item.url)
        event.add("sequence", sequence_of(item) if sequence_of else 0)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def meeting_file(meeting) -> bytes:
    """The .ics of one meeting; its SEQUENCE counts the moves, so calendars take the new time."""
    from community.meetings.kinds import kind_of
    from community.meetings.models import MeetingChange

    changes = len(db.session.scalars(select(MeetingChange.id).where(MeetingChange.meeting_id == meeting.id)).all())
    kind = kind_of(meeting.kind)
    return calendar_file([event_of(meeting, kind.label if kind else "")], sequence_of=lambda _e: changes)
