"""Places: street/town (街道/镇) → community/village (社区/村) → grid (网格)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow


class Street(db.Model):
    """A street office or town; `county` decides who counts as a migrant."""

    __tablename__ = "street"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    county: Mapped[str] = mapped_column(String(60), default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    communities: Mapped[list[Community]] = relationship(back_populates="street", order_by="Community.name")

    @property
    def authz_scope(self):
        return ("street", self.id)


class Community(db.Model):
    """A community (社区) or village (村) of a street."""

    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    street: Mapped[Street] = relationship(back_populates="communities")
    grids: Mapped[list[Grid]] = relationship(back_populates="community", order_by="Grid.name")

    @property
    def authz_scope(self):
        return ("community", self.id)


class Grid(db.Model):
    """A grid (网格) of a community, with its grid leader's area."""

    __tablename__ = "grid"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    community: Mapped[Community] = relationship(back_populates="grids")

    @property
    def authz_scope(self):
        return ("community", self.community_id)
