"""The discussion group's roles, mediation cases (矛盾纠纷化解) and discussion meetings' agenda items.

The database keeps what must never break: one group role per person per community, known group roles, kinds
of dispute and outcomes (CHECK constraints), an outcome and its closing time set together, one agenda item per
request per meeting (a unique key), and a decided item carries its decision and deadline.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.discussions.models import Request
from community.people.models import Person

GROUP_ROLES = ("party_member", "community_worker", "mediator", "xiangxian")
DISPUTE_KINDS = ("neighbours", "landlord_tenant", "labour", "other")
OUTCOMES = ("settled", "partly", "failed", "referred")
TITLE_MAX = 80
SUMMARY_MAX = 2000
NOTES_MAX = 5000
MAX_PARTIES = 10


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class GroupMember(db.Model):
    """A member of a community's discussion group (议事团) with their role in it; the authorisation role
    `discussion_member` (and `mediator` for mediators) is granted beside it (community/discussions/group.py)."""

    __tablename__ = "discussion_group_member"
    __table_args__ = (
        UniqueConstraint("community_id", "person_id"),
        CheckConstraint(_in("group_role", GROUP_ROLES), name="group_role_known"),
        Index("ix_discussion_group_member_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    group_role: Mapped[str] = mapped_column(String(20))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def authz_scope(self):
        return ("community", self.community_id)


class MediationCase(db.Model):
    """A dispute handled by a named mediator: parties, sessions, and its outcome once closed."""

    __tablename__ = "mediation_case"
    __table_args__ = (
        CheckConstraint(_in("kind", DISPUTE_KINDS), name="kind_known"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome_known"),
        CheckConstraint("(outcome IS NULL) = (closed_at IS NULL)", name="outcome_with_closing"),
        # The lists: a community's cases and a mediator's own, newest first; the figures group by both.
        Index("ix_mediation_case_community", "community_id", "opened_on", "id"),
        Index("ix_mediation_case_mediator", "mediator_id", "opened_on", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(10))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    referred_to: Mapped[str] = mapped_column(String(100), default="")
    closed_at = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    mediator: Mapped[Person] = relationship(foreign_keys=[mediator_id])

    @property
    def authz_scope(self):
        return ("community", self.community_id)

    @property
    def authz_owner_id(self) -> int:
        """The case's mediator: "self" in the case's actions (the mediator and administrators only)."""
        return self.mediator_id

    @property
    def is_closed(self) -> bool:
        return self.outcome is not None


class MediationParty(db.Model):
    """One party to a dispute: their name, phone and side (房东, 租客, 工人…); only the case's mediator and
    administrators ever see these."""

    __tablename__ = "mediation_party"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20), default="")
    side: Mapped[str] = mapped_column(String(40))


class MediationSession(db.Model):
    """A mediation session: when, where, and what was said."""

    __tablename__ = "mediation_session"
    __table_args__ = (Index("ix_mediation_session_case", "case_id", "held_on", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class AgendaItem(db.Model):
    """A request on a discussion meeting's agenda and, once resolved, the meeting's decision on it: what,
    who is responsible (a unit, a person, or both), by when; the resolution row of the meeting's minutes."""

    __tablename__ = "discussion_agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "request_id"),
        Index("ix_discussion_agenda_item_request", "request_id"),
        CheckConstraint("decided_at IS NULL OR (decision <> '' AND deadline_on IS NOT NULL)",
                        name="decided_with_decision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("discussion_request.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str] = mapped_column(String(500), default="")
    responsible: Mapped[str] = mapped_column(String(100), default="")
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    deadline_on: Mapped[date | None] = mapped_column(Date)
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_resolution.id", ondelete="SET NULL"))
    decided_at = mapped_column(UTCDateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    request: Mapped[Request] = relationship()
    responsible_person: Mapped[Person | None] = relationship(foreign_keys=[responsible_person_id])
