"""Meetings: one model for every meeting of the platform (branch life, discussions, election meetings).

A meeting sits in the scope its kind names (a branch, a community, an election: `scope_type`, `scope_id`), so
`community.authz` decides who manages it from the kind's action; its invitees (with whether they vote) carry
their attendance; resolutions carry their votes and whether they passed by the kind's rule. Moving and
cancelling leave `MeetingChange` rows: who, when, from → to, why.
"""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person

STATUSES = ("scheduled", "cancelled")
ATTENDANCE = ("invited", "present", "absent", "leave")
DEFAULT_OFFSETS = [1440, 60]  # minutes before the start: 24 h and 1 h (shared/DOMAIN.md "Reminders")


class Meeting(db.Model):
    """A meeting of some kind (`community.meetings.kinds`), organised in a scope."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_scope_starts", "scope_type", "scope_id", "starts_at"),
        Index("ix_meeting_kind_starts", "kind", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    scope_type: Mapped[str] = mapped_column(String(30))
    scope_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    place: Mapped[str] = mapped_column(String(200))
    hometown: Mapped[str] = mapped_column(String(60), default="")  # 乡音说事: the hometown group it serves
    agenda: Mapped[list] = mapped_column(JSON, default=list)  # the items, in order (plain text)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    reminder_offsets_minutes: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_OFFSETS))
    is_late_entry: Mapped[bool] = mapped_column(Boolean, default=False)  # 补录: entered after it began
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    cancelled_at = mapped_column(UTCDateTime)
    # Minutes (会议记录): attendees and absentees come from the invitees, resolutions from their table.
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    topics: Mapped[str] = mapped_column(Text, default="")
    speeches: Mapped[str] = mapped_column(Text, default="")
    minutes_at = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])

    @property
    def authz_scope(self):
        return (self.scope_type, self.scope_id)

    @property
    def subject(self) -> str:
        """The reminders' subject (community.reminders): every reminder and notice of this meeting."""
        return f"meeting:{self.id}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class MeetingInvitee(db.Model):
    """A person invited to a meeting, whether they vote there, and their attendance."""

    __tablename__ = "meeting_invitee"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        Index("ix_meeting_invitee_person", "person_id", "meeting_id"),
        CheckConstraint("attendance IN ('invited', 'present', 'absent', 'leave')", name="attendance_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    is_voting: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance: Mapped[str] = mapped_column(String(10), default="invited")
    leave_reason: Mapped[str] = mapped_column(String(200), default="")
    invited_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    person: Mapped[Person] = relationship()


class MeetingResolution(db.Model):
    """A resolution (决议) of a meeting with its vote; `is_passed` by the kind's resolution rule."""

    __tablename__ = "meeting_resolution"
    __table_args__ = (
        CheckConstraint("votes_yes >= 0 AND votes_no >= 0 AND votes_abstain >= 0", name="votes_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    votes_yes: Mapped[int] = mapped_column(Integer, default=0)
    votes_no: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    is_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible: Mapped[str] = mapped_column(String(100), default="")  # a discussion's decision: who does it
    due_on = mapped_column(Date)                                          # … and by when
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class MeetingChange(db.Model):
    """A move or cancellation of a meeting: who, when, from → to, and why."""

    __tablename__ = "meeting_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(12))  # moved | cancelled
    before: Mapped[dict] = mapped_column(JSON, default=dict)  # {"starts_at", "ends_at", "place"} (ISO times)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(300), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    changed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    changed_by: Mapped[Person | None] = relationship()
