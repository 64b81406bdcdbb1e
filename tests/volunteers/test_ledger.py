"""The ledger's rules: posted once, reversal restores, stars at their thresholds, never below zero."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import db
from community.database import unit_of_work
from community.errors import Conflict, DomainError, Forbidden, Invalid
from tests.factories import make_person
from volunteers.ledger import balance, balances, hours, ledger_sum, post_entry, reverse_entry, stars


def _post(person, amount, kind="grant", source_id=None, **extra):
    with unit_of_work():
        return post_entry(person.id, amount, kind, source_type="test", source_id=source_id, **extra)


@pytest.mark.parametrize("total, expected", [(0, 0), (Decimal("99.9"), 0), (Decimal("99.99"), 0), (100, 1),
                                             (299, 1), (300, 2), (600, 3), (999, 3), (1000, 4), (1500, 5),
                                             (9999, 5)])
def test_stars_by_total_hours(total, expected):
    assert stars(total) == expected


def test_stars_follow_the_hours_posted(points_world):
    ann = points_world["ann"]
    _post(ann, 5, "activity", source_id=1, hours=Decimal("99.9"))
    assert hours(ann.id) == Decimal("99.90") and stars(hours(ann.id)) == 0
    _post(ann, 1, "activity", source_id=2, hours=Decimal("0.1"))
    assert hours(ann.id) == Decimal("100.00") and stars(hours(ann.id)) == 1


def test_a_source_posts_once_and_the_callers_transaction_survives(points_world):
    ann, bob = points_world["ann"], points_world["bob"]
    with unit_of_work():
        post_entry(ann.id, 10, "activity", source_type="activity", source_id=7)
        with pytest.raises(Conflict) as refused:
            post_entry(ann.id, 10, "activity", source_type="activity", source_id=7)
        assert refused.value.code == "already_posted"
        post_entry(bob.id, 10, "activity", source_type="activity", source_id=7)  # goes on after the refusal
    assert balances([ann.id, bob.id, points_world["cai"].id]) == {ann.id: 10, bob.id: 10, points_world["cai"].id: 0}


def test_a_reversal_restores_the_balance_and_hours(points_world):
    ann, admin = points_world["ann"], points_world["street_admin"]
    _post(ann, 30, "grant", hours=Decimal("2.5"))
    wrong = _post(ann, 20, "grant", hours=Decimal("1.5"))
    assert balance(ann.id) == 50
    reversal = reverse_entry(admin, wrong.id, "记错了人")
    assert reversal.amount == -20 and reversal.reverses_id == wrong.id and reversal.kind == "correction"
    assert balance(ann.id) == 30 and hours(ann.id) == Decimal("2.50")
    assert ledger_sum(ann.id) == (30, Decimal("2.50"))
    with pytest.raises(Conflict):
        reverse_entry(admin, wrong.id, "再来一次")
    with pytest.raises(DomainError):
        reverse_entry(admin, reversal.id, "冲正的冲正")
    assert balance(ann.id) == 30


def test_only_a_street_admin_reverses_and_a_reason_is_needed(points_world):
    ann = points_world["ann"]
    entry = _post(ann, 30)
    with pytest.raises(Forbidden):
        reverse_entry(ann, entry.id, "我想要回来")
    with pytest.raises(Invalid):
        reverse_entry(points_world["street_admin"], entry.id, "  ")
    assert balance(ann.id) == 30


def test_a_debit_beyond_the_balance_is_refused_and_nothing_is_written(points_world):
    ann = points_world["ann"]
    _post(ann, 10)
    with pytest.raises(DomainError) as refused:
        _post(ann, -11, "redemption", source_id=1)
    assert refused.value.code == "insufficient_points"
    assert balance(ann.id) == 10 and ledger_sum(ann.id) == (10, Decimal("0.00"))


def test_reversing_a_spent_grant_is_refused(points_world):
    ann, admin = points_world["ann"], points_world["street_admin"]
    grant = _post(ann, 10)
    _post(ann, -8, "redemption", source_id=1)
    with pytest.raises(DomainError):
        reverse_entry(admin, grant.id, "发错了")
    assert balance(ann.id) == 2


@pytest.mark.parametrize("amount", [0, 1.5, "10", True, None])
def test_malformed_amounts_are_refused(points_world, amount):
    with pytest.raises(Invalid):
        _post(points_world["ann"], amount)
    assert balance(points_world["ann"].id) == 0


# ------------------------------------------------------------------ the property
OPS = st.lists(st.one_of(
    st.tuples(st.just("grant"), st.integers(0, 2), st.integers(1, 50)),
    st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(1, 60)),
    st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0)),
), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_sequences_keep_balances_equal_to_their_entries_and_never_negative(points_world, ops):
    """Grants, redemption-like debits and reversals in any order: every balance is the sum of its entries."""
    people = [make_person(points_world["a"], name=f"志愿者{i}") for i in range(3)]
    admin = points_world["street_admin"]
    posted, expected = [], [0, 0, 0]  # (entry id, person index, amount, reversed?)
    for n, (op, who, amount) in enumerate(ops):
        if op == "reverse":
            if not posted:
                continue
            entry_id, index, entry_amount, done = posted[who % len(posted)]
            try:
                reverse_entry(admin, entry_id, "更正")
                assert not done and expected[index] - entry_amount >= 0
                expected[index] -= entry_amount
                posted[who % len(posted)] = (entry_id, index, entry_amount, True)
            except DomainError:
                assert done or expected[index] - entry_amount < 0
            continue
        signed = amount if op == "grant" else -amount
        kind = "grant" if op == "grant" else "redemption"
        try:
            entry = _post(people[who], signed, kind, source_id=n)
            assert expected[who] + signed >= 0
            expected[who] += signed
            posted.append((entry.id, who, signed, False))
        except DomainError as refused:
            assert refused.code == "insufficient_points" and expected[who] + signed < 0
    db.session.expire_all()
    found = balances([p.id for p in people])
    for index, person in enumerate(people):
        assert found[person.id] == expected[index] == ledger_sum(person.id)[0] >= 0


def test_month_and_year_totals_follow_entries_and_reversals(points_world):
    from sqlalchemy import select

    from volunteers.ledger import PointsPeriod

    ann, admin = points_world["ann"], points_world["street_admin"]
    first = _post(ann, 30, hours=Decimal("2"))
    _post(ann, 12)
    _post(ann, -5, "redemption", source_id=9)  # spending is not earning
    reverse_entry(admin, first.id, "更正")
    rows = dict(db.session.execute(select(PointsPeriod.period, PointsPeriod.earned)
                                   .where(PointsPeriod.person_id == ann.id)).all())
    from community.database import as_local

    local = as_local(first.created_at)
    assert rows == {f"{local:%Y-%m}": 12, f"{local:%Y}": 12}
    assert balance(ann.id) == 7
