"""The dispatch pass: send what is due, exactly once.

One pass (`run_due(now)`, run by the task queue every minute, or `flask reminders run-due`):
1. rows left in `sending` longer than a lease (a pass that died) go back to `pending`, to be sent again with
   the same idempotency key, or fail once they have had their attempts;
2. pending rows past `expires_at` become `expired`, with the reason in `last_error`;
3. in quiet hours, non-urgent e-mail and webhook rows that are due are held until the quiet hours end;
4. inbox rows are claimed, worded (one render call per kind and batch) and written as notifications in one
   transaction: the claim and the notification commit together, so each is written once;
5. e-mail and webhook rows are claimed (committed: the intent), sent, and each result recorded after its send;
   a retryable failure waits `REMINDER_RETRY_SECONDS * 2**(attempts-1)` and fails after REMINDER_MAX_ATTEMPTS.

A claim is a conditional UPDATE (pending -> sending; inbox rows straight to sent) whose RETURNING rows are this
pass's; on PostgreSQL its sub-select skips rows another pass has locked (FOR UPDATE SKIP LOCKED), so two passes
at the same moment share the work instead of both sending it.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta
from time import monotonic

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from app import db
from community.database import LOCAL_ZONE, current_unit, parse_local, utcnow
from community.people.models import Person
from community.registry import registry
from community.reminders.channels import Failed, Retry, external_channels
from community.reminders.kinds import Message
from community.reminders.models import Notification, Reminder, ReminderPreference
from community.reminders.services import insert_ignoring_duplicates

log = logging.getLogger(__name__)
BATCH = 1000           # inbox rows per claim
EXTERNAL_BATCH = 100   # e-mail and webhook rows per claim (each is a network call)
MAX_BATCHES = 200      # a pass stops after this many claims; the next minute's pass goes on


def _setting(name: str, default):
    return current_app.config.get(name, default)


def _clock(value: str) -> time:
    hours, _sep, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def quiet_until(now: datetime) -> datetime | None:
    """If `now` is in the quiet hours (Asia/Shanghai), the moment they end (UTC-aware); else None."""
    start, end = _clock(_setting("QUIET_HOURS_START", "21:00")), _clock(_setting("QUIET_HOURS_END", "08:00"))
    if start == end:
        return None
    local = now.astimezone(LOCAL_ZONE)
    moment = local.timetz().replace(tzinfo=None)
    if start < end:
        inside = start <= moment < end
    else:  # over midnight, e.g. 21:00-08:00
        inside = moment >= start or moment < end
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=LOCAL_ZONE)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)


def _due(now: datetime):
    return and_(Reminder.state == "pending", Reminder.due_at <= now,
                or_(Reminder.next_try_at.is_(None), Reminder.next_try_at <= now))


def _reclaim_stuck(now: datetime, counts: dict) -> None:
    """Rows a dead pass left in `sending`: back to pending (same key, so the receiver sees a retry), or failed."""
    lease = timedelta(seconds=_setting("REMINDER_SENDING_LEASE", 300))
    stuck = and_(Reminder.state == "sending", Reminder.updated_at <= now - lease)
    max_attempts = _setting("REMINDER_MAX_ATTEMPTS", 5)
    counts["failed"] += db.session.execute(
        update(Reminder).where(stuck, Reminder.attempts >= max_attempts)
        .values(state="failed", updated_at=now, last_error=_("Interrupted while sending, and out of attempts."))
        .execution_options(synchronize_session=False)).rowcount
    counts["reclaimed"] += db.session.execute(
        update(Reminder).where(stuck)
        .values(state="pending", next_try_at=now, updated_at=now,
                last_error=_("A sending pass was interrupted; sent again with the same idempotency key."))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()


def _expire(now: datetime, counts: dict) -> None:
    counts["expired"] += db.session.execute(
        update(Reminder).where(Reminder.state == "pending", Reminder.expires_at.is_not(None),
                               Reminder.expires_at <= now)
        .values(state="expired", updated_at=now,
                last_error=_("Expired: it was not sent before it stopped making sense."))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()


def _hold_for_quiet_hours(now: datetime, counts: dict) -> None:
    until = quiet_until(now)
    if until is None:
        return
    urgent = [name for name, kind in registry().reminder_kinds.items() if getattr(kind, "urgent", False)]
    condition = [_due(now), Reminder.channel != "inbox"]
    if urgent:
        condition.append(Reminder.kind.not_in(urgent))
    counts["held"] += db.session.execute(
        update(Reminder).where(*condition).values(next_try_at=until, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()


def _claim(now: datetime, channels: list[str], limit: int, *, state: str = "sending") -> list[Reminder]:
    """Take up to `limit` due rows of `channels` for this pass (pending -> `state`); the rows it got. The inbox
    claims straight as `sent`: its notifications commit in the claim's own transaction."""
    candidates = (select(Reminder.id).where(_due(now), Reminder.channel.in_(channels))
                  .order_by(Reminder.due_at, Reminder.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    statement = (update(Reminder).where(Reminder.id.in_(candidates), Reminder.state == "pending")
                 .values(state=state, attempts=Reminder.attempts + 1, updated_at=now,
                         **({"sent_at": now} if state == "sent" else {})).returning(Reminder))
    rows = list(db.session.scalars(statement, execution_options={"synchronize_session": False,
                                                                 "populate_existing": True}))
    _detach(rows)
    return rows


def _detach(objects) -> None:
    """Keep loaded rows readable across this pass's commits (a commit would expire them: a query per row)."""
    for obj in objects:
        db.session.expunge(obj)


def _render(rows: list[Reminder], counts: dict) -> tuple[dict, dict]:
    """Word the rows, one call per kind: ({id: Message}, {id: reason why it cannot be sent})."""
    by_kind, messages, problems = defaultdict(list), {}, {}
    for row in rows:
        by_kind[row.kind].append(row)
    for kind, batch in by_kind.items():
        spec = registry().reminder_kinds.get(kind)
        if spec is None:
            problems.update({r.id: ("failed", _("This kind of reminder is no longer known.")) for r in batch})
            continue
        try:
            # In a savepoint: a failed query of the kind's own (PostgreSQL then refuses every later statement
            # of the transaction) undoes only the render, never this pass's claim of the other kinds' rows.
            with db.session.begin_nested():
                worded = spec.render(batch)
        except Exception:  # one kind's bug must not stop the others: its rows are retried later
            log.exception("rendering %d reminders of kind %s failed", len(batch), kind)
            problems.update({r.id: ("retry", _("The reminder could not be worded.")) for r in batch})
            continue
        for row in batch:
            message = _checked(worded.get(row.id))
            if message is not None:
                messages[row.id] = message
            elif row.id in worded:
                problems[row.id] = ("failed", _("The reminder could not be worded."))
            else:
                problems[row.id] = ("cancelled", _("What it was about no longer exists."))
    return messages, problems


def _checked(message) -> Message | None:
    """The message in the shape the inbox stores (strings, within the columns' lengths), or None."""
    if not isinstance(message, Message) or not str(message.title or "").strip():
        return None
    return Message(title=str(message.title)[:200], body=str(message.body or ""), url=str(message.url or "")[:300])


def _finish(row_ids: list[int], now: datetime, held_as: str = "sending", **values) -> None:
    """Record an outcome for rows this pass holds (only while they are still as it claimed them)."""
    if held_as == "sent":
        values.setdefault("sent_at", None)
    if row_ids:
        db.session.execute(update(Reminder).where(Reminder.id.in_(row_ids), Reminder.state == held_as)
                           .values(updated_at=now, **values).execution_options(synchronize_session=False))


def _retry_or_fail(row: Reminder, reason: str, now: datetime, counts: dict, held_as: str = "sending") -> None:
    if row.attempts >= _setting("REMINDER_MAX_ATTEMPTS", 5):
        _finish([row.id], now, held_as, state="failed", last_error=reason[:300])
        counts["failed"] += 1
        return
    wait = timedelta(seconds=_setting("REMINDER_RETRY_SECONDS", 60) * 2 ** max(row.attempts - 1, 0))
    _finish([row.id], now, held_as, state="pending", next_try_at=now + wait, last_error=reason[:300])
    counts["retrying"] += 1


def _record_problems(rows: list[Reminder], problems: dict, now: datetime, counts: dict,
                     held_as: str = "sending") -> None:
    """Record the rows that could not be worded: retried, cancelled or failed (a statement per outcome)."""
    final = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.id not in problems:
            continue
        outcome, reason = problems[row.id]
        if outcome == "retry":
            _retry_or_fail(row, reason, now, counts, held_as)
        else:
            final[outcome][reason].append(row.id)
    for outcome, reasons in final.items():
        for reason, ids in reasons.items():
            _finish(ids, now, held_as, state=outcome, last_error=reason)
            counts[outcome] += len(ids)


def _inbox_batch(now: datetime, counts: dict) -> int:
    """Claim, word and deliver one batch of inbox rows in a single transaction; the number claimed."""
    rows = _claim(now, ["inbox"], BATCH, state="sent")
    if not rows:
        db.session.commit()
        return 0
    messages, problems = _render(rows, counts)
    delivered = [row for row in rows if row.id in messages]
    if delivered:
        notifications = [{"person_id": row.recipient_id, "reminder_id": row.id, "kind": row.kind,
                          "title": messages[row.id].title, "body": messages[row.id].body,
                          "url": messages[row.id].url, "created_at": now} for row in delivered]
        db.session.execute(insert_ignoring_duplicates(Notification.__table__, ["reminder_id"]), notifications)
        counts["sent"] += len(delivered)
    _record_problems(rows, problems, now, counts, held_as="sent")
    db.session.commit()
    return len(rows)


def _external_batch(now: datetime, channels: dict, counts: dict) -> int:
    """Claim a batch of e-mail and webhook rows (committed first: the intent), send each, record each result."""
    rows = _claim(now, list(channels), EXTERNAL_BATCH)
    db.session.commit()
    if not rows:
        return 0
    messages, problems = _render(rows, counts)
    _drop_channels_turned_off(rows, problems)
    people = {p.id: p for p in db.session.scalars(
        select(Person).where(Person.id.in_({row.recipient_id for row in rows})))}
    _detach(people.values())
    db.session.rollback()  # no transaction (SQLite: no write lock) is held while waiting on the network
    _record_problems(rows, problems, now, counts)
    db.session.commit()
    # A slow gateway must not keep rows claimed past their lease (another pass would then send them again):
    # what is not sent within half the lease goes back to pending, untried, for the next pass.
    deadline = monotonic() + _setting("REMINDER_SENDING_LEASE", 300) / 2
    to_send = [row for row in rows if row.id in messages and row.id not in problems]
    for n, row in enumerate(to_send):
        if monotonic() > deadline:
            _put_back(to_send[n:], now, counts)
            return 0  # this pass stops sending; the next one goes on
        _send_one(row, people.get(row.recipient_id), messages[row.id], channels[row.channel], now, counts)
    return len(rows)


def _put_back(rows: list[Reminder], now: datetime, counts: dict) -> None:
    """Claimed rows this pass had no time to try: pending again, their attempt not counted."""
    counts["put_back"] += len(rows)
    _finish([row.id for row in rows], now, state="pending", attempts=Reminder.attempts - 1)
    db.session.commit()


def _drop_channels_turned_off(rows: list[Reminder], problems: dict) -> None:
    """A person who turned a channel off since the reminder was scheduled gets nothing on it (one query)."""
    wanted = db.session.execute(
        select(ReminderPreference.person_id, ReminderPreference.kind, ReminderPreference.channel)
        .where(ReminderPreference.person_id.in_({row.recipient_id for row in rows}),
               ReminderPreference.is_enabled.is_(True))).all()
    wanted = set(map(tuple, wanted))
    for row in rows:
        if row.id not in problems and (row.recipient_id, row.kind, row.channel) not in wanted:
            problems[row.id] = ("cancelled", _("The person has turned this channel off."))


def _send_one(row: Reminder, person, message, channel, now: datetime, counts: dict) -> None:
    """Send one claimed row and record what came of it, in its own short transaction."""
    try:
        if person is None:
            raise Failed(_("The recipient no longer exists."))
        channel.send(row, person, message)
    except Failed as error:
        _finish([row.id], now, state="failed", last_error=str(error)[:300])
        counts["failed"] += 1
    except Retry as error:
        _retry_or_fail(row, str(error), now, counts)
    except Exception as error:  # a bug in a channel: this row is retried, the pass goes on
        log.exception("sending reminder %s failed", row.id)
        _retry_or_fail(row, f"{type(error).__name__}", now, counts)
    else:
        _record_sent(row, now)
        counts["sent"] += 1
    db.session.commit()


def _record_sent(row: Reminder, now: datetime) -> None:
    """The send succeeded: the row is sent (a crash before this commit leaves it `sending`, to be retried)."""
    _finish([row.id], now, state="sent", sent_at=now)


def run_due(now: datetime | None = None) -> dict:
    """Send every reminder due at `now` (default: the current time); returns counts of what happened.

    The pass commits as it goes (claims, then results), so it runs on its own (the queue's task, the command),
    never inside a caller's unit of work, whose half-done work it would commit."""
    if current_unit() is not None:
        raise RuntimeError("run_due commits on its own: call it outside any unit of work")
    now = now or utcnow()
    counts = defaultdict(int)
    _reclaim_stuck(now, counts)
    _expire(now, counts)
    _hold_for_quiet_hours(now, counts)
    for _batch in range(MAX_BATCHES):
        if _inbox_batch(now, counts) < BATCH:
            break
    channels = external_channels(current_app.config)
    try:
        for _batch in range(MAX_BATCHES):
            if _external_batch(now, channels, counts) < EXTERNAL_BATCH:
                break
    finally:
        for channel in channels.values():
            channel.close()
        db.session.commit()
    return {key: counts[key] for key in ("sent", "expired", "held", "retrying", "failed", "cancelled",
                                         "reclaimed", "put_back")}


def dispatch_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `reminders.dispatch`: one pass at `now_iso` (or now)."""
    counts = run_due(parse_local(datetime.fromisoformat(now_iso)) if now_iso else None)
    if any(counts.values()):
        log.info("reminders dispatched: %s", counts)
