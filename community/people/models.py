"""A person: resident, volunteer, party member or official; the phone number is the login."""
from __future__ import annotations

from datetime import date

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app import db
from community.database import UTCDateTime, utcnow
from community.people import identity
from community.people.pinyin import KEY_LENGTH, name_key
from community.places.models import Community, Grid


def mask_phone(phone: str | None) -> str:
    """138****1234."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class Person(UserMixin, db.Model):
    """One human being known to the platform. Personal data is kept to the minimum."""

    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_community_name", "community_id", "name"),
        Index("ix_person_community_migrant", "community_id", "is_migrant"),
        # Lists are ordered by (name, id); name prefix search needs a pattern index on PostgreSQL
        # (on SQLite, GLOB uses the plain index: see community.database.prefix_match). Phones are searched
        # only whole, through the unique index.
        Index("ix_person_name_id", "name", "id"),
        Index("ix_person_name_pattern", "name", postgresql_ops={"name": "text_pattern_ops"}),
        # Name order is pinyin order (community/people/pinyin.py): lists walk (name_key, id) by keyset.
        Index("ix_person_name_key_id", "name_key", "id"),
        Index("ix_person_community_name_key", "community_id", "name_key", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # Written by the validator below whenever the name is set; "C" collation: the same order on every server.
    name_key: Mapped[str] = mapped_column(String(KEY_LENGTH).with_variant(String(KEY_LENGTH, collation="C"),
                                                                          "postgresql"),
                                          default="", server_default="")
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))  # for reminders by e-mail, when the person chose them
    password_hash: Mapped[str | None] = mapped_column(String(255))
    gender: Mapped[str | None] = mapped_column(String(1))  # "M" / "F"
    born_on: Mapped[date | None] = mapped_column(Date)
    # The ID-card number is encrypted; the digest keeps it unique, the mask (all digits hidden, see
    # identity.mask_id_number) is what lists, the API and exports show.
    id_number_cipher: Mapped[str | None] = mapped_column(Text)
    id_number_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    hukou_place: Mapped[str] = mapped_column(String(100), default="")
    is_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", ondelete="SET NULL"), index=True)
    living_since_on: Mapped[date | None] = mapped_column(Date)
    residence_permit_no: Mapped[str | None] = mapped_column(String(40))
    residence_permit_until: Mapped[date | None] = mapped_column(Date)
    employer: Mapped[str | None] = mapped_column(String(100))
    hometown: Mapped[str | None] = mapped_column(String(60), index=True)
    has_political_rights: Mapped[bool] = mapped_column(Boolean, default=True)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)

    community: Mapped[Community | None] = relationship()
    grid: Mapped[Grid | None] = relationship()

    @validates("name")
    def _keep_name_key(self, _key, value):
        self.name_key = name_key(value)
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.is_active_account)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def has_residence_permit(self) -> bool:
        return bool(self.residence_permit_no)

    @property
    def authz_scope(self):
        return ("community", self.community_id) if self.community_id else ("platform", 0)

    @property
    def authz_owner_id(self) -> int:
        """"self" in an action's roles: one's own record."""
        return self.id

    def age_on(self, day: date) -> int | None:
        """Whole years of age on a given day (a 29 February birthday falls on 28 February in common years)."""
        from community.anniversaries import whole_years

        return whole_years(self.born_on, day) if self.born_on else None

    def set_id_number(self, number: str) -> None:
        """Keep a checked, normalised ID-card number: encrypted, its keyed digest (unique) and its mask."""
        self.id_number_cipher = identity.encrypt_id_number(number)
        self.id_number_digest = identity.digest_id_number(number)
        self.id_number_masked = identity.mask_id_number(number)
