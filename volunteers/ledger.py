"""The points ledger (积分流水): append-only entries, and each person's totals kept beside them.

Every change to someone's points is a `LedgerEntry`; nothing ever updates or deletes one (the database
refuses it with triggers on both engines, see the migration 2026_12_04_volunteers_ledger). A mistake is
fixed by a reversing entry (`reverses_id`). Balances and hours are sums of entries; `PointsAccount` keeps
those sums per person, written in the same transaction as each entry, so that lists and leaderboards read
one row per person instead of scanning millions of entries, and so that there is one row to lock: the
conditional UPDATE of the account refuses a balance below zero on both databases, however many requests
post at the same moment.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.database import UTCDateTime, as_local, transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound

KINDS = ("activity", "grant", "redemption", "correction", "expiry", "quantified")
CATEGORIES = ("volunteer_service", "waste_sorting", "civic_campaign", "disaster_relief", "blood_donation", "other")
STAR_HOURS = (100, 300, 600, 1000, 1500)  # total service hours for 1 … 5 stars
_KIND_LIST = ", ".join(f"'{kind}'" for kind in KINDS)
_POSTED_ONCE = ("source_type", "source_id", "person_id", "kind")


class LedgerEntry(db.Model):
    """One signed change to a person's points: who, how much, why, from what, granted by whom, when."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint(f"kind IN ({_KIND_LIST})", name="kind_known"),
        Index("ix_ledger_entry_person_created_id", "person_id", "created_at", "id"),  # keyset: the history
        Index("ix_ledger_entry_organisation_created", "organisation_id", "created_at"),
        # Posted once: a source credits a person once per kind; reversals (which name their entry) stand apart.
        Index("uq_ledger_entry_posted_once", *_POSTED_ONCE, unique=True,
              sqlite_where=text("reverses_id IS NULL"), postgresql_where=text("reverses_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    amount: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(30))
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"), server_default="0")
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(Integer)
    # The scoring organisation whose quota a grant draws on (no foreign key here: organisations are defined
    # with the grants, and a ledger row must never be touched by anything done to them).
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # NO ACTION, not RESTRICT: entries are never deleted anyway, and SQLite checks RESTRICT row by row, which
    # would stop even the tests' clean-up of the whole table.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)

    @property
    def authz_scope(self):
        """An entry sits where its person lives (a street administrator there may reverse it)."""
        from community.people.models import Person

        person = db.session.get(Person, self.person_id)
        return person.authz_scope if person else ("platform", 0)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


class PointsAccount(db.Model):
    """A person's totals: the sum of their entries' amounts and hours, written with every entry."""

    __tablename__ = "points_account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint("earned >= 0", name="earned_not_negative"),
        Index("ix_points_account_balance", "balance", "person_id"),
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True)
    balance: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Points ever earned (positive entries less reversals of them): redemptions spend the balance, not this.
    earned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"), server_default="0")
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class PointsPeriod(db.Model):
    """Points a person earned (and hours credited) in a month ("2026-03") or a year ("2026"), local time:
    the leaderboards read these rows, written with every entry, instead of summing the ledger.

    `community_id` is the person's community when the period's first entry was posted: the boards filter and
    count on it without touching person (a person who moves mid-period stays on the first community's board
    for that period). One index walks a board in rank order, the other counts it."""

    __tablename__ = "points_period"
    __table_args__ = (Index("ix_points_period_walk", "period", "earned", "person_id", "community_id"),
                      Index("ix_points_period_count", "period", "community_id", "earned"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    earned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"), server_default="0")


# The same append-only triggers as the migration, for databases built by create_all (bench, scratch); DDL
# formats its text, hence %% for PL/pgSQL's own %.
_PG_FUNCTION = DDL("""
CREATE OR REPLACE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entry is append-only: %% refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql""")
_PG_TRIGGER = DDL("CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
                  "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()")
_SQLITE_UPDATE = DDL("CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry "
                     "BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: UPDATE refused'); END")
_SQLITE_DELETE = DDL("CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry "
                     "BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: DELETE refused'); END")
for _ddl in (_PG_FUNCTION, _PG_TRIGGER):
    event.listen(LedgerEntry.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))
for _ddl in (_SQLITE_UPDATE, _SQLITE_DELETE):
    event.listen(LedgerEntry.__table__, "after_create", _ddl.execute_if(dialect="sqlite"))


def _dialect_insert():
    """INSERT … ON CONFLICT for the engine in use."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _check_amount(amount, kind: str) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise Invalid(_("Points must be a whole number other than zero."), fields={"points": _("Whole points only.")})
    if abs(amount) > 10_000_000:
        raise Invalid(_("That many points cannot be posted at once."), fields={"points": _("Too many points.")})
    if kind not in KINDS:
        raise Invalid(_("Unknown kind of ledger entry."))


def _move_account(person_id: int, amount: int, hours: Decimal, earned: int) -> None:
    """Add to the person's totals, refusing a balance below zero (one conditional UPDATE: it locks the row on
    PostgreSQL, and SQLite's BEGIN IMMEDIATE already serialises writers)."""
    insert = _dialect_insert()
    db.session.execute(insert(PointsAccount).values(person_id=person_id, balance=0, earned=0, hours=0,
                                                    updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["person_id"]))
    moved = db.session.execute(
        update(PointsAccount)
        .where(PointsAccount.person_id == person_id, PointsAccount.balance + amount >= 0,
               PointsAccount.hours + hours >= 0, PointsAccount.earned + earned >= 0)
        .values(balance=PointsAccount.balance + amount, hours=PointsAccount.hours + hours,
                earned=PointsAccount.earned + earned, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise DomainError(_("The balance is not enough: points cannot go below zero."), code="insufficient_points",
                          fields={"points": _("More than the balance.")})


def _move_periods(person_id: int, earned: int, hours: Decimal, moment) -> None:
    """Add earned points and hours to the month and the year of `moment` (Asia/Shanghai)."""
    if not earned and not hours:
        return
    from community.people.models import Person

    local = as_local(moment)
    insert = _dialect_insert()
    community_id = db.session.scalar(select(Person.community_id).where(Person.id == person_id))
    for period in (f"{local:%Y-%m}", f"{local:%Y}"):
        statement = insert(PointsPeriod).values(person_id=person_id, period=period, earned=earned, hours=hours,
                                                community_id=community_id)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["person_id", "period"],
            set_={"earned": PointsPeriod.earned + statement.excluded.earned,
                  "hours": PointsPeriod.hours + statement.excluded.hours}))


def post_entry(person_id: int, amount: int, kind: str, *, source_type: str, source_id: int | None = None,
               category: str | None = None, hours=0, organisation_id: int | None = None,
               granted_by_id: int | None = None, reason: str = "", reverses_id: int | None = None,
               at=None) -> LedgerEntry:
    """Add an entry and its person's totals to the caller's unit of work (callers have authorised it).

    A second posting of the same (source, person, kind) raises Conflict "already_posted" and a balance that
    would go below zero raises DomainError "insufficient_points"; either way nothing of this entry is left and
    the caller's transaction goes on (a savepoint holds the entry and the totals together). `at`: the moment
    the entry records (default now; a grant passes its own moment, the demo a year of them)."""
    _check_amount(amount, kind)
    if not valid_id(person_id):
        raise NotFound(_("The person was not found."))
    if category is not None and category not in CATEGORIES:
        raise Invalid(_("Unknown category."), fields={"category": _("Choose a category from the catalogue.")})
    hours = Decimal(str(hours or 0)).quantize(Decimal("0.01"))
    entry = LedgerEntry(person_id=person_id, amount=amount, kind=kind, category=category, hours=hours,
                        source_type=source_type, source_id=source_id, organisation_id=organisation_id,
                        granted_by_id=granted_by_id, reason=(reason or "")[:300], created_at=at or utcnow(),
                        reverses_id=reverses_id)
    # Earned points: what came in (activities, grants, quantified points…) net of its reversals; spending
    # (redemption, expiry) and giving back a spend leave it alone.
    spending = kind in ("redemption", "expiry")
    earned, counted_at = (0 if spending else amount), entry.created_at
    if reverses_id is not None:  # a reversal counts against the month its entry was counted in
        original = db.session.get(LedgerEntry, reverses_id)
        earned = 0 if original is None or original.kind in ("redemption", "expiry") else amount
        counted_at = original.created_at if original is not None else counted_at
    savepoint = db.session.begin_nested()
    try:
        db.session.add(entry)
        db.session.flush()
        _move_account(person_id, amount, hours, earned)
        _move_periods(person_id, earned, hours, counted_at)
    except IntegrityError:
        savepoint.rollback()
        from community.people.models import Person

        if db.session.get(Person, person_id) is None:
            raise NotFound(_("The person was not found.")) from None
        if reverses_id is not None:
            raise Conflict(_("This entry has already been reversed."), code="already_reversed") from None
        raise Conflict(_("These points have already been posted."), code="already_posted") from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return entry


@transactional
def reverse_entry(actor, entry_id: int, reason: str) -> LedgerEntry:
    """Post the entry that cancels `entry_id` (kind "correction", negated amount and hours), once."""
    from community.audit.services import record
    from community.authz import require

    require(actor, "points.reverse")
    entry = db.session.get(LedgerEntry, entry_id) if valid_id(entry_id) else None
    if entry is None:
        raise NotFound(_("The ledger entry was not found."))
    require(actor, "points.reverse", entry)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the entry is reversed."), fields={"reason": _("A reason is required.")})
    if entry.reverses_id is not None:
        raise DomainError(_("A reversal cannot itself be reversed; post a new entry instead."),
                          code="reversal_of_reversal")
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)) is not None:
        raise Conflict(_("This entry has already been reversed."), code="already_reversed")
    for hook in _reversal_hooks:  # before the posting: locks are taken quota first, account second, as grants do
        hook(entry)
    reversal = post_entry(entry.person_id, -entry.amount, "correction", source_type=entry.source_type,
                          source_id=entry.source_id, category=entry.category, hours=-entry.hours,
                          organisation_id=entry.organisation_id, granted_by_id=actor.id, reason=reason,
                          reverses_id=entry.id)
    record(actor, "points.reverse", reversal, summary=reason,
           detail={"entry_id": entry.id, "person_id": entry.person_id, "amount": -entry.amount})
    return reversal


