"""A person's side of the reminders: their in-app inbox (站内信) and their choice of channels per kind.

Every function works on the acting person's own rows only: a notification is looked up together with its
owner (`person_id = actor.id`), so someone else's message is "not found" whether it exists or not.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app import db
from community.audit.services import record
from community.database import transactional, utcnow, valid_id
from community.errors import Invalid, NotFound
from community.registry import registry
from community.reminders.kinds import DEFAULT_CHANNELS
from community.reminders.models import Notification, Reminder, ReminderPreference, reminder_key
from community.reminders.services import insert_ignoring_duplicates

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def unread_count(person) -> int:
    """The person's unread messages: one COUNT on the (person_id, read_at) index."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.person_id == person.id, Notification.read_at.is_(None))) or 0


def messages_query(person, unread_only: bool = False):
    """The person's messages, newest first (the (person_id, created_at) index)."""
    statement = select(Notification).where(Notification.person_id == person.id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    return statement.order_by(Notification.created_at.desc(), Notification.id.desc())


def own_notification(actor, notification_id) -> Notification:
    """One of the actor's own messages, or NotFound (also for anyone else's)."""
    found = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.person_id == actor.id)) if valid_id(notification_id) else None
    if found is None:
        raise NotFound(_("No such message."))
    return found


@transactional
def mark_read(actor, notification_id, now: datetime | None = None) -> Notification:
    """Mark one of one's own messages read (reading it twice keeps the first time)."""
    notification = own_notification(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = now or utcnow()
    return notification


@transactional
def mark_all_read(actor, now: datetime | None = None) -> int:
    """Mark all of one's unread messages read in one UPDATE; returns how many were unread."""
    return db.session.execute(update(Notification).where(
        Notification.person_id == actor.id, Notification.read_at.is_(None)).values(read_at=now or utcnow())).rowcount


# ------------------------------------------------------------------------------------------- preferences
def kinds() -> dict:
    """The registered reminder kinds, by label."""
    return dict(sorted(registry().reminder_kinds.items(), key=lambda item: str(item[1].label)))


def optional_channels(spec) -> list[str]:
    """The channels a person may tick for a kind (the inbox is always on)."""
    return [c for c in spec.channels if c not in DEFAULT_CHANNELS]


def preferences_of(person) -> dict[str, set[str]]:
    """Each kind's channels for the person (the inbox always; no row: e-mail and webhook off). One query."""
    chosen = {name: set(DEFAULT_CHANNELS) for name in kinds()}
    rows = db.session.execute(select(ReminderPreference.kind, ReminderPreference.channel, ReminderPreference.is_enabled)
                              .where(ReminderPreference.person_id == person.id))
    for kind, channel, enabled in rows:
        if enabled and kind in chosen:
            chosen[kind].add(channel)
    return chosen


def _clean_email(value) -> str | None:
    email = (value or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise Invalid(_("This is not an e-mail address."), fields={"email": _("This is not an e-mail address.")})
    return email


@transactional
def set_preferences(actor, choices: dict[str, set[str]], email=None, now: datetime | None = None) -> dict:
    """Save the actor's channels per kind and e-mail address; pending reminders follow the choice.

    `choices` maps kind -> channels wanted (unknown kinds and channels a kind does not offer are refused).
    Choosing e-mail without an address is refused beside the address field. A channel switched off cancels
    that person's pending reminders of the kind on it; a channel switched on adds a row on it for each of
    their reminders of the kind still pending in the inbox, so what was already scheduled comes that way too.
    Returns {"added": n, "cancelled": n}."""
    registered = kinds()
    unknown = [kind for kind in choices if kind not in registered]
    if unknown:
        raise Invalid(_("Unknown kind of reminder."), fields={"kind": _("Unknown kind of reminder.")})
    wanted = {}
    for kind, spec in registered.items():
        channels = set(choices.get(kind, ())) - DEFAULT_CHANNELS
        if channels - set(optional_channels(spec)):
            raise Invalid(_("This kind of reminder cannot be sent on that channel."),
                          fields={"channels": _("This kind of reminder cannot be sent on that channel.")})
        wanted[kind] = channels
    address = _clean_email(email)
    if address is None and any("email" in channels for channels in wanted.values()):
        message = _("Enter your e-mail address to receive reminders by e-mail, or untick e-mail.")
        raise Invalid(message, fields={"email": message})
    before = preferences_of(actor)
    actor.email = address
    existing = {(row.kind, row.channel): row for row in db.session.scalars(
        select(ReminderPreference).where(ReminderPreference.person_id == actor.id))}
    switched_on, switched_off = [], []
    for kind, spec in registered.items():
        for channel in optional_channels(spec):
            enabled = channel in wanted[kind]
            row = existing.get((kind, channel))
            if row is None:
                if enabled:
                    db.session.add(ReminderPreference(person_id=actor.id, kind=kind, channel=channel,
                                                      is_enabled=True))
            else:
                row.is_enabled = enabled
            if enabled and channel not in before[kind]:
                switched_on.append((kind, channel))
            elif not enabled and channel in before[kind]:
                switched_off.append((kind, channel))
    db.session.flush()
    result = {"added": _add_pending(actor, switched_on, now or utcnow()), "cancelled": 0}
    for kind, channel in switched_off:
        result["cancelled"] += db.session.execute(update(Reminder).where(
            Reminder.recipient_id == actor.id, Reminder.kind == kind, Reminder.channel == channel,
            Reminder.state == "pending").values(state="cancelled")).rowcount
    record(actor, "reminder.preferences", actor, summary=", ".join(f"+{k}:{c}" for k, c in switched_on)
           + " " + ", ".join(f"-{k}:{c}" for k, c in switched_off))
    return result


def _add_pending(actor, switched_on: list[tuple[str, str]], now: datetime) -> int:
    """Copy the actor's pending inbox reminders of each kind onto the channel just switched on (one query to
    read them, one INSERT … ON CONFLICT DO NOTHING)."""
    if not switched_on:
        return 0
    channels: dict[str, list[str]] = {}
    for kind, channel in switched_on:
        channels.setdefault(kind, []).append(channel)
    pending = db.session.scalars(select(Reminder).where(
        Reminder.recipient_id == actor.id, Reminder.channel == "inbox", Reminder.state == "pending",
        Reminder.kind.in_(channels))).all()
    rows = [{"key": reminder_key(r.kind, r.subject, r.occasion, actor.id, channel), "kind": r.kind,
             "subject": r.subject, "occasion": r.occasion, "recipient_id": actor.id, "channel": channel,
             "due_at": r.due_at, "expires_at": r.expires_at, "state": "pending", "payload": r.payload,
             "attempts": 0, "created_at": now, "updated_at": now}
            for r in pending for channel in channels[r.kind]]
    if not rows:
        return 0
    statement = insert_ignoring_duplicates(Reminder.__table__, ["key"]).returning(Reminder.__table__.c.id)
    added = len(db.session.execute(statement, rows).all())
    # A channel switched off and on again: its rows cancelled by the first change come back.
    keys = [row["key"] for row in rows]
    return added + db.session.execute(update(Reminder).where(Reminder.key.in_(keys), Reminder.state == "cancelled")
                                      .values(state="pending", updated_at=now)).rowcount
