"""The outbox: one row per reminder, recipient and channel; the in-app inbox; people's channel choices; the
scheduler's lease.

A reminder's `key` is unique (kind, subject, occasion, recipient, channel), so producers may schedule the same
reminder as often as they like and it exists once; dispatch claims a row with a conditional UPDATE of its
state, so it is sent once whatever crashes or runs twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.database import UTCDateTime, utcnow

STATES = ("pending", "sending", "sent", "cancelled", "expired", "failed")


def reminder_key(kind: str, subject: str, occasion: str, recipient_id: int, channel: str) -> str:
    """The unique key of a reminder; also the idempotency key of the message sent for it."""
    return f"{kind}|{subject}|{occasion}|{recipient_id}|{channel}"


class Reminder(db.Model):
    """One message to one person on one channel, due at a time; its state says how far it got."""

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_state_due_id", "state", "due_at", "id"),  # keyset: the oversight list
        Index("ix_reminder_subject_state", "subject", "state"),
        Index("ix_reminder_recipient_created", "recipient_id", "created_at"),
        Index("ix_reminder_kind_channel_state", "kind", "channel", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(60))
    occasion: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    payload: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Notification(db.Model):
    """A message in a person's in-app inbox (站内信); `reminder_id` is unique: one per inbox reminder."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_person_read", "person_id", "read_at"),
        Index("ix_notification_person_created_id", "person_id", "created_at", "id"),  # keyset: the inbox
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminder.id", ondelete="SET NULL"), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderPreference(db.Model):
    """A person's choice of a channel for a kind; no row: inbox on, e-mail and webhook off."""

    __tablename__ = "reminder_preference"
    __table_args__ = (UniqueConstraint("person_id", "kind", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class SchedulerLease(db.Model):
    """Which scheduler process runs the periodic jobs, until when (taken and renewed by conditional writes)."""

    __tablename__ = "scheduler_lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