# Called as hook(entry) inside the reversal's unit of work: a grant's reversal gives its quota back.
_reversal_hooks: list = []


def on_reversal(hook) -> None:
    """Have `hook(entry)` run whenever an entry is reversed (same transaction)."""
    if hook not in _reversal_hooks:
        _reversal_hooks.append(hook)


def balance(person_id: int) -> int:
    """The person's points: the sum of their entries' amounts."""
    return db.session.scalar(select(PointsAccount.balance).where(PointsAccount.person_id == person_id)) or 0


def hours(person_id: int) -> Decimal:
    """The person's credited service hours: the sum of their entries' hours."""
    found = db.session.scalar(select(PointsAccount.hours).where(PointsAccount.person_id == person_id))
    return Decimal(found or 0).quantize(Decimal("0.01"))


def stars(total_hours) -> int:
    """Stars by total service hours: 100 / 300 / 600 / 1000 / 1500 hours give 1 … 5 stars (99.9 gives none)."""
    total = Decimal(str(total_hours or 0))
    return sum(1 for threshold in STAR_HOURS if total >= threshold)


def balances(person_ids) -> dict[int, int]:
    """Balances of many people in one query (0 for those with no entries)."""
    ids = sorted({pid for pid in person_ids if valid_id(pid)})
    found = {}
    if ids:
        found = dict(db.session.execute(select(PointsAccount.person_id, PointsAccount.balance)
                                        .where(PointsAccount.person_id.in_(ids))).all())
    return {pid: found.get(pid, 0) for pid in ids}


def ledger_sum(person_id: int) -> tuple[int, Decimal]:
    """The person's (points, hours) summed over the ledger itself: for checks, never for pages."""
    row = db.session.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0),
                                    func.coalesce(func.sum(LedgerEntry.hours), 0))
                             .where(LedgerEntry.person_id == person_id)).one()
    return int(row[0]), Decimal(row[1]).quantize(Decimal("0.01"))
