"""Bearer tokens for the JSON API. Only a digest of each token is stored."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.database import UTCDateTime, utcnow
from community.people.models import Person


class ApiToken(db.Model):
    """A token issued by POST /api/v1/auth/token; revoked tokens stay for the record."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


class SignInSession(db.Model):
    """One signed-in browser: its cookie carries a random key, the server keeps only the key's digest.

    Signing out revokes the row; a password change, a reset or a deactivation revokes all of a person's rows,
    so a copied cookie stops working at once."""

    __tablename__ = "sign_in_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at = mapped_column(UTCDateTime)


class SignInThrottle(db.Model):
    """Sign-in guesses for one submitted phone number, shared by every worker and every app instance.

    Keyed by a keyed digest of the normalised phone (so the table names no number, and an unknown number is
    counted exactly like a registered one); see community/accounts/throttle.py for the rule."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    window_start = mapped_column(UTCDateTime, nullable=False, index=True)
    locked_until = mapped_column(UTCDateTime)
