"""Activities (志愿活动) and their sign-ups, check-ins, check-in code uses and self-declared service: the tables.

An activity sits in its community (`authz_scope`), so organisers and administrators of the community (or of its
street) manage it. The database keeps what must never break:
- `activity.taken <= capacity` (CHECK): `taken` counts the places held; sign-ups take one with a conditional
  UPDATE, so simultaneous sign-ups never overfill it (volunteers/activities_services.py);
- one sign-up per person and activity, one check-in row per person and activity (UNIQUE): fifty simultaneous
  scans leave one check-in;
- a check-out never before its check-in (CHECK); a code is used once per person (UNIQUE on its use).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person

CATEGORIES = ("volunteer_service", "waste_sorting", "civic_campaign", "disaster_relief", "blood_donation", "other")
POINTS_RULES = ("per_hour", "fixed")
SIGNUP_STATES = ("signed_up", "waiting", "cancelled")
DECLARATION_STATES = ("pending", "confirmed", "rejected")
DEFAULT_OFFSETS = [1440, 120]  # reminders 24 h and 2 h before the start


class Activity(db.Model):
    """A volunteer activity: organiser, category, community, place, time window, capacity and points rule."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="places_within_capacity"),
        CheckConstraint("points >= 0", name="points_nonnegative"),
        CheckConstraint("points_rule IN ('per_hour', 'fixed')", name="points_rule_known"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status_known"),
        Index("ix_activity_community_starts", "community_id", "starts_at"),
        Index("ix_activity_starts", "starts_at", "id"),
        Index("ix_activity_organiser", "organiser_id", "starts_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(30))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_rule: Mapped[str] = mapped_column(String(10), default="per_hour")
    points: Mapped[int] = mapped_column(Integer, default=0)  # per hour, or the fixed amount
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    confirmed_at = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organiser: Mapped[Person | None] = relationship(foreign_keys=[organiser_id])

    @property
    def authz_scope(self):
        return ("community", self.community_id)

    @property
    def subject(self) -> str:
        """The reminders' subject (community.reminders)."""
        return f"activity:{self.id}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.taken)


class Signup(db.Model):
    """A volunteer's sign-up: holding a place, waiting for one (in order of `id`), or cancelled."""

    __tablename__ = "activity_signup"
    __table_args__ = (
        UniqueConstraint("activity_id", "person_id"),
        CheckConstraint("state IN ('signed_up', 'waiting', 'cancelled')", name="state_known"),
        Index("ix_activity_signup_activity_state", "activity_id", "state", "id"),
        Index("ix_activity_signup_person", "person_id", "activity_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship()
    activity: Mapped[Activity] = relationship()

    @property
    def authz_scope(self):
        return ("community", self.activity.community_id)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


class Checkin(db.Model):
    """A volunteer's attendance at an activity: check-in, check-out, the hours between, whether posted."""

    __tablename__ = "activity_checkin"
    __table_args__ = (
        UniqueConstraint("activity_id", "person_id"),
        CheckConstraint("checked_out_at IS NULL OR checked_out_at > checked_in_at", name="out_after_in"),
        CheckConstraint("method IN ('code', 'hand')", name="method_known"),
        Index("ix_activity_checkin_person", "person_id", "checked_in_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    checked_in_at = mapped_column(UTCDateTime, nullable=False)
    checked_out_at = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(String(6), default="code")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    posted_at = mapped_column(UTCDateTime)  # the roster's confirmation posted its points (volunteers.ledger)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def hours(self) -> Decimal:
        """Service time from check-in to check-out, in hours to the minute (0 while not checked out)."""
        if self.checked_out_at is None:
            return Decimal("0.00")
        minutes = int((self.checked_out_at - self.checked_in_at).total_seconds() // 60)
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


class CheckinCodeUse(db.Model):
    """One use of a check-in code by one person: a code is good once per person (a replay is refused)."""

    __tablename__ = "activity_code_use"
    __table_args__ = (UniqueConstraint("activity_id", "person_id", "issued"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    issued: Mapped[int] = mapped_column(Integer)  # the code's issue time, in seconds since 1970
    used_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Declaration(db.Model):
    """Self-declared service (自报服务): counts only once an organiser or administrator of its community confirms."""

    __tablename__ = "service_declaration"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_a_day"),
        CheckConstraint("state IN ('pending', 'confirmed', 'rejected')", name="state_known"),
        CheckConstraint("points >= 0", name="points_nonnegative"),
        Index("ix_service_declaration_community_state", "community_id", "state", "id"),
        Index("ix_service_declaration_person", "person_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    # the scoring organisation whose scorers may confirm it too (volunteers/points_models.py), if any
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    category: Mapped[str] = mapped_column(String(30))
    content: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(200))
    served_on = mapped_column(db.Date, nullable=False)
    hours = mapped_column(Numeric(5, 2), nullable=False)
    state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def authz_scopes(self):
        return [("community", self.community_id)] + ([("organisation", self.organisation_id)]
                                                    if self.organisation_id else [])

    @property
    def authz_owner_id(self) -> int:
        return self.person_id
