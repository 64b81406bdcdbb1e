"""Scheduling reminders: producers call these inside their own unit of work, so the outbox rows commit (or roll
back) with the change that caused them. Every function is a few queries for any number of recipients."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from app import db
from community.database import transactional, utcnow
from community.registry import registry
from community.reminders.kinds import DEFAULT_CHANNELS
from community.reminders.models import Reminder, ReminderPreference, reminder_key

CHUNK = 5000  # ids per IN (...) list and rows per INSERT statement: well inside both databases' limits


def insert_ignoring_duplicates(table, index_elements: list[str]):
    """INSERT … ON CONFLICT (index_elements) DO NOTHING in the dialect of the current database."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=index_elements)


def _aware(moment: datetime | None, name: str) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime (UTC or with its time zone)")
    return moment


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def channels_for(kind: str, recipient_ids: list[int]) -> dict[int, set[str]]:
    """Each recipient's channels for `kind`: the inbox always, plus those chosen among the kind's channels.
    One query per few thousand recipients."""
    spec = registry().reminder_kinds[kind]
    chosen = {person_id: set(DEFAULT_CHANNELS) for person_id in recipient_ids}
    optional = [c for c in spec.channels if c not in DEFAULT_CHANNELS]
    if not optional:
        return chosen
    for ids in _chunks(recipient_ids):
        rows = db.session.execute(
            select(ReminderPreference.person_id, ReminderPreference.channel, ReminderPreference.is_enabled)
            .where(ReminderPreference.kind == kind, ReminderPreference.person_id.in_(ids),
                   ReminderPreference.channel.in_(optional)))
        for person_id, channel, enabled in rows:
            if enabled:
                chosen[person_id].add(channel)
    return chosen


@transactional
def schedule(kind: str, subject: str, occasion: str, recipient_ids: Iterable[int], due_at: datetime, *,
             expires_at: datetime | None = None, payload: dict | None = None,
             payloads: dict[int, dict] | None = None) -> int:
    """Schedule one reminder per recipient and chosen channel (inbox always); a reminder already scheduled (same
    kind, subject, occasion, recipient and channel) is left as it is. `payloads`: a payload per recipient (a
    digest), instead of one `payload` for all. Returns the number of rows created."""
    if kind not in registry().reminder_kinds:
        raise KeyError(f"unknown reminder kind {kind!r}")
    _aware(due_at, "due_at")
    _aware(expires_at, "expires_at")
    ids = list(dict.fromkeys(int(i) for i in recipient_ids))
    if not ids:
        return 0
    now = utcnow()
    rows = [{"key": reminder_key(kind, subject, occasion, person_id, channel), "kind": kind, "subject": subject,
             "occasion": occasion, "recipient_id": person_id, "channel": channel, "due_at": due_at,
             "expires_at": expires_at, "state": "pending",
             "payload": payloads.get(person_id, payload) if payloads else payload, "attempts": 0,
             "created_at": now, "updated_at": now}
            for person_id, channels in channels_for(kind, ids).items() for channel in sorted(channels)]
    statement = insert_ignoring_duplicates(Reminder.__table__, ["key"]).returning(Reminder.__table__.c.id)
    created = 0
    for chunk in _chunks(rows):
        created += len(db.session.execute(statement, chunk).all())
    return created


@transactional
def notify(kind: str, subject: str, occasion: str, recipient_ids: Iterable[int], *, payload: dict | None = None,
           now: datetime | None = None) -> int:
    """A notice due now (a status change): it goes out at the next dispatch. Returns the rows created."""
    return schedule(kind, subject, occasion, recipient_ids, now or utcnow(), payload=payload)


def _pending(subject: str, occasion: str | None):
    conditions = [Reminder.subject == subject, Reminder.state == "pending"]
    if occasion is not None:
        conditions.append(Reminder.occasion == occasion)
    return conditions


@transactional
def move(subject: str, *, occasion: str | None = None, due_at: datetime | None = None,
         expires_at: datetime | None = None, payload: dict | None = None,
         due_delta: timedelta | None = None) -> int:
    """Give the pending reminders of `subject` (and `occasion`) a new due time (`due_at`, or shifted by
    `due_delta`), expiry or payload; those already sent or being sent are untouched. Returns the rows moved."""
    _aware(due_at, "due_at")
    _aware(expires_at, "expires_at")
    if due_at is not None and due_delta is not None:
        raise ValueError("give due_at or due_delta, not both")
    values = {"updated_at": utcnow()}
    if due_at is not None:
        values.update(due_at=due_at, next_try_at=None)
    if expires_at is not None:
        values["expires_at"] = expires_at
    if payload is not None:
        values["payload"] = payload
    if due_delta is None:
        return db.session.execute(update(Reminder).where(*_pending(subject, occasion)).values(**values)).rowcount
    # Shifting by a delta is arithmetic on stored times, which the two databases do differently: read the rows'
    # times (one query), then update them all in one executemany, each still only while it is pending.
    rows = db.session.execute(select(Reminder.id, Reminder.due_at).where(*_pending(subject, occasion))).all()
    if not rows:
        return 0
    table = Reminder.__table__
    statement = (update(table).where(table.c.id == bindparam("rid"), table.c.state == "pending")
                 .values(due_at=bindparam("new_due"), next_try_at=None, **values))
    db.session.execute(statement, [{"rid": rid, "new_due": due + due_delta} for rid, due in rows])
    return len(rows)


@transactional
def cancel(subject: str, *, occasion: str | None = None, recipient_ids: Iterable[int] | None = None) -> int:
    """Cancel the pending reminders of `subject` (and `occasion`, and those recipients). Returns the rows."""
    conditions = _pending(subject, occasion)
    values = {"state": "cancelled", "updated_at": utcnow()}
    if recipient_ids is None:
        return db.session.execute(update(Reminder).where(*conditions).values(**values)).rowcount
    ids, cancelled = list(dict.fromkeys(recipient_ids)), 0
    for chunk in _chunks(ids):
        cancelled += db.session.execute(
            update(Reminder).where(*conditions, Reminder.recipient_id.in_(chunk)).values(**values)).rowcount
    return cancelled
