"""The activities' reminders and notices (community.reminders), written in the unit of work of the change.

- `activity_reminder`: before the activity, to each volunteer holding a place; occasion `before:<minutes>`, due
  `starts_at - minutes`, expiring at the start. A cancelled sign-up cancels its own.
- `activity_place`: a place came free and the waiting list moved up: to the volunteer who got it, due now.
- `activity_changed`: the activity moved (occasion `moved:<audit id>`) or was called off (`cancelled`): to
  everyone signed up or waiting, due now, urgent.
Both are worded from the live activities (one query per batch), so a message says the current time and place.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.reminders import services as outbox
from community.reminders.kinds import Message, ReminderKind

REMINDER, PLACE, CHANGED = "activity_reminder", "activity_place", "activity_changed"
OFFSETS = (1440, 120)  # minutes before the start: 24 h and 2 h


def schedule_reminders(activity, person_ids: list[int]) -> int:
    """One reminder per offset for each of these volunteers; any still unsent at the start expires."""
    return sum(outbox.schedule(REMINDER, activity.subject, f"before:{minutes}", person_ids,
                               activity.starts_at - timedelta(minutes=minutes), expires_at=activity.starts_at,
                               payload={"activity_id": activity.id})
               for minutes in OFFSETS)


def cancel_reminders(activity, person_ids: list[int]) -> int:
    """Cancel these volunteers' unsent reminders of the activity."""
    return sum(outbox.cancel(activity.subject, occasion=f"before:{minutes}", recipient_ids=person_ids)
               for minutes in OFFSETS)


def notify_promoted(activity, signup, *, now: datetime | None = None) -> int:
    """Tell the volunteer that a place came free and is now theirs."""
    return outbox.notify(PLACE, activity.subject, f"place:{signup.id}:{int(signup.updated_at.timestamp())}",
                         [signup.person_id], payload={"activity_id": activity.id}, now=now)


def notify_changed(activity, person_ids: list[int], occasion: str, payload: dict, *,
                   now: datetime | None = None) -> int:
    """Tell these volunteers that the activity moved or was called off (with the reason)."""
    return outbox.notify(CHANGED, activity.subject, occasion, person_ids,
                         payload={"activity_id": activity.id, **payload}, now=now)


def _activities(batch) -> dict:
    from volunteers.activities import Activity

    ids = {int((r.payload or {}).get("activity_id") or 0) for r in batch}
    return {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(ids or [-1])))}


def _sentence(activity) -> dict:
    from community.meetings.reminders import when_and_where

    return {"title": activity.title, **when_and_where(activity.starts_at, activity.place)}


def render_reminders(batch) -> dict[int, Message]:
    """Word the reminders before activities (one query); a cancelled activity's are dropped."""
    activities, messages = _activities(batch), {}
    for reminder in batch:
        activity = activities.get(int((reminder.payload or {}).get("activity_id") or 0))
        if activity is None or activity.status != "open":
            continue
        messages[reminder.id] = Message(
            title=activity.title, url=f"/activities/{activity.id}",
            body=_("Reminder: %(title)s takes place on %(date)s (%(weekday)s) at %(time)s, at %(place)s.",
                   **_sentence(activity)))
    return messages


def render_places(batch) -> dict[int, Message]:
    """Word the notices that the waiting list moved up (one query)."""
    activities, messages = _activities(batch), {}
    for reminder in batch:
        activity = activities.get(int((reminder.payload or {}).get("activity_id") or 0))
        if activity is None or activity.status != "open":
            continue
        messages[reminder.id] = Message(
            title=_("A place for you: %(title)s", title=activity.title), url=f"/activities/{activity.id}",
            body=_("A place came free and is yours: %(title)s on %(date)s (%(weekday)s) at %(time)s, at "
                   "%(place)s.", **_sentence(activity)))
    return messages


def render_changes(batch) -> dict[int, Message]:
    """Word the notices of a move (the time and place now) or a cancellation (the reason); one query."""
    activities, messages = _activities(batch), {}
    for reminder in batch:
        payload = reminder.payload or {}
        activity = activities.get(int(payload.get("activity_id") or 0))
        if activity is None:
            continue
        if reminder.occasion == "cancelled":
            body = _("%(title)s is cancelled. Reason: %(reason)s", title=activity.title,
                     reason=payload.get("reason", ""))
        elif activity.status != "open":
            continue  # moved, then called off: the cancellation's own notice says so
        else:
            body = _("%(title)s has moved: now on %(date)s (%(weekday)s) at %(time)s, at %(place)s.",
                     **_sentence(activity))
            if payload.get("reason"):
                body += " " + _("Reason: %(reason)s", reason=payload["reason"])
        messages[reminder.id] = Message(title=activity.title, body=body, url=f"/activities/{activity.id}")
    return messages


REMINDER_KIND = ReminderKind(label=_l("Activity reminder"), render=render_reminders,
                             description=_l("To the volunteers signed up, 24 hours and 2 hours before an activity."))
PLACE_KIND = ReminderKind(label=_l("A place from the waiting list"), render=render_places, urgent=True,
                          description=_l("To the volunteer who moved up from the waiting list."))
CHANGED_KIND = ReminderKind(label=_l("Activity moved or cancelled"), render=render_changes, urgent=True,
                            description=_l("To the volunteers signed up or waiting, as soon as an activity is moved "
                                           "or cancelled."))
