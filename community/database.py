"""Database helpers shared by every package: units of work, UTC time, SQLite pragmas (paging: community.listing)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- units of work
#
# A service entry point runs in a unit of work (`@transactional`, or `with unit_of_work():`). Units nest: a
# service called by another joins its caller's unit, and only the outermost one commits (once) or, when an
# exception leaves it, rolls back everything written inside it. Services therefore never call
# `db.session.commit()` or `rollback()` themselves; the few that must commit before anything else happens
# (a sign-in guess other requests must count at once) ask for `unit_of_work(alone=True)`, which refuses to
# run inside another unit.
#
# Two kinds of work hang on the outermost unit:
# - `keep_even_if_rolled_back(write)`: rows that must exist whatever happens to the unit (the audit row of a
#   refused attempt). `write()` adds them to the unit's own transaction just before it commits; if the unit
#   rolls back instead, they are written after the rollback in a short transaction of their own. They never
#   commit the caller's half-done work, and the same connection is used throughout, so SQLite's single
#   writer (BEGIN IMMEDIATE) never waits for itself as a second connection would.
# - `after_commit(action)`: what must happen only once the work is committed (putting a job on the queue;
#   sending the messages of an outbox, which are rows written in the unit like any other).
# - `after_rollback(action)`: what undoes the unit's work outside the database (removing a file it wrote) if
#   the unit rolls back instead; a commit that itself fails (the database went away) rolls back too.

UNIT_KEY = "tongxin.unit_of_work"
log = logging.getLogger(__name__)


@dataclass
class _Unit:
    depth: int = 1
    kept: list[Callable[[], None]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    after_rollback: list[Callable[[], None]] = field(default_factory=list)


def _session():
    from app import db

    return db.session()


def current_unit() -> _Unit | None:
    """The unit of work open in this session, or None."""
    return _session().info.get(UNIT_KEY)


@contextmanager
def unit_of_work(*, alone: bool = False) -> Iterator:
    """Run the block in the current unit of work, or in a new one that commits at its end (rolls back on an
    exception). `alone=True`: the block must commit by itself, so it may not run inside another unit."""
    session = _session()
    unit = session.info.get(UNIT_KEY)
    if unit is not None:
        if alone:
            raise RuntimeError("this work commits on its own and cannot run inside another unit of work")
        unit.depth += 1
        try:
            yield session
        finally:
            unit.depth -= 1
        return
    unit = session.info[UNIT_KEY] = _Unit()
    try:
        yield session
        for write in unit.kept:
            write()
        session.commit()
    except BaseException:
        try:
            session.rollback()
            _write_kept(session, unit.kept)
        finally:
            _undo_outside(unit.after_rollback)
        raise
    finally:
        session.info.pop(UNIT_KEY, None)
    for action in unit.after_commit:
        action()


def _write_kept(session, kept: list) -> None:
    """After a rollback: write the rows that must survive it, in a transaction of their own."""
    if not kept:
        return
    try:
        for write in kept:
            write()
        session.commit()
    except Exception:  # the caller's own exception is the one to raise; this one is logged
        session.rollback()
        log.exception("rows that had to survive a rollback (refusal audit) could not be written")


def _undo_outside(actions: list) -> None:
    """After a rollback: undo what the unit did outside the database (files it wrote), each undo on its own."""
    for action in actions:
        try:
            action()
        except Exception:  # one undo failing must not keep the others from running, nor hide the caller's error
            log.exception("undoing work outside the database after a rollback failed")


def transactional(service: Callable) -> Callable:
    """Run a service entry point in a unit of work (joining the caller's, when there is one)."""
    @wraps(service)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return service(*args, **kwargs)
    return wrapper


def _require_unit(what: str) -> _Unit:
    unit = current_unit()
    if unit is None:
        raise RuntimeError(f"{what} needs a unit of work (call it from a @transactional service)")
    return unit


def keep_even_if_rolled_back(write: Callable[[], None]) -> None:
    """`write()` adds rows that must be written whether the current unit commits or rolls back."""
    _require_unit("keep_even_if_rolled_back").kept.append(write)


def after_rollback(action: Callable[[], None]) -> None:
    """Run `action()` if the current unit of work rolls back (never if it commits): it undoes what the unit did
    outside the database, such as a file it wrote, so a refused or failed unit leaves nothing behind."""
    _require_unit("after_rollback").after_rollback.append(action)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action()` once the current unit of work has committed (never if it rolls back)."""
    _require_unit("after_commit").after_commit.append(action)


MAX_ID = 2 ** 31 - 1  # ids are 32-bit integers; PostgreSQL refuses to compare a larger number with one


def valid_id(value) -> bool:
    """Whether `value` can be the id of a row (an int in the databases' range, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def as_local(moment: datetime | None) -> datetime | None:
    """Show a stored UTC time in Asia/Shanghai."""
    return moment.astimezone(LOCAL_ZONE) if moment else None


def parse_local(moment: datetime) -> datetime:
    """Treat naive input as Asia/Shanghai and return it in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC on every database and returns them aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and transactions SQLite cannot break.

    pysqlite's own transaction handling defeats SAVEPOINT and starts deferred
    transactions that later fail with "database is locked"; SQLAlchemy's
    documented recipe takes over BEGIN, which we make IMMEDIATE.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Keep the planner's statistics fresh (bounded work), or it sorts whole tables for list pages.
        cursor.execute("PRAGMA analysis_limit=400")
        cursor.execute("PRAGMA optimize=0x10002")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def prefix_match(column, prefix: str):
    """`column` starts with `prefix`, in a form each database answers from an index.

    SQLite's LIKE ignores case and so cannot use an index; its GLOB can. PostgreSQL's LIKE uses a
    text_pattern_ops index. Wildcards typed by the user are escaped, never interpreted.
    """
    from app import db

    if db.engine.dialect.name == "sqlite":
        escaped = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in prefix)
        return column.op("GLOB")(escaped + "*")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


def id_or_none(value) -> int | None:
    """A query-string id as an int the database can compare, or None (nothing to filter by)."""
    return value if valid_id(value) else None


def flush_or_conflict(obj, message: str, code: str = "conflict", field: str | None = None) -> None:
    """Add and flush `obj`; a unique-key clash (a duplicate, or a simultaneous request) becomes a Conflict
    carrying `message` (under `field` too, when given). The unit of work the Conflict leaves rolls back."""
    from sqlalchemy.exc import IntegrityError

    from app import db
    from community.errors import Conflict

    if obj is not None:
        db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(message, code=code, fields={field: message} if field else None) from None
