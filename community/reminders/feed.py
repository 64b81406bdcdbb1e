"""The personal calendar feed: an .ics of a person's meetings and deadlines at a private link.

Calendar apps cannot sign in, so the link itself is the key: `/calendar/<token>.ics`, with a random token of
which only a SHA-256 digest is stored (a database reader cannot rebuild anyone's link). Renewing replaces the
digest, so the old link stops working at once. The events come from every registered calendar source
(`registry().calendar_sources`: meetings, the elections' deadlines…); times are written in UTC.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.audit.services import record
from community.database import UTCDateTime, transactional, utcnow
from community.registry import registry

PAST, AHEAD = timedelta(days=60), timedelta(days=400)  # the feed's window around now


class CalendarFeed(db.Model):
    """A person's private calendar link, kept only as the digest of its token."""

    __tablename__ = "calendar_feed"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (the token is 192 random bits, so no salt or stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(person) -> CalendarFeed | None:
    """The person's feed row (its creation time), or None."""
    return db.session.get(CalendarFeed, person.id)


@transactional
def renew_feed(actor, now: datetime | None = None) -> str:
    """Give the actor a new private link (the first, or one replacing the old, which stops working at once);
    returns the token, shown to them once."""
    token = secrets.token_urlsafe(24)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.person_id == actor.id))
    db.session.add(CalendarFeed(person_id=actor.id, token_digest=digest(token), created_at=now or utcnow()))
    record(actor, "calendar.renew", actor)
    return token


def person_for_token(token: str):
    """The person whose feed this token opens, or None (one indexed lookup)."""
    from community.people.models import Person

    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Person).join(CalendarFeed, CalendarFeed.person_id == Person.id).where(
        CalendarFeed.token_digest == digest(token), Person.is_active_account.is_(True)))


def events_for(person_id: int, now: datetime) -> list:
    """Every source's events for the person in the window, by start."""
    events = []
    for source in registry().calendar_sources:
        events.extend(source(person_id, now - PAST, now + AHEAD))
    return sorted(events, key=lambda event: (event.start, event.uid))


def ics(person, base_url: str, now: datetime | None = None) -> bytes:
    """The person's calendar as iCalendar bytes (RFC 5545), times in UTC, cancelled events STATUS:CANCELLED."""
    from icalendar import Calendar, Event

    now = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//Tongxin 同心圆//Calendar feed//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Tongxin: %(name)s", name=person.name))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for item in events_for(person.id, now):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.start.astimezone(now.tzinfo))
        if item.end is not None:
            event.add("dtend", item.end.astimezone(now.tzinfo))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", base_url.rstrip("/") + item.url if item.url.startswith("/") else item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
