"""Uses of points: the redemption catalogue (兑换目录) with stock, and redemptions approved by an administrator.

A street administrator keeps the street's catalogue (health checks, recuperation stays, goods of the charity shop),
each item with a price in points and a stock. A resident applies; a street or community administrator approves
or declines with a reason. Approval deducts the points (a ledger entry of kind "redemption", negative) and the
stock in one transaction. Neither may go below zero, also when two approvals run at once:
- the redemption leaves "pending" by a conditional UPDATE (approved once however often it is approved);
- the stock falls by a conditional UPDATE (`stock >= quantity`), and a CHECK (stock >= 0) backs it;
- the ledger's post_entry refuses a balance below zero (it serialises per person; volunteers/ledger.py).
Locks are taken in that order (redemption, item, person), so simultaneous approvals cannot deadlock.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app import db
from community.audit.services import record
from community.authz import require, scope_condition
from community.database import UTCDateTime, transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.people.models import Person
from community.places.models import Community, Street

KINDS = {"health_check": _l("Health check"), "recuperation": _l("Recuperation stay"),
         "goods": _l("Goods of the charity shop"), "other": _l("Other")}
STATES = {"pending": _l("Waiting for approval"), "approved": _l("Approved"), "declined": _l("Declined"),
          "withdrawn": _l("Withdrawn")}
MAX_POINTS = 100000
MAX_STOCK = 100000
MAX_QUANTITY = 10
NOTICE = "volunteers_redemption_decision"


class CatalogueItem(db.Model):
    """Something points buy in a street: its price in points and how many are left."""

    __tablename__ = "redemption_item"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("kind IN ('health_check', 'recuperation', 'goods', 'other')", name="kind_known"),
        Index("ix_redemption_item_street_active", "street_id", "is_active", "name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="goods")
    description: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int] = mapped_column()
    stock: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    street: Mapped[Street] = relationship()

    @property
    def authz_scope(self):
        return ("street", self.street_id)


class Redemption(db.Model):
    """A resident's application to redeem points for an item; pending until an administrator decides."""

    __tablename__ = "redemption"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("state IN ('pending', 'approved', 'declined', 'withdrawn')", name="state_known"),
        Index("ix_redemption_community_state", "community_id", "state", "created_at"),
        Index("ix_redemption_person_created", "person_id", "created_at"),
        Index("ix_redemption_item_state", "item_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("redemption_item.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(default=1)
    points: Mapped[int] = mapped_column()  # the price × quantity when applied: what approval deducts
    state: Mapped[str] = mapped_column(String(10), default="pending")
    note: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[CatalogueItem] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    community: Mapped[Community] = relationship()

    @property
    def authz_scope(self):
        return ("community", self.community_id)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


# ---------------------------------------------------------------------------------------------- input
def whole_number(value, field: str, low: int, high: int, message: str) -> int:
    """A positive whole number typed or sent (no fractions, no signs beyond the range), else Invalid beside it."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isdigit() and len(text) < 10 else None
    if not isinstance(value, int) or not low <= value <= high:
        raise Invalid(message, fields={field: message})
    return value


def _text(value, field: str, limit: int, *, required: bool = False, message: str | None = None) -> str:
    text = " ".join(str(value or "").split()) if field != "description" else str(value or "").strip()
    if (required and not text) or len(text) > limit:
        message = message or _("At most %(n)d characters.", n=limit)
        raise Invalid(message, fields={field: message})
    return text


def clean_item(data: dict) -> dict:
    """An item's fields, checked: name, kind, description, points (whole, > 0), stock (whole, ≥ 0)."""
    kind = data.get("kind") or "goods"
    if kind not in KINDS:
        raise Invalid(_("Choose what kind of item it is."), fields={"kind": _("Choose what kind of item it is.")})
    return {
        "name": _text(data.get("name"), "name", 80, required=True, message=_("Give the item a name (at most 80 "
                                                                                "characters).")),
        "kind": kind, "description": _text(data.get("description"), "description", 1000),
        "points": whole_number(data.get("points"), "points", 1, MAX_POINTS,
                               _("The price is a whole number of points from 1 to %(n)s.", n=MAX_POINTS)),
        "stock": whole_number(data.get("stock", 0), "stock", 0, MAX_STOCK,
                              _("The stock is a whole number from 0 to %(n)s.", n=MAX_STOCK)),
    }


# ---------------------------------------------------------------------------------------------- the catalogue
@transactional
def create_item(actor, street: Street, data: dict) -> CatalogueItem:
    """A street administrator adds an item to the street's catalogue."""
    require(actor, "redemption_item.manage", ("street", street.id))
    item = CatalogueItem(street_id=street.id, **clean_item(data))
    db.session.add(item)
    db.session.flush()
    record(actor, "redemption_item.create", item, summary=item.name)
    return item


@transactional
def update_item(actor, item: CatalogueItem, data: dict) -> CatalogueItem:
    """Change an item's price, stock, description or whether it is offered (pending applications keep their price)."""
    require(actor, "redemption_item.manage", item)
    fields = clean_item({"name": item.name, "kind": item.kind, "description": item.description,
                         "points": item.points, "stock": item.stock, **{k: v for k, v in data.items()
                                                                         if k != "is_active"}})
    # The stock is set with a conditional UPDATE of its own row, so an approval committing meanwhile is not undone.
    db.session.execute(update(CatalogueItem).where(CatalogueItem.id == item.id).values(
        **fields, is_active=bool(data.get("is_active", item.is_active))))
    db.session.refresh(item)
    record(actor, "redemption_item.update", item, summary=item.name, detail={"stock": item.stock,
                                                                               "points": item.points})
    return item


def get_item(item_id) -> CatalogueItem:
    """An item by id, or NotFound (the catalogue is public to everyone signed in)."""
    item = db.session.get(CatalogueItem, item_id) if valid_id(item_id) else None
    if item is None:
        raise NotFound(_("There is no such item in the catalogue."), fields={"item_id": "unknown"})
    return item


def catalogue_query(street_ids: list[int] | None, *, active_only: bool = True):
    """The items of some streets (None: all), by name."""
    statement = select(CatalogueItem).order_by(CatalogueItem.street_id, CatalogueItem.name, CatalogueItem.id)
    if street_ids is not None:
        statement = statement.where(CatalogueItem.street_id.in_(street_ids or [-1]))
    if active_only:
        statement = statement.where(CatalogueItem.is_active.is_(True))
    return statement


def street_of(person) -> int | None:
    """The street a resident redeems in: their community's."""
    return person.community.street_id if getattr(person, "community", None) else None


# ---------------------------------------------------------------------------------------------- applying
@transactional
def apply(actor, item: CatalogueItem, quantity=1, note: str = "") -> Redemption:
    """A resident applies to redeem points for an item of their street; refused (nothing written) beyond their
    balance or the stock."""
    from volunteers.ledger import balance

    require(actor, "redemption.apply", actor)
    quantity = whole_number(quantity, "quantity", 1, MAX_QUANTITY,
                            _("Apply for 1 to %(n)s at a time.", n=MAX_QUANTITY))
    note = _text(note, "note", 300)
    if not item.is_active or street_of(actor) != item.street_id:
        raise DomainError(_("This item is not offered in your street."), code="not_offered",
                          fields={"item_id": _("This item is not offered in your street.")})
    _check_stock(item, quantity)
    cost = item.points * quantity
    held = balance(actor.id)
    if held < cost:
        raise _beyond_balance(held, cost)
    redemption = Redemption(item_id=item.id, person_id=actor.id, community_id=actor.community_id,
                            quantity=quantity, points=cost, note=note)
    db.session.add(redemption)
    db.session.flush()
    record(actor, "redemption.apply", redemption, summary=item.name, detail={"points": cost, "quantity": quantity})
    return redemption


def _check_stock(item: CatalogueItem, quantity: int) -> None:
    if item.stock < quantity:
        message = ngettext("Only %(num)d left in stock.", "Only %(num)d left in stock.", item.stock) if item.stock \
        else _("None left in stock.")
        raise DomainError(message, code="out_of_stock", fields={"quantity": message})


def _beyond_balance(held: int, cost: int) -> DomainError:
    message = ngettext("This needs %(num)d point; the balance is %(held)s.",
                       "This needs %(num)d points; the balance is %(held)s.", cost, held=held)
    return DomainError(message, code="insufficient_points", fields={"quantity": message})


@transactional
def withdraw(actor, redemption: Redemption) -> Redemption:
    """The applicant withdraws a pending application."""
    require(actor, "redemption.withdraw", redemption)
    _leave_pending(actor, redemption, "withdrawn", "")
    record(actor, "redemption.withdraw", redemption, summary=redemption.item.name)
    return redemption


# ---------------------------------------------------------------------------------------------- deciding
def _leave_pending(actor, redemption: Redemption, state: str, reason: str) -> None:
    """Move a pending redemption on, once (a conditional UPDATE: two approvers at once decide it once)."""
    done = db.session.execute(update(Redemption).where(Redemption.id == redemption.id,
                                                       Redemption.state == "pending")
                              .values(state=state, reason=reason, decided_by_id=actor.id, decided_at=utcnow()))
    if done.rowcount != 1:
        raise Conflict(_("This application has already been answered."), code="already_decided")
    db.session.refresh(redemption)


@transactional
def approve(actor, redemption: Redemption) -> Redemption:
    """Approve: the points (ledger, kind "redemption") and the stock are deducted together, or nothing is."""
    from volunteers.ledger import balance, post_entry

    require(actor, "redemption.decide", redemption)
    _leave_pending(actor, redemption, "approved", "")
    taken = db.session.execute(update(CatalogueItem).where(CatalogueItem.id == redemption.item_id,
                                                           CatalogueItem.stock >= redemption.quantity)
                               .values(stock=CatalogueItem.stock - redemption.quantity))
    if taken.rowcount != 1:
        db.session.refresh(redemption.item)
        _check_stock(redemption.item, redemption.quantity)
        raise DomainError(_("None left in stock."), code="out_of_stock")
    item = redemption.item
    held = balance(redemption.person_id)
    if held < redemption.points:  # spent meanwhile on something else: the clear message, nothing written
        raise _beyond_balance(held, redemption.points)
    try:  # the ledger serialises per person and refuses a balance below zero (simultaneous approvals)
        post_entry(redemption.person_id, -redemption.points, "redemption", source_type="redemption",
                   source_id=redemption.id, granted_by_id=actor.id,
                   reason=_("Redeemed: %(item)s × %(n)s", item=item.name, n=redemption.quantity))
    except DomainError as refused:
        if isinstance(refused, Conflict):
            raise
        raise _beyond_balance(balance(redemption.person_id), redemption.points) from None
    db.session.refresh(item)
    _notify(redemption)
    record(actor, "redemption.approve", redemption, summary=f"{redemption.person.name} · {item.name}",
           detail={"points": redemption.points, "quantity": redemption.quantity})
    return redemption


@transactional
def decline(actor, redemption: Redemption, reason: str) -> Redemption:
    """Decline with a reason the applicant reads; nothing is deducted."""
    require(actor, "redemption.decide", redemption)
    reason = _text(reason, "reason", 500, required=True,
                   message=_("Say why, so that the applicant knows (at most 500 characters)."))
    _leave_pending(actor, redemption, "declined", reason)
    _notify(redemption)
    record(actor, "redemption.decline", redemption, summary=f"{redemption.person.name} · {redemption.item.name}")
    return redemption


def get_redemption(actor, redemption_id, action: str = "redemption.view") -> Redemption:
    """A redemption the actor may see (the applicant, administrators over their community); else NotFound."""
    redemption = db.session.get(Redemption, redemption_id) if valid_id(redemption_id) else None
    from community.authz import can

    if redemption is None or not can(actor, action, redemption):
        raise NotFound(_("There is no such application."))
    return redemption


# ---------------------------------------------------------------------------------------------- lists
def mine_query(person_id: int):
    """A resident's applications, newest first."""
    return (select(Redemption).where(Redemption.person_id == person_id).options(joinedload(Redemption.item))
            .order_by(Redemption.created_at.desc(), Redemption.id.desc()))


def scope_query(actor, state: str | None = "pending"):
    """The applications of the communities where the actor decides, oldest first (one query with its joins)."""
    statement = (select(Redemption).options(joinedload(Redemption.item), joinedload(Redemption.person),
                                            joinedload(Redemption.community))
                 .order_by(Redemption.created_at, Redemption.id))
    condition = scope_condition(actor, "redemption.decide", "community", Redemption.community_id)
    if condition is not None:
        statement = statement.where(condition)
    if state:
        statement = statement.where(Redemption.state == state)
    return statement


def _notify(redemption: Redemption) -> None:
    from community.reminders.services import notify

    notify(NOTICE, f"redemption:{redemption.id}", redemption.state, [redemption.person_id],
           payload={"redemption_id": redemption.id})
