"""Mobile party branches (流动党支部), home-side party organisations, members, join requests and positions.

A branch member sits in two scopes: the branch where they live now, and their home-side party organisation
(流出地党组织), whose liaison follows them wherever they are and sees nobody else. A person is a current member
(``left_on`` null) of one branch at most: a partial unique index says so on both databases.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, orm, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person
from community.places.models import Street

BRANCH_KINDS = ("mobile", "joint", "station")
MEMBER_STATUSES = ("full", "probationary")
RELATIONSHIPS = ("transferred", "card")
JOIN_STATES = ("pending", "accepted", "declined")
# Fewer full members than this and a branch does not meet the rule; a joint branch unites at most MAX_UNITS.
MIN_FULL_MEMBERS = 3
MAX_UNITS = 5


class HomeOrganisation(db.Model):
    """A home-side party organisation (流出地党组织), e.g. a village branch in the member's home county."""

    __tablename__ = "home_organisation"
    __table_args__ = (UniqueConstraint("name", "region"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")

    @property
    def authz_scope(self):
        return ("home_organisation", self.id)


class Branch(db.Model):
    """A party branch of a street: a mobile branch, a joint branch of several units, or a service station."""

    __tablename__ = "branch"
    __table_args__ = (UniqueConstraint("street_id", "name"),
                      CheckConstraint("kind IN ('mobile', 'joint', 'station')", name="kind_known"))
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), default="mobile", server_default="mobile")
    # A joint branch (联合党支部): the names of its 2–5 units; empty for the other kinds.
    units: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # A party-mass service station (党群服务站): when it is open and what it offers, in words.
    opening_hours: Mapped[str] = mapped_column(String(200), default="", server_default="")
    services: Mapped[str] = mapped_column(Text, default="", server_default="")

    street: Mapped[Street] = relationship()

    @property
    def authz_scope(self):
        return ("branch", self.id)


class BranchHomeOrganisation(db.Model):
    """A pairing of a branch with a home-side organisation (两地管): the two report to each other."""

    __tablename__ = "branch_home_organisation"
    __table_args__ = (UniqueConstraint("branch_id", "home_organisation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    home_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("home_organisation.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    branch: Mapped[Branch] = relationship()
    home_organisation: Mapped[HomeOrganisation] = relationship()


class BranchMember(db.Model):
    """A party member in a branch, with their status, relationship and home-side organisation."""

    __tablename__ = "branch_member"
    __table_args__ = (
        # One current branch per person; past memberships (left_on set) stay as history.
        Index("uq_branch_member_current_person", "person_id", unique=True,
              sqlite_where=text("left_on IS NULL"), postgresql_where=text("left_on IS NULL")),
        Index("ix_branch_member_branch_current", "branch_id", "left_on"),
        CheckConstraint("status IN ('full', 'probationary')", name="status_known"),
        CheckConstraint("relationship IN ('transferred', 'card')", name="relationship_known"),
        CheckConstraint("status = 'full' OR probation_ends_on IS NOT NULL", name="probation_has_term"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    home_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_organisation.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="full", server_default="full")
    # Probationary (预备党员): one year from the general meeting's vote; no vote until then.
    probation_ends_on: Mapped[date | None] = mapped_column(Date)
    relationship: Mapped[str] = mapped_column(String(12), default="transferred", server_default="transferred")
    # A mobile-member card (流动党员活动证): its number; the relationship stays with the home organisation.
    card_number: Mapped[str | None] = mapped_column(String(40))
    joined_party_on: Mapped[date | None] = mapped_column(Date)
    employer: Mapped[str] = mapped_column(String(100), default="", server_default="")
    joined_branch_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    last_contact_on: Mapped[date | None] = mapped_column(Date)

    branch: Mapped[Branch] = orm.relationship()
    person: Mapped[Person] = orm.relationship()
    home_organisation: Mapped[HomeOrganisation | None] = orm.relationship()
    positions: Mapped[list[Position]] = orm.relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="Position.id")

    # The columns naming each scope the member sits in, for list filters (authz.any_scope_condition).
    AUTHZ_COLUMNS = {"branch": "branch_id", "home_organisation": "home_organisation_id"}

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def has_vote(self) -> bool:
        """Full and current: probationary members (and those who left) have no vote."""
        return self.status == "full" and self.left_on is None

    @property
    def authz_scopes(self):
        return [("branch", self.branch_id), ("home_organisation", self.home_organisation_id)]

    @property
    def authz_owner_id(self):
        return self.person_id

    @classmethod
    def authz_columns(cls) -> dict:
        return {scope_type: getattr(cls, column) for scope_type, column in cls.AUTHZ_COLUMNS.items()}


class Position(db.Model):
    """A part-time position a member holds in a town or village (大管家, 网格员…): title, place, since."""

    __tablename__ = "branch_member_position"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("branch_member.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    place: Mapped[str] = mapped_column(String(100), default="", server_default="")
    since: Mapped[date | None] = mapped_column(Date)

    member: Mapped[BranchMember] = relationship(back_populates="positions")


class JoinRequest(db.Model):
    """A mobile party member's request to join a branch, accepted or declined (with a reason) by its secretary."""

    __tablename__ = "branch_join_request"
    __table_args__ = (
        # One open request per person at a time; decided ones stay as history.
        Index("uq_branch_join_request_pending_person", "person_id", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_branch_join_request_branch_state", "branch_id", "state", "created_at"),
        CheckConstraint("state IN ('pending', 'accepted', 'declined')", name="state_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    home_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_organisation.id", ondelete="SET NULL"), index=True)
    card_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    branch: Mapped[Branch] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    home_organisation: Mapped[HomeOrganisation | None] = relationship()
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])
