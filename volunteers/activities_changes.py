"""An activity moved or called off by its organisers, before it begins (a typhoon, a hall double-booked).

Both lock the activity's row (as sign-ups do), are audited with what changed and why, and tell everyone signed
up or waiting at once through the reminders' outbox (kind `activity_changed`, urgent) in the same unit of work.
A move carries the volunteers' unsent reminders to the new time; a cancellation withdraws them, and the
activity's sign-up, check-in and confirmation then refuse it ("This activity was cancelled.").
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import require
from community.database import transactional, utcnow
from community.errors import Conflict, DomainError, Invalid
from community.reminders import services as outbox
from volunteers import activities_reminders as R
from volunteers.activities import Signup
from volunteers.activities_services import _lock, _moment, _text


def _open_and_not_begun(activity, now: datetime) -> None:
    if activity.status != "open":
        raise Conflict(_("This activity was cancelled."), code="cancelled")
    if now >= activity.starts_at:
        raise DomainError(_("The activity has begun: it can no longer be moved or cancelled."), code="begun")


def _told(activity) -> list[int]:
    """Everyone holding a place or waiting for one (one query)."""
    return list(db.session.scalars(select(Signup.person_id).where(
        Signup.activity_id == activity.id, Signup.state.in_(("signed_up", "waiting")))))


def where_when(activity) -> dict:
    return {"starts_at": activity.starts_at.isoformat(), "ends_at": activity.ends_at.isoformat(),
            "place": activity.place}


@transactional
def move_activity(actor, activity, data: dict, *, now: datetime | None = None):
    """New time and/or place (and why): the volunteers are told, their reminders follow the new start."""
    require(actor, "activity.manage", activity)
    now = now or utcnow()
    starts, ends = _moment(data.get("starts_at"), "starts_at"), _moment(data.get("ends_at"), "ends_at")
    place = _text(data, "place", 200)
    reason = _text(data, "reason", 300, required=False)
    if ends <= starts:
        message = _("The end must be after the start.")
        raise DomainError(message, fields={"ends_at": message})
    if starts <= now:
        message = _("The new start must be in the future.")
        raise DomainError(message, fields={"starts_at": message})
    _lock(activity)
    _open_and_not_begun(activity, now)
    before = where_when(activity)
    activity.starts_at, activity.ends_at, activity.place = starts, ends, place
    after = where_when(activity)
    if before == after:
        raise Invalid(_("Nothing was changed."), fields={"starts_at": _("Nothing was changed.")})
    db.session.flush()
    for minutes in R.OFFSETS:
        outbox.move(activity.subject, occasion=f"before:{minutes}", due_at=starts - timedelta(minutes=minutes),
                    expires_at=starts)
    entry = record(actor, "activity.move", activity, summary=reason or activity.title,
                   detail={"before": before, "after": after, "reason": reason})
    db.session.flush()  # the audit row's id names this move's notices (a second move is told again)
    R.notify_changed(activity, _told(activity), f"moved:{entry.id}", {"reason": reason, "before": before}, now=now)
    return activity


@transactional
def cancel_activity(actor, activity, reason: str, *, now: datetime | None = None):
    """Call the activity off (a reason is required): the volunteers are told, their reminders withdrawn."""
    require(actor, "activity.manage", activity)
    now = now or utcnow()
    reason = _text({"reason": reason}, "reason", 300)
    _lock(activity)
    _open_and_not_begun(activity, now)
    activity.status = "cancelled"
    db.session.flush()
    outbox.cancel(activity.subject)  # every unsent row of it: the reminders, and a move's notice not yet out
    record(actor, "activity.cancel", activity, summary=reason, detail={"reason": reason, **where_when(activity)})
    R.notify_changed(activity, _told(activity), "cancelled", {"reason": reason}, now=now)
    return activity


def changes(activity) -> list[dict]:
    """The activity's moves and cancellation, oldest first, from its audit rows (one query)."""
    from community.audit.models import AuditEntry

    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "activity", AuditEntry.object_id == activity.id,
        AuditEntry.action.in_(("activity.move", "activity.cancel"))).order_by(AuditEntry.id)).all()
    found = []
    for row in rows:
        detail = row.detail or {}
        before = detail.get("before") or {}
        found.append({"action": row.action, "at": row.created_at, "reason": detail.get("reason", ""),
                      "before_start": datetime.fromisoformat(before["starts_at"]) if before.get("starts_at") else None,
                      "before_place": before.get("place", "")})
    return found
