"""The meetings a person is invited to or organises, for their personal calendar feed (Registry.calendar_source)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import db
from community.calendar import CalendarEvent


def calendar_events(person_id: int, start: datetime, end: datetime) -> list[CalendarEvent]:
    """Meetings between `start` and `end` that the person is invited to or manages (one query, plus the grants)."""
    from community.meetings.ics import event_of
    from community.meetings.kinds import meeting_kinds
    from community.meetings.models import Meeting
    from community.meetings.services import visible_condition
    from community.people.models import Person

    person = db.session.get(Person, person_id)
    if person is None:
        return []
    statement = select(Meeting).where(Meeting.starts_at < end, Meeting.ends_at >= start).order_by(Meeting.starts_at)
    allowed = visible_condition(person)
    if allowed is not None:
        statement = statement.where(allowed)
    kinds = meeting_kinds()
    return [event_of(m, kinds[m.kind].label if m.kind in kinds else "")
            for m in db.session.scalars(statement.limit(500))]
