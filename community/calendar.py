"""Calendar events as packages hand them to the personal .ics feed (see Registry.calendar_source)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a person's calendar. Times are aware (UTC or with an offset); `end` None for a deadline."""

    uid: str  # stable across renewals, e.g. "meeting-12@tongxin"
    summary: str
    start: datetime
    end: datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
