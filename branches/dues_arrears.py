"""Arrears counted in SQL: how many months each current member owes, so that the dues list's headline and the
arrears list (page and API) never load a branch's members into Python to count or page them.

A member owes the months from the later of the month they joined the branch and ARREARS_MONTHS back (12 months
back when the joining date is unknown) to last month, less the months their person has paid in that span (in
any branch: `DuesMonth` is unique per person and month, so the count is exact). Months are compared as
integers, year × 12 + month − 1, which both SQLite and PostgreSQL compute from a date (`extract`).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select

from app import db
from branches.dues import ARREARS_MONTHS, Arrears, DuesMonth, _arrears, add_months, month_start
from branches.models import BranchMember
from community.people.models import Person

COUNT_LIMIT = 10_000  # the arrears list's total is counted up to this many members (more: "10,000 or more")


def month_index(column):
    """SQL: year × 12 + month − 1 of a date column."""
    return cast(extract("year", column), Integer) * 12 + cast(extract("month", column), Integer) - 1


def index_of(month: date) -> int:
    return month.year * 12 + month.month - 1


def owed_by_member(branch_id: int, this_month: date):
    """SQL subquery (member_id, owed): each current member of the branch with the number of months owed before
    `this_month` — one grouped pass over their paid months (LEFT JOIN … GROUP BY), about three times faster on
    SQLite than a count per member."""
    this = index_of(this_month)
    window_month = add_months(this_month, -ARREARS_MONTHS)
    joined_on = BranchMember.joined_branch_on
    before_window = joined_on < add_months(window_month, 1)
    start = case((joined_on.is_(None), this - 12), (before_window, this - ARREARS_MONTHS),
                 else_=month_index(joined_on))
    due = case((start < this, this - start), else_=0)
    # Most members joined before the window (or never said when): plain date comparisons; only one who joined
    # inside it needs the month arithmetic on each paid month.
    counted = or_(and_(joined_on.is_(None), DuesMonth.month >= add_months(this_month, -12)), before_window,
                  month_index(DuesMonth.month) >= month_index(joined_on))
    paid = and_(DuesMonth.person_id == BranchMember.person_id, DuesMonth.month < this_month,
                DuesMonth.month >= window_month, counted)
    return (select(BranchMember.id.label("member_id"), (due - func.count(DuesMonth.id)).label("owed"))
            .outerjoin(DuesMonth, paid)
            .where(BranchMember.branch_id == branch_id, BranchMember.left_on.is_(None))
            .group_by(BranchMember.id, joined_on).subquery())


def arrears_summary(branch_id: int, today: date) -> tuple[int, int]:
    """(members in arrears, months owed in all) for the branch's current members: one query."""
    owing = owed_by_member(branch_id, month_start(today))
    in_arrears, months = db.session.execute(
        select(func.count().filter(owing.c.owed > 0), func.coalesce(func.sum(owing.c.owed), 0))).one()
    return int(in_arrears or 0), int(months or 0)


def arrears_page(branch_id: int, today: date, page: int = 1, per_page: int = 100) -> tuple[list[Arrears], int]:
    """One page (by name) of the branch's current members who owe months, each with the months, and how many
    owe (counted up to COUNT_LIMIT): three queries whatever the size of the branch (count, page, its months)."""
    this_month = month_start(today)
    owed = owed_by_member(branch_id, this_month)
    owing = (select(BranchMember.id, BranchMember.person_id, BranchMember.branch_id, Person.name,
                    BranchMember.joined_branch_on).join(owed, owed.c.member_id == BranchMember.id)
             .join(Person, Person.id == BranchMember.person_id).where(owed.c.owed > 0))
    total = db.session.scalar(select(func.count()).select_from(owing.limit(COUNT_LIMIT).subquery()))
    rows = db.session.execute(owing.order_by(Person.name_key, BranchMember.id)
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    paid: dict[int, set] = {row[1]: set() for row in rows}
    if paid:
        for person_id, month in db.session.execute(
                select(DuesMonth.person_id, DuesMonth.month).where(
                    DuesMonth.person_id.in_(list(paid)), DuesMonth.month >= add_months(this_month, -ARREARS_MONTHS))):
            paid[person_id].add(month)
    return [_arrears(*row, paid[row[1]], this_month) for row in rows], total
