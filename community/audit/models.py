"""The audit log: who did what to which object, and when. Rows are only ever added."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person


class AuditEntry(db.Model):
    """One action; `action` is a dotted name such as "person.view" or "ballot.refused"."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        # The log is walked by keyset (created_at, id), whole or by actor or action.
        Index("ix_audit_entry_created_id", "created_at", "id"),
        Index("ix_audit_entry_actor_at_id", "actor_id", "created_at", "id"),
        Index("ix_audit_entry_action_at_id", "action", "created_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30), default="")
    object_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[Person | None] = relationship()
