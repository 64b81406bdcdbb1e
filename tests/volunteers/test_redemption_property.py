"""A property (Hypothesis): whatever sequence of credits, redemption applications, approvals, declines and
reversals, every balance equals the sum of its ledger entries and never falls below zero, and every item's stock
is its starting stock less what approvals took, never below zero."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import db
from community.errors import DomainError
from tests.volunteers.uses_world import credit, small_world
from volunteers import redemptions as R
from volunteers.ledger import LedgerEntry, PointsAccount, balance, ledger_sum, reverse_entry

STEP = st.one_of(
    st.tuples(st.just("credit"), st.integers(0, 2), st.integers(1, 120)),
    st.tuples(st.just("apply"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 3)),
    st.tuples(st.just("approve"), st.integers(0, 20)),
    st.tuples(st.just("decline"), st.integers(0, 20)),
    st.tuples(st.just("reverse"), st.integers(0, 40)),
)


@pytest.fixture
def w(backend):
    if backend != "sqlite":
        pytest.skip("the rules are the same on both; the race is tested on PostgreSQL elsewhere")
    return small_world()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_balances_and_stock_stay_true_whatever_happens(w, steps):
    people = [w["ann"], w["bob"], w["admin_a"]]
    items = [R.create_item(w["street_admin"], w["street"], {"name": f"物品{n}", "points": 30 + 20 * n, "stock": 4})
             for n in range(2)]
    start = {item.id: item.stock for item in items}
    redemptions = []
    for step in steps:
        try:
            if step[0] == "credit":
                credit(people[step[1]], step[2], hours=1)
            elif step[0] == "apply":
                redemptions.append(R.apply(people[step[1]], items[step[2]], step[3]))
            elif step[0] in ("approve", "decline") and redemptions:
                redemption = redemptions[step[1] % len(redemptions)]
                if step[0] == "approve":
                    R.approve(w["admin_a"], redemption)
                else:
                    R.decline(w["admin_a"], redemption, "不符合条件")
            elif step[0] == "reverse":
                ids = db.session.scalars(select(LedgerEntry.id).where(LedgerEntry.reverses_id.is_(None))
                                         .order_by(LedgerEntry.id)).all()
                if ids:
                    reverse_entry(w["street_admin"], ids[step[1] % len(ids)], "更正")
        except DomainError:
            db.session.rollback()  # a refusal writes nothing; the invariants below say so
    db.session.expire_all()
    for person in people:
        assert balance(person.id) == ledger_sum(person.id)[0] >= 0
    assert db.session.scalar(select(func.min(PointsAccount.balance))) >= 0
    for item in items:
        taken = db.session.scalar(select(func.coalesce(func.sum(R.Redemption.quantity), 0)).where(
            R.Redemption.item_id == item.id, R.Redemption.state == "approved"))
        assert db.session.get(R.CatalogueItem, item.id).stock == start[item.id] - taken >= 0
    spent = db.session.scalar(select(func.coalesce(func.sum(R.Redemption.points), 0)).where(
        R.Redemption.state == "approved"))
    deducted = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.kind == "redemption"))
    assert deducted == -spent  # every approval deducted its points once, no refused one did
