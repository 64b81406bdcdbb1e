"""The ledger's own check for `flask integrity check` (community/integrity.py): every person's stored totals
(`points_account`) equal the sum of their entries, and no entry lacks its account. Two grouped queries over the
ledger, whatever its size; names only for the (at most 100) people reported."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select

from app import db
from community.people.models import Person
from volunteers.ledger import LedgerEntry, PointsAccount

SHOWN = 100  # differences named one by one; beyond that, counted


def ledger_problems() -> list[str]:
    """Sentences naming each person whose balance or hours are not the sum of their entries."""
    sums = (select(LedgerEntry.person_id, func.sum(LedgerEntry.amount).label("amount"),
                   func.sum(LedgerEntry.hours).label("hours"))
            .group_by(LedgerEntry.person_id).subquery())
    amount, hours = func.coalesce(sums.c.amount, 0), func.coalesce(sums.c.hours, 0)
    differing = (select(PointsAccount.person_id, PointsAccount.balance, PointsAccount.hours, amount, hours)
                 .outerjoin(sums, sums.c.person_id == PointsAccount.person_id)
                 .where(or_(PointsAccount.balance != amount, PointsAccount.hours != hours))
                 .order_by(PointsAccount.person_id))
    rows = db.session.execute(differing.limit(SHOWN + 1)).all()
    orphans = db.session.execute(select(sums.c.person_id, sums.c.amount).where(
        sums.c.person_id.not_in(select(PointsAccount.person_id))).order_by(sums.c.person_id).limit(SHOWN)).all()
    names = dict(db.session.execute(select(Person.id, Person.name).where(
        Person.id.in_([r[0] for r in rows[:SHOWN]] + [r[0] for r in orphans]))).all())
    problems = [f"{names.get(pid, pid)}（{pid}）：余额 {bal}、时长 {hrs} 与流水之和 {total}、"
                f"{Decimal(str(h)):.2f} 不符 / person {pid}: balance {bal} and hours {hrs} differ from the "
                f"entries' {total} and {h}" for pid, bal, hrs, total, h in rows[:SHOWN]]
    if len(rows) > SHOWN:
        problems.append(f"还有更多不符的人员（仅列出前 {SHOWN} 人）/ more people differ (the first {SHOWN} shown)")
    problems += [f"{names.get(pid, pid)}（{pid}）：有流水（合计 {total}）却没有积分账户 / person {pid} has entries "
                 f"({total}) but no account" for pid, total in orphans]
    return problems
