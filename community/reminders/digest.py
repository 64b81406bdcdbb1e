"""The daily digest of approvals waiting (points, activities, redemptions…), at 09:00 on Chinese working days.

Working days follow the State Council's schedule as the `chinese-calendar` package knows it: public holidays
are off, swapped working weekends (调休) are on. For a year the package does not know yet (the next year's
schedule is published around December) it falls back to Monday–Friday; `calendar_is_known(day)` lets the
administrator view say so, until the package is upgraded.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

import chinese_calendar
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from community.database import LOCAL_ZONE, transactional, utcnow
from community.registry import registry
from community.reminders.kinds import Message, ReminderKind

KIND = "approvals_digest"
SUBJECT = "approvals"
DIGEST_TIME = time(9, 0)
DIGEST_LAST_CALL = time(21, 0)  # a digest is worth making until the quiet hours: it expires then


def calendar_is_known(day: date) -> bool:
    """Whether the installed chinese-calendar knows `day`'s year (else working days are Monday–Friday)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A Chinese working day: holidays off, swapped weekends on; Monday–Friday for an unknown year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def render_digest(reminders: list) -> dict[int, Message]:
    """Word each digest from its payload (the counts at 09:00): no query."""
    messages = {}
    for reminder in reminders:
        items = (reminder.payload or {}).get("items") or []
        total = sum(int(item.get("count") or 0) for item in items)
        title = ngettext("%(num)d approval is waiting for you", "%(num)d approvals are waiting for you", total)
        body = "\n".join(_("%(label)s: %(count)s", label=item.get("label", ""), count=item.get("count", 0))
                         for item in items)
        url = next((item.get("url") for item in items if item.get("url")), "/")
        messages[reminder.id] = Message(title=title, body=body, url=url)
    return messages


DIGEST_KIND = ReminderKind(
    label=_l("Approvals waiting (daily digest)"), render=render_digest,
    description=_l("Every working day at 09:00, to everyone with approvals waiting for them."))


@transactional
def approvals_digest(now: datetime | None = None) -> int:
    """On a working day, schedule today's digest for everyone with approvals waiting (due 09:00 local); a
    second run the same day adds nothing. Returns the reminders created."""
    from community.reminders.services import schedule

    now = now or utcnow()
    day = now.astimezone(LOCAL_ZONE).date()
    if not is_working_day(day):
        return 0
    waiting: dict[int, list[dict]] = defaultdict(list)
    for source in registry().approval_sources:
        for person_id, label, count, url in source():
            if count:
                waiting[int(person_id)].append({"label": str(label), "count": int(count), "url": url or ""})
    if not waiting:
        return 0
    due = datetime.combine(day, DIGEST_TIME, tzinfo=LOCAL_ZONE)
    # Yesterday's counts are no news: a digest not sent by the evening's quiet hours expires.
    expires = datetime.combine(day, DIGEST_LAST_CALL, tzinfo=LOCAL_ZONE)
    return schedule(KIND, SUBJECT, day.isoformat(), list(waiting), due, expires_at=expires,
                    payloads={person_id: {"items": items} for person_id, items in waiting.items()})


def digest_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `reminders.approvals_digest`."""
    from community.database import parse_local

    approvals_digest(parse_local(datetime.fromisoformat(now_iso)) if now_iso else None)
