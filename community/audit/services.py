"""Writing and reading the audit log."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import inspect, select

from app import db
from community.audit.models import AuditEntry
from community.authz import require
from community.database import keep_even_if_rolled_back


def _id_of(obj) -> int | None:
    """A row's id without asking the database: a refusal may be recorded after a failed flush, when the
    session must not load anything (its transaction waits for the unit of work to roll back)."""
    if obj is None:
        return None
    obj = getattr(obj, "_get_current_object", lambda: obj)()  # current_user is a proxy
    state = inspect(obj, raiseerr=False)
    if state is not None and state.identity is not None:
        return state.identity[0]
    return getattr(obj, "id", None)


def _entry(actor, action: str, obj=None, summary: str = "", detail: dict | None = None,
           object_type: str | None = None, object_id: int | None = None) -> dict:
    """The values of an audit row, taken now (the objects named may be rolled back later)."""
    return dict(
        actor_id=_id_of(actor),
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=object_id if object_id is not None else _id_of(obj),
        summary=summary[:300],
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )


def record(actor, action: str, obj=None, summary: str = "", detail: dict | None = None,
           object_type: str | None = None, object_id: int | None = None) -> AuditEntry:
    """Add an audit row to the caller's unit of work: it is committed with the work it describes, or not at all."""
    entry = AuditEntry(**_entry(actor, action, obj, summary, detail, object_type, object_id))
    db.session.add(entry)
    return entry


def record_kept(actor, action: str, obj=None, summary: str = "", detail: dict | None = None,
                object_type: str | None = None) -> None:
    """An audit row written whether the caller's unit of work commits or rolls back (see
    community.database.keep_even_if_rolled_back); it never commits the caller's work by itself."""
    values = _entry(actor, action, obj, summary, detail, object_type)
    keep_even_if_rolled_back(lambda: db.session.add(AuditEntry(**values)))


def record_refusal(actor, action: str, reason: str, obj=None, detail: dict | None = None) -> None:
    """Log a refused attempt; the refusal's rollback of the caller's work does not take the row with it."""
    record_kept(actor, action, obj, summary=reason, detail=detail)


def audit_query(actor, action: str | None = None, actor_id: int | None = None, object_type: str | None = None,
                since: datetime | None = None, until: datetime | None = None):
    """The filtered log, newest first; only platform administrators may read it."""
    require(actor, "audit.view", ("platform", 0))
    statement = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action.startswith(action))
    if actor_id:
        statement = statement.where(AuditEntry.actor_id == actor_id)
    if object_type:
        statement = statement.where(AuditEntry.object_type == object_type)
    if since:
        statement = statement.where(AuditEntry.created_at >= since)
    if until:
        statement = statement.where(AuditEntry.created_at < until)
    return statement
