"""How many password guesses one phone number gets: counted in the database, so every worker and every app
instance shares the count.

The rule: the first FREE_FAILURES guesses within a WINDOW are free. The guess that reaches FREE_FAILURES locks
the number for FIRST_WAIT; every further wrong guess doubles the wait, up to LONGEST_WAIT. While the number is
locked nothing is checked and nothing is counted: the answer is only "try again in N minutes". A successful
sign-in forgets the count. That allows about 35 guesses a day per number, whatever the addresses they come from.

Each guess is counted BEFORE its password is checked, by one conditional INSERT … ON CONFLICT DO UPDATE (the row
is locked while it is updated, and a locked number is left untouched), so simultaneous guesses queue on that
row and cannot slip past the limit. Counting is per submitted number, never per person: a number nobody has
gets exactly the same answers as a registered one.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import case, delete, literal, null, or_, select

from app import db
from community.accounts.models import SignInThrottle
from community.database import UTCDateTime, unit_of_work
from community.errors import DomainError
from community.people.identity import normalise_phone

FREE_FAILURES = 5
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
WINDOW = timedelta(hours=24)
# Per client address (Flask-Limiter; Redis when REDIS_URL is set, else each worker counts alone): a community
# hall's Wi-Fi or a carrier's shared address must let a whole polling station sign in at once.
ADDRESS_LIMIT = "200 per minute;2000 per hour"


def address_limit() -> str:
    """The per-address limit on sign-in posts (setting SIGN_IN_LIMIT_PER_ADDRESS, else ADDRESS_LIMIT)."""
    return current_app.config.get("SIGN_IN_LIMIT_PER_ADDRESS") or ADDRESS_LIMIT


class TooManyAttempts(DomainError):
    """Too many wrong passwords for this phone number: HTTP 429, with the wait in Retry-After."""

    status = 429
    code = "too_many_requests"

    def __init__(self, wait: timedelta):
        self.retry_after = max(1, math.ceil(wait.total_seconds()))
        minutes = max(1, math.ceil(self.retry_after / 60))
        message = ngettext("Too many wrong passwords. Please try again in %(num)d minute.",
                           "Too many wrong passwords. Please try again in %(num)d minutes.", minutes)
        super().__init__(message, fields={"password": message})


def throttle_key(phone: str) -> str:
    """A keyed digest of the normalised number: the table never shows which numbers were tried."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"sign-in:" + normalise_phone(phone).encode(), hashlib.sha256).hexdigest()


def wait_after(failures: int) -> timedelta | None:
    """How long a number stays locked after this many counted guesses (None: not locked)."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 20), LONGEST_WAIT)


def _lock_for(failures, now: datetime):
    """SQL for the locked-until time that follows `failures` counted guesses (the doubling, as a CASE)."""
    steps, count = [], FREE_FAILURES
    while wait_after(count) < LONGEST_WAIT:
        steps.append((failures == count, literal(now + wait_after(count), UTCDateTime)))
        count += 1
    steps.append((failures >= count, literal(now + LONGEST_WAIT, UTCDateTime)))
    return case(*steps, else_=null())


def _insert():
    """The INSERT … ON CONFLICT statement of this database's dialect."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(SignInThrottle)


def claim_attempt(phone: str, now: datetime) -> timedelta | None:
    """Count one guess for this number before its password is checked (committed at once).

    Raises TooManyAttempts while the number is locked. Otherwise returns the wait this guess starts should it be
    wrong (None while guesses are still free)."""
    table = SignInThrottle.__table__
    key = throttle_key(phone)
    for _attempt in range(2):  # a lock that ends between the two statements below: count the guess then
        new_window = table.c.window_start <= literal(now - WINDOW, UTCDateTime)
        failures = case((new_window, 1), else_=table.c.failures + 1)
        statement = _insert().values(key=key, failures=1, window_start=now,
                                        locked_until=now + wait_after(1) if wait_after(1) else None)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"failures": failures,
                  "window_start": case((new_window, literal(now, UTCDateTime)), else_=table.c.window_start),
                  "locked_until": _lock_for(failures, now)},
            where=or_(table.c.locked_until.is_(None), table.c.locked_until <= literal(now, UTCDateTime)),
        ).returning(table.c.failures, table.c.locked_until)
        # Committed at once, before the password is checked, so that simultaneous guesses all see the count:
        # this unit of work refuses to run inside another (it would commit the caller's work).
        with unit_of_work(alone=True):
            counted = db.session.execute(statement).first()
            if counted is None:  # locked: nothing was counted
                locked_until = db.session.scalar(select(table.c.locked_until).where(table.c.key == key))
            elif counted.failures == 1:
                _forget_stale(now)
        if counted is None:
            if locked_until and locked_until > now:
                raise TooManyAttempts(locked_until - now)
            continue
        return counted.locked_until - now if counted.locked_until else None
    raise TooManyAttempts(FIRST_WAIT)  # pragma: no cover - a lock cannot end twice within one call


def _forget_stale(now: datetime) -> None:
    """Drop the rows whose window has passed and which lock nothing (indexed by window_start)."""
    table = SignInThrottle.__table__
    db.session.execute(delete(table).where(
        table.c.window_start < literal(now - WINDOW, UTCDateTime),
        or_(table.c.locked_until.is_(None), table.c.locked_until < literal(now, UTCDateTime))))


def forget(phone: str) -> None:
    """A successful sign-in: the number's count starts again (committed with the caller's transaction)."""
    table = SignInThrottle.__table__
    db.session.execute(delete(table).where(table.c.key == throttle_key(phone)))
