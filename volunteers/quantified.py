"""Quantified points for public services (Ningbo-style 量化积分): province 100, city 150, district 50, at most 300.

The street configures the items of each level (age, education, skills, social insurance, years resident;
public welfare, blood donation, donations…) and each item's cap; administrators award an item's points to a
person. An award is a ledger entry of kind "quantified" (source ("quantified", award id)); the item's cap, the
level's cap and the total of 300 are counted with the person's points account locked, so two awards at once
cannot pass them. A reversed award stops counting.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from community.audit.services import record
from community.authz import require
from community.database import UTCDateTime, flush_or_conflict, transactional, utcnow, valid_id
from community.errors import DomainError, Invalid, NotFound
from community.people.models import Person
from community.places.models import Community, Street
from volunteers.ledger import LedgerEntry, post_entry
from volunteers.organisations import whole_points

LEVEL_CAPS = {"province": 100, "city": 150, "district": 50}
TOTAL_CAP = sum(LEVEL_CAPS.values())  # 300
LEVEL_LABELS = {"province": _l("Province-wide (at most 100)"), "city": _l("City (at most 150)"),
                "district": _l("District (at most 50)")}


class QuantifiedItem(db.Model):
    """An item of a level that the street awards points for, with the most one person may receive for it."""

    __tablename__ = "quantified_item"
    __table_args__ = (CheckConstraint("level IN ('province', 'city', 'district')", name="level_known"),
                      CheckConstraint("max_points > 0 AND max_points <= 150", name="max_points_range"),
                      Index("uq_quantified_item_street_name", "street_id", "name", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="RESTRICT"))
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    max_points: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def authz_scope(self):
        return ("street", self.street_id)


class QuantifiedAward(db.Model):
    """Points of one item awarded to a person; its ledger entry is ("quantified", id)."""

    __tablename__ = "quantified_award"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),
                      Index("ix_quantified_award_person", "person_id", "item_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("quantified_item.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    reversed_at = mapped_column(UTCDateTime)

    item: Mapped[QuantifiedItem] = relationship()


@transactional
def add_item(actor, street: Street, level: str, name: str, max_points) -> QuantifiedItem:
    """Configure an item of a level with its cap (at most the level's own cap)."""
    require(actor, "quantified.configure", street)
    if level not in LEVEL_CAPS:
        raise Invalid(_("Choose province, city or district."), fields={"level": _("Choose a level.")})
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(_("Give the item a name (at most 100 characters)."), fields={"name": _("A name.")})
    max_points = whole_points(max_points, "max_points", maximum=LEVEL_CAPS[level])
    item = QuantifiedItem(street_id=street.id, level=level, name=name, max_points=max_points)
    flush_or_conflict(item, _("The street already has an item of that name."), field="name")
    record(actor, "quantified.configure", item, summary=f"{level} {name} ≤ {max_points}")
    return item


def items_of(street_id: int) -> list[QuantifiedItem]:
    """The street's active items, by level and name."""
    order = {"province": 0, "city": 1, "district": 2}
    found = db.session.scalars(select(QuantifiedItem).where(QuantifiedItem.street_id == street_id,
                                                            QuantifiedItem.is_active.is_(True))).all()
    return sorted(found, key=lambda item: (order[item.level], item.name))


def counted(person_id: int) -> dict:
    """The person's quantified points that count (not reversed): per item, per level and in total."""
    rows = db.session.execute(select(QuantifiedAward.item_id, QuantifiedItem.level, func.sum(QuantifiedAward.points))
                              .join(QuantifiedItem, QuantifiedItem.id == QuantifiedAward.item_id)
                              .where(QuantifiedAward.person_id == person_id, QuantifiedAward.reversed_at.is_(None))
                              .group_by(QuantifiedAward.item_id, QuantifiedItem.level)).all()
    items, levels = {}, dict.fromkeys(LEVEL_CAPS, 0)
    for item_id, level, points in rows:
        items[item_id] = int(points)
        levels[level] += int(points)
    return {"items": items, "levels": levels, "total": sum(levels.values())}


@transactional
def award(actor, item: QuantifiedItem, person: Person, points, note: str = "") -> LedgerEntry:
    """Award an item's points to a person of the street, within the item's cap, its level's and the 300 total."""
    require(actor, "quantified.award", person)
    points = whole_points(points, maximum=LEVEL_CAPS.get(item.level, 1))
    if not item.is_active:
        raise DomainError(_("This item is no longer awarded."), code="item_inactive")
    street_id = db.session.scalar(select(Community.street_id).where(Community.id == person.community_id))
    if street_id != item.street_id:
        raise DomainError(_("The person does not live in the item's street."), code="out_of_street",
                          fields={"person": _("Not of this street.")})
    from volunteers.grants import _lock_account

    _lock_account(person.id)  # the caps below are counted with the person's account locked
    now = counted(person.id)
    for already, cap, words in ((now["items"].get(item.id, 0), item.max_points, _("this item")),
                                (now["levels"][item.level], LEVEL_CAPS[item.level], str(LEVEL_LABELS[item.level])),
                                (now["total"], TOTAL_CAP, _("all quantified points"))):
        if already + points > cap:
            left = max(cap - already, 0)
            message = ngettext("Over the cap of %(what)s (at most %(cap)s): %(num)d point left.",
                               "Over the cap of %(what)s (at most %(cap)s): %(num)d points left.", left, what=words,
                               cap=cap)
            raise DomainError(message, code="cap_reached", fields={"points": message})
    row = QuantifiedAward(item_id=item.id, person_id=person.id, points=points, note=(note or "").strip()[:300],
                          awarded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    entry = post_entry(person.id, points, "quantified", source_type="quantified", source_id=row.id,
                       granted_by_id=actor.id, reason=f"{item.name} {row.note}".strip())
    record(actor, "quantified.award", entry, summary=f"{person.name} +{points} {item.name}",
           detail={"item_id": item.id, "person_id": person.id, "points": points})
    return entry


def stop_counting(entry: LedgerEntry) -> None:
    """A reversed award no longer counts against the caps."""
    if entry.source_type != "quantified" or entry.kind != "quantified" or entry.source_id is None:
        return
    row = db.session.get(QuantifiedAward, entry.source_id)
    if row is not None and row.reversed_at is None:
        row.reversed_at = utcnow()


def get_item(actor, item_id) -> QuantifiedItem:
    """An item the actor may award."""
    require(actor, "quantified.award")
    item = db.session.get(QuantifiedItem, item_id) if valid_id(item_id) else None
    if item is None:
        raise NotFound(_("The item was not found."))
    return item
