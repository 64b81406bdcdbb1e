"""Writing and reading the audit log."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import select

from app import db
from community.audit.models import AuditEntry
from community.authz import require


def record(actor, action: str, obj=None, summary: str = "", detail: dict | None = None,
           object_type: str | None = None, object_id: int | None = None, commit: bool = False) -> AuditEntry:
    """Add an audit row in the caller's transaction (or its own, with commit=True)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        summary=summary[:300],
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry


def record_refusal(actor, action: str, reason: str, obj=None, detail: dict | None = None) -> None:
    """Log a refused attempt in a transaction of its own, after the caller rolled back."""
    db.session.rollback()
    record(actor, action, obj, summary=reason, detail=detail, commit=True)


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
