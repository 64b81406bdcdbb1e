"""Party dues (党费): the bracket table, payments covering months, who has paid up to when, arrears.

Money is `Decimal` from the form to the database (Numeric(10, 2)); a float never touches it. The monthly amount
is the rate of shared/DOMAIN.md applied to the monthly after-tax income and rounded to the fen (0.01 yuan)
half up (ROUND_HALF_UP: 0.005 → 0.01), the way a cashier rounds. Each boundary belongs to the lower bracket,
as the table's "≤3000" says: 3000.00 pays 0.5 %, 3000.01 pays 1 %; 5000.00 1 %, 5000.01 1.5 %; 10000.00 1.5 %,
10000.01 2 %; a retiree's 5000.00 0.5 %, 5000.01 1 %. Farmers, students and the unemployed pay a fixed 0.20
a month (farmers may choose to pay more, up to 1.00).

A payment covers one month or a quarter (three months from its first); each month it covers is a `DuesMonth`
row, unique per person and month, so the database refuses a month paid twice (also by simultaneous requests,
and also in another branch after a transfer).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from branches.models import Branch, BranchMember
from community.audit.services import record
from community.authz import require
from community.database import UTCDateTime, flush_or_conflict, transactional, utcnow
from community.errors import Invalid
from community.people.models import Person

FEN = Decimal("0.01")
FIXED = Decimal("0.20")
FARMER_MAX = Decimal("1.00")
MAX_INCOME = Decimal("99999999.99")  # what Numeric(10, 2) holds
# (upper bound inclusive, rate): the first bracket whose bound is ≥ the income applies
BRACKETS = ((Decimal("3000.00"), Decimal("0.005")), (Decimal("5000.00"), Decimal("0.01")),
            (Decimal("10000.00"), Decimal("0.015")), (None, Decimal("0.02")))
RETIREE_BRACKETS = ((Decimal("5000.00"), Decimal("0.005")), (None, Decimal("0.01")))
CATEGORIES = {"employed": _l("Employed (on after-tax income)"), "retired": _l("Retired (on pension)"),
              "farmer": _l("Farmer"), "student": _l("Student"), "unemployed": _l("Unemployed")}
FIXED_CATEGORIES = {"farmer", "student", "unemployed"}
PERIODS = {1: _l("One month"), 3: _l("A quarter (three months)")}
ARREARS_MONTHS = 24  # arrears are listed for at most two years back; older gaps are for people to settle


class DuesPayment(db.Model):
    """One payment (a receipt): a member, the months it covers, the monthly income and amount it was worked from."""

    __tablename__ = "dues_payment"
    __table_args__ = (
        CheckConstraint("monthly_amount > 0", name="dues_payment_amount_positive"),
        CheckConstraint("total > 0", name="dues_payment_total_positive"),
        CheckConstraint("months >= 1 AND months <= 12", name="dues_payment_months_range"),
        Index("ix_dues_payment_branch_paid", "branch_id", "paid_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(ForeignKey("branch_member.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    monthly_income: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    first_month: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[BranchMember] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def authz_scope(self):
        return ("branch", self.branch_id)


class DuesMonth(db.Model):
    """A month paid by a person: unique per person and month, whichever branch took it."""

    __tablename__ = "dues_month"
    __table_args__ = (
        UniqueConstraint("person_id", "month", name="uq_dues_month_person_month"),
        CheckConstraint("amount > 0", name="dues_month_amount_positive"),
        Index("ix_dues_month_branch_month", "branch_id", "month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("dues_payment.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    payment: Mapped[DuesPayment] = relationship()
    person: Mapped[Person] = relationship()


# ---------------------------------------------------------------------------------------------- the rules
def parse_income(value, field: str = "monthly_income") -> Decimal:
    """A monthly income typed or sent as text or a number: a Decimal ≥ 0 with at most two decimals, or Invalid
    beside the field (a float is read through its shortest text, never its binary value)."""
    text = str(value if not isinstance(value, float) else repr(value)).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        message = _("Enter the monthly after-tax income as a number of yuan, e.g. 4500 or 4500.50.")
        raise Invalid(message, fields={field: message})
    if amount < 0:
        message = _("The income cannot be negative.")
        raise Invalid(message, fields={field: message})
    if amount != amount.quantize(FEN) or amount > MAX_INCOME:
        message = _("Give the income in yuan with at most two decimals (fen).")
        raise Invalid(message, fields={field: message})
    return amount.quantize(FEN)


def rate_for(category: str, income: Decimal) -> Decimal:
    """The rate of the bracket table for this income (each boundary in the lower bracket)."""
    for bound, rate in (RETIREE_BRACKETS if category == "retired" else BRACKETS):
        if bound is None or income <= bound:
            return rate
    raise AssertionError("the last bracket has no bound")


def monthly_dues(category: str, income: Decimal | None = None, chosen: Decimal | None = None) -> Decimal:
    """The dues for one month: the bracket rate of the income rounded half up to the fen, or the fixed 0.20
    (a farmer may choose more, up to 1.00)."""
    if category not in CATEGORIES:
        message = _("Choose the member's situation.")
        raise Invalid(message, fields={"category": message})
    if category in FIXED_CATEGORIES:
        if chosen is None or category != "farmer":
            return FIXED
        chosen = parse_income(chosen, "chosen_amount")
        if not FIXED <= chosen <= FARMER_MAX:
            message = _("A farmer pays from 0.20 to 1.00 yuan a month.")
            raise Invalid(message, fields={"chosen_amount": message})
        return chosen
    if income is None:
        message = _("Enter the monthly after-tax income.")
        raise Invalid(message, fields={"monthly_income": message})
    amount = (income * rate_for(category, income)).quantize(FEN, rounding=ROUND_HALF_UP)
    if amount <= 0:
        message = _("With no income, record the member as unemployed: they pay the fixed 0.20 yuan.")
        raise Invalid(message, fields={"monthly_income": message})
    return amount


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after `month`."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value, field: str = "first_month") -> date:
    """"YYYY-MM" (or a date) as the first day of that month, or Invalid beside the field."""
    if isinstance(value, date):
        return month_start(value)
    try:
        year, month = (int(part) for part in str(value).strip().split("-")[:2])
        return date(year, month, 1)
    except (TypeError, ValueError):
        message = _("Give the month as YYYY-MM, e.g. 2026-12.")
        raise Invalid(message, fields={field: message}) from None


def month_label(month: date | None) -> str:
    """"2026年12月" (or a dash)."""
    return f"{month.year}年{month.month:02d}月" if month else "—"


# ---------------------------------------------------------------------------------------------- payments
@transactional
def record_payment(actor, member: BranchMember, *, category: str, first_month, months: int = 1,
                   monthly_income=None, chosen_amount=None, paid_on: date | None = None) -> DuesPayment:
    """Record a payment of one month or a quarter for a member of the branch (its secretary or committee); a
    month already paid is refused as a whole (409), nothing written."""
    require(actor, "dues.record", member.branch)
    if months not in PERIODS:
        message = _("A payment covers one month or a quarter.")
        raise Invalid(message, fields={"months": message})
    income = None if category in FIXED_CATEGORIES or monthly_income in (None, "") else parse_income(monthly_income)
    amount = monthly_dues(category, income, None if chosen_amount in (None, "") else chosen_amount)
    first = parse_month(first_month)
    if member.left_on is not None:
        raise Invalid(_("This person is no longer a member of the branch."), fields={"member_id": "left"})
    payment = DuesPayment(branch_id=member.branch_id, member_id=member.id, person_id=member.person_id,
                          category=category, monthly_income=income, monthly_amount=amount,
                          total=amount * months, first_month=first, months=months,
                          paid_on=paid_on or utcnow().date(), recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    db.session.add_all(DuesMonth(payment_id=payment.id, branch_id=member.branch_id, person_id=member.person_id,
                                 month=add_months(first, n), amount=amount) for n in range(months))
    message = _("A month of this payment is already paid: nothing was recorded.")
    flush_or_conflict(None, message, code="month_already_paid", field="first_month")
    record(actor, "dues.record", payment, detail={"member_id": member.id, "first_month": first.isoformat(),
                                                  "months": months, "total": str(payment.total)})
    return payment


def paid_up_to(member_ids) -> dict[int, date | None]:
    """For each branch member, the first day of the last month their person has paid (in any branch), or None.
    One query for any number of members."""
    ids = list(dict.fromkeys(int(i) for i in member_ids))
    found = dict.fromkeys(ids)
    if not ids:
        return found
    rows = db.session.execute(
        select(BranchMember.id, db.func.max(DuesMonth.month))
        .join(DuesMonth, DuesMonth.person_id == BranchMember.person_id)
        .where(BranchMember.id.in_(ids)).group_by(BranchMember.id))
    found.update({member_id: month for member_id, month in rows})
    return found


@dataclass
class Arrears:
    """A member's dues: the months unpaid before the current month, the month paid up to, this month's."""

    member_id: int
    person_id: int
    branch_id: int
    name: str
    months: list[date]
    paid_up_to: date | None
    owes_this_month: bool


def _current_members() -> list:
    """Only current members owe dues (a member who left keeps their row as history)."""
    return [BranchMember.left_on.is_(None)]


def statuses(branch_ids, today: date, *, name: str = "") -> list[Arrears]:
    """Every current member of these branches (optionally those whose name starts with `name`) with the months
    they owe: from the month they joined the branch, or ARREARS_MONTHS back, whichever is later (12 months back
    when the joining date is unknown), to the month before this one. One query for any number of members."""
    this_month = month_start(today)
    window = add_months(this_month, -ARREARS_MONTHS)
    statement = (select(BranchMember.id, BranchMember.person_id, BranchMember.branch_id, Person.name,
                        BranchMember.joined_branch_on, DuesMonth.month)
                 .join(Person, Person.id == BranchMember.person_id)
                 .outerjoin(DuesMonth, (DuesMonth.person_id == BranchMember.person_id) & (DuesMonth.month >= window))
                 .where(BranchMember.branch_id.in_(list(branch_ids)), *_current_members())
                 .order_by(Person.name_key, BranchMember.id))
    if name:
        statement = statement.where(Person.name.startswith(name, autoescape=True))
    members: dict[int, list] = {}
    for member_id, person_id, branch_id, person_name, joined_on, month in db.session.execute(statement):
        entry = members.setdefault(member_id, [person_id, branch_id, person_name, joined_on, set()])
        if month is not None:
            entry[4].add(month)
    return [_arrears(member_id, *entry, this_month) for member_id, entry in members.items()]


def _arrears(member_id, person_id, branch_id, name, joined_on, paid: set, this_month: date) -> Arrears:
    """What the member owes: unpaid months from the later of joining and the window, to last month."""
    window = add_months(this_month, -ARREARS_MONTHS)
    start = max(window, month_start(joined_on)) if joined_on else add_months(this_month, -12)
    owed, month = [], start
    while month < this_month:
        if month not in paid:
            owed.append(month)
        month = add_months(month, 1)
    return Arrears(member_id, person_id, branch_id, name, owed, max(paid) if paid else None, this_month not in paid)


def members_page(branch_id: int, today: date, *, name: str = "", page: int = 1,
                 per_page: int = 100) -> tuple[list[Arrears], int]:
    """One page of the branch's current members by name, each with what they owe, and the number of members:
    three queries whatever the size of the branch (the page, the count, the page's months)."""
    this_month = month_start(today)
    statement = (select(BranchMember.id, BranchMember.person_id, BranchMember.branch_id, Person.name,
                        BranchMember.joined_branch_on).join(Person, Person.id == BranchMember.person_id)
                 .where(BranchMember.branch_id == branch_id, *_current_members()))
    if name:
        statement = statement.where(Person.name.startswith(name, autoescape=True))
    total = db.session.scalar(select(db.func.count()).select_from(statement.subquery()))
    rows = db.session.execute(statement.order_by(Person.name_key, BranchMember.id)
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    paid: dict[int, set] = {row[1]: set() for row in rows}
    if paid:
        for person_id, month in db.session.execute(
                select(DuesMonth.person_id, DuesMonth.month).where(
                    DuesMonth.person_id.in_(list(paid)), DuesMonth.month >= add_months(this_month, -ARREARS_MONTHS))):
            paid[person_id].add(month)
    return [_arrears(*row, paid[row[1]], this_month) for row in rows], total


def dues_status(branch_id: int, today: date, *, name: str = "") -> list[Arrears]:
    """Every current member of the branch with what they owe (see `statuses`)."""
    return statuses([branch_id], today, name=name)


def arrears(branch_id: int, today: date) -> list[Arrears]:
    """The current members of the branch who owe months before this one, and which (one query)."""
    return [entry for entry in dues_status(branch_id, today) if entry.months]


def month_query(branch_id: int, month: date):
    """The months paid for `month` in the branch, by member name, with payment and person loaded (one query)."""
    from sqlalchemy.orm import contains_eager

    return (select(DuesMonth).join(DuesMonth.payment).join(DuesMonth.person)
            .options(contains_eager(DuesMonth.payment), contains_eager(DuesMonth.person))
            .where(DuesMonth.branch_id == branch_id, DuesMonth.month == month_start(month))
            .order_by(Person.name_key, DuesMonth.id))


def month_rows(branch_id: int, month: date) -> list:
    """The month's dues as plain rows for the treasurer's workbook (name, month, amount, category, income,
    paid on, months of the payment, its total): one query, no objects built."""
    return db.session.execute(
        select(Person.name, DuesMonth.month, DuesMonth.amount, DuesPayment.category, DuesPayment.monthly_income,
               DuesPayment.paid_on, DuesPayment.months, DuesPayment.total)
        .join(DuesPayment, DuesPayment.id == DuesMonth.payment_id).join(Person, Person.id == DuesMonth.person_id)
        .where(DuesMonth.branch_id == branch_id, DuesMonth.month == month_start(month))
        .order_by(Person.name_key, DuesMonth.id)).all()


def get_branch(branch_id: int) -> Branch:
    """The branch, or a 404."""
    from community.places.services import get_or_404

    return get_or_404(Branch, branch_id)
