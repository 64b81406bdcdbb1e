"""Bearer tokens for the JSON API. Only a digest of each token is stored."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
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
