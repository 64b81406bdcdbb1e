"""Scoring authority (赋分权限): organisations, their members, quotas per period, the street's caps, grants.

A street administrator registers scoring organisations (enterprise, community, grid) and gives each a quota
per period; the organisation's scorers grant points from it to people in its scope. `Quota.used` never passes
`Quota.points`: a CHECK says so, and grants raise `used` by a conditional UPDATE (see volunteers/grants.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person
from community.places.models import Community, Street

ORGANISATION_KINDS = ("enterprise", "community", "grid")
# What a street allows when its administrator has set nothing: points in one grant, and points one person may
# receive from grants in a day and in a year (every organisation and category together).
DEFAULT_MAX_PER_GRANT = 50
DEFAULT_PERSON_DAILY = 100
DEFAULT_PERSON_YEARLY = 1000


class Organisation(db.Model):
    """A scoring organisation (赋分单位): an enterprise, a community or a grid, under a community of a street."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("community_id", "name"),
                      CheckConstraint("kind IN ('enterprise', 'community', 'grid')", name="kind_known"))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    community: Mapped[Community] = relationship()

    @property
    def authz_scope(self):
        return ("organisation", self.id)

    @property
    def counts_residents(self) -> bool:
        """A community organisation's scope is the community's residents; the others' is their members."""
        return self.kind == "community"


class OrganisationMember(db.Model):
    """A person registered with an enterprise or grid organisation (its employees, the grid's households)."""

    __tablename__ = "organisation_member"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def authz_scope(self):
        return ("organisation", self.organisation_id)


class Quota(db.Model):
    """Points an organisation may grant in a period ("2026", "2026-Q1", "2026-03"); periods never overlap."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("organisation_id", "period"),
                      CheckConstraint("points > 0", name="points_positive"),
                      CheckConstraint("used >= 0 AND used <= points", name="used_within_points"),
                      CheckConstraint("ends_on >= starts_on", name="period_order"),
                      Index("ix_quota_organisation_dates", "organisation_id", "starts_on", "ends_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organisation: Mapped[Organisation] = relationship()

    @property
    def authz_scope(self):
        return ("organisation", self.organisation_id)

    @property
    def remaining(self) -> int:
        return self.points - self.used


class PointsRules(db.Model):
    """A street's caps on grants: per grant, and per person per day and per year (all categories)."""

    __tablename__ = "points_rules"
    __table_args__ = (CheckConstraint("max_per_grant > 0 AND person_daily > 0 AND person_yearly > 0",
                                      name="caps_positive"),)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="CASCADE"), primary_key=True)
    max_per_grant: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_PER_GRANT)
    person_daily: Mapped[int] = mapped_column(Integer, default=DEFAULT_PERSON_DAILY)
    person_yearly: Mapped[int] = mapped_column(Integer, default=DEFAULT_PERSON_YEARLY)

    street: Mapped[Street] = relationship()

    @property
    def authz_scope(self):
        return ("street", self.street_id)


class CategoryCap(db.Model):
    """A street's cap on the points one person may receive in one category per day and per year (None: none)."""

    __tablename__ = "category_cap"
    __table_args__ = (CheckConstraint("(daily IS NULL OR daily > 0) AND (yearly IS NULL OR yearly > 0)",
                                      name="caps_positive"),)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    daily: Mapped[int | None] = mapped_column(Integer)
    yearly: Mapped[int | None] = mapped_column(Integer)


class Grant(db.Model):
    """Points a scorer granted from their organisation's quota; its ledger entry is ("grant", id)."""

    __tablename__ = "points_grant"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),
                      Index("ix_points_grant_person_created", "person_id", "created_at"),
                      Index("ix_points_grant_organisation_created", "organisation_id", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    quota_id: Mapped[int] = mapped_column(ForeignKey("quota.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(300))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Set when the grant's ledger entry is reversed (the quota gets the points back; caps stop counting them).
    reversed_at = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    organisation: Mapped[Organisation] = relationship()

    @property
    def authz_scope(self):
        return ("organisation", self.organisation_id)
