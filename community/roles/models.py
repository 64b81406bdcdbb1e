"""A role held by a person in a scope (street, community, branch, organisation, election)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person


class RoleGrant(db.Model):
    """`person` is `role` within (`scope_type`, `scope_id`); platform_admin uses ("platform", 0)."""

    __tablename__ = "role_grant"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "scope_type", "scope_id"),
        Index("ix_role_grant_scope", "scope_type", "scope_id", "role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[int] = mapped_column(default=0)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    granted_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def scope(self):
        return (self.scope_type, self.scope_id)
