"""同心圆 discussions: residents' requests (诉求) and proposals (建言), their supports (附议), history and photos.

The database keeps what must never break: one support per resident per item (a unique constraint), known
kinds, categories, statuses and ratings (CHECK constraints), a support count that is never negative. The
mediation helper's models live in community/discussions/mediation_models.py.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person
from community.places.models import Community

KINDS = ("request", "proposal")
CATEGORIES = ("wages", "schooling", "housing", "health", "safety", "neighbours", "environment", "jobs", "other")
STATUSES = ("submitted", "accepted", "declined", "on_agenda", "decided", "in_progress", "done")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
TITLE_MAX = 80
BODY_MAX = 2000


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Request(db.Model):
    """A resident's request or proposal, followed from submission to its end on the public board."""

    __tablename__ = "discussion_request"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("category", CATEGORIES), name="category_known"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(f"rating IS NULL OR {_in('rating', RATINGS)}", name="rating_known"),
        CheckConstraint("support_count >= 0", name="support_count_not_negative"),
        # The board: a community's items by status, newest first (keyset on created_at, id).
        Index("ix_discussion_request_board", "community_id", "status", "created_at", "id"),
        Index("ix_discussion_request_recent", "created_at", "id"),
        Index("ix_discussion_request_queue", "community_id", "queued_at"),
        Index("ix_discussion_request_deadline", "deadline_on", "status"),
        # Chinese search (board.py): a trigram index answers LIKE '%…%' on PostgreSQL; SQLite has none to use
        # (the partial WHERE 0 keeps it empty there) and scans the rows the other filters leave.
        Index("ix_discussion_request_search", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}, sqlite_where=text("0")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="request", server_default="request")
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    submitter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    # False: the item is on the board without its author's name (handlers still see who).
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sql_true())
    status: Mapped[str] = mapped_column(String(12), default="submitted", server_default="submitted")
    support_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    responsible: Mapped[str] = mapped_column(String(100), default="", server_default="")
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True, index=True)
    deadline_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rating: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    has_reopened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_false())
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_false())
    hidden_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Title and text normalised (NFKC, case-folded, spaces squeezed) for LIKE '%…%' search; see README.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    community: Mapped[Community] = relationship()
    submitter: Mapped[Person] = relationship(foreign_keys=[submitter_id])
    responsible_person: Mapped[Person | None] = relationship(foreign_keys=[responsible_person_id])

    @property
    def authz_scope(self):
        return ("community", self.community_id)


class Support(db.Model):
    """A resident's support (附议) of an item: one per resident per item, the database says so."""

    __tablename__ = "discussion_support"
    __table_args__ = (UniqueConstraint("request_id", "supporter_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("discussion_request.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class RequestEvent(db.Model):
    """One step of an item's history: a status change (or a submission, rating, hiding) with its note."""

    __tablename__ = "discussion_request_event"
    __table_args__ = (Index("ix_discussion_request_event_request", "request_id", "created_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("discussion_request.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor: Mapped[Person | None] = relationship()


class RequestPhoto(db.Model):
    """A photo of an item, re-encoded without its metadata, kept outside static/ (discussions/photos.py)."""

    __tablename__ = "discussion_request_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("discussion_request.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
