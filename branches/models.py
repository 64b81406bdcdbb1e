"""The least of a mobile party branch (流动党支部) that the scopes need; the branches issue fleshes it out.

A branch member sits in two scopes: the branch where they live now, and their home-side party organisation
(流出地党组织), whose liaison follows them wherever they are and sees nobody else.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.people.models import Person
from community.places.models import Street


class HomeOrganisation(db.Model):
    """A home-side party organisation (流出地党组织), e.g. a village branch in the member's home county."""

    __tablename__ = "home_organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")

    @property
    def authz_scope(self):
        return ("home_organisation", self.id)


class Branch(db.Model):
    """A mobile party branch of a street."""

    __tablename__ = "branch"
    __table_args__ = (UniqueConstraint("street_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    street: Mapped[Street] = relationship()

    @property
    def authz_scope(self):
        return ("branch", self.id)


class BranchMember(db.Model):
    """A party member in a branch, with their home-side organisation."""

    __tablename__ = "branch_member"
    __table_args__ = (UniqueConstraint("branch_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    home_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_organisation.id", ondelete="SET NULL"), index=True)
    # full (正式) or probationary (预备): a probationary member has no vote (shared/DOMAIN.md).
    status: Mapped[str] = mapped_column(String(12), default="full", server_default="full")

    branch: Mapped[Branch] = relationship()
    person: Mapped[Person] = relationship()
    home_organisation: Mapped[HomeOrganisation | None] = relationship()

    # The columns naming each scope the member sits in, for list filters (authz.any_scope_condition).
    AUTHZ_COLUMNS = {"branch": "branch_id", "home_organisation": "home_organisation_id"}

    @property
    def authz_scopes(self):
        return [("branch", self.branch_id), ("home_organisation", self.home_organisation_id)]

    @property
    def authz_owner_id(self):
        return self.person_id

    @classmethod
    def authz_columns(cls) -> dict:
        return {scope_type: getattr(cls, column) for scope_type, column in cls.AUTHZ_COLUMNS.items()}
