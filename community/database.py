"""Database helpers shared by every package: UTC time, SQLite pragmas, paging."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


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


MAX_PAGE = 1_000_000


def id_or_none(value) -> int | None:
    """A query-string id as an int the database can compare, or None (nothing to filter by)."""
    return value if valid_id(value) else None


def flush_or_conflict(obj, message: str, code: str = "conflict", field: str | None = None) -> None:
    """Add and flush `obj`; a unique-key clash (a duplicate, or a simultaneous request) becomes a Conflict
    carrying `message` (under `field` too, when given), with the transaction rolled back."""
    from sqlalchemy.exc import IntegrityError

    from app import db
    from community.errors import Conflict

    if obj is not None:
        db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message, code=code, fields={field: message} if field else None) from None


def paginate(session, statement, page: int, per_page: int):
    """Run one page of a select: (items, total). Two queries, whatever the page size."""
    page = min(max(page or 1, 1), MAX_PAGE)  # an absurd page number is an empty page, not an overflow
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return items, total
