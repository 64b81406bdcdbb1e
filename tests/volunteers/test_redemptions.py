"""Redemptions: apply within balance and stock, approval deducts points and stock together (once), a decline
says why, and nothing is half-written when a rule refuses."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.errors import Conflict, DomainError, Forbidden, Invalid
from tests.volunteers.uses_world import credit, small_world
from volunteers import redemptions as R
from volunteers.ledger import LedgerEntry, balance, ledger_sum
from volunteers.redemptions_setup import approvals_waiting


@pytest.fixture
def w():
    world = small_world()
    world["check"] = R.create_item(world["street_admin"], world["street"], {
        "name": "健康体检", "kind": "health_check", "points": 50, "stock": 2})
    credit(world["ann"], 120, hours=10)
    return world


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_approval_deducts_points_and_stock_in_one_go(w):
    redemption = R.apply(w["ann"], w["check"], 2)
    assert (redemption.state, redemption.points) == ("pending", 100)
    assert balance(w["ann"].id) == 120  # nothing is deducted before approval
    R.approve(w["admin_a"], redemption)
    db.session.expire_all()
    assert redemption.state == "approved" and redemption.decided_by_id == w["admin_a"].id
    assert w["check"].stock == 0
    assert balance(w["ann"].id) == 20 == ledger_sum(w["ann"].id)[0]
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "redemption"))
    assert (entry.amount, entry.source_type, entry.source_id) == (-100, "redemption", redemption.id)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "redemption.approve"))


def test_a_second_approval_is_refused_and_deducts_nothing(w):
    redemption = R.apply(w["ann"], w["check"], 1)
    R.approve(w["admin_a"], redemption)
    with pytest.raises(Conflict):
        R.approve(w["street_admin"], redemption)
    db.session.rollback()
    assert balance(w["ann"].id) == 70 and db.session.get(R.CatalogueItem, w["check"].id).stock == 1


@pytest.mark.parametrize(("quantity", "points", "stock", "code"), [
    (3, 50, 5, "insufficient_points"),   # 150 > 120
    (3, 10, 2, "out_of_stock"),          # three asked, two left
    (1, 121, 5, "insufficient_points"),  # one point beyond the balance
])
def test_beyond_balance_or_stock_a_clear_message_and_nothing_written(w, quantity, points, stock, code):
    item = R.create_item(w["street_admin"], w["street"], {"name": "物品", "points": points, "stock": stock})
    before = _count(R.Redemption), _count(AuditEntry)
    with pytest.raises(DomainError) as refused:
        R.apply(w["ann"], item, quantity)
    db.session.rollback()
    assert refused.value.code == code and "quantity" in refused.value.fields
    said = refused.value.message  # the rule with its figures: the cost and the balance, or what is left
    assert (str(points * quantity) in said and "120" in said) if code == "insufficient_points" else str(stock) in said
    assert (_count(R.Redemption), _count(AuditEntry)) == before


def test_exactly_the_balance_may_be_redeemed(w):
    item = R.create_item(w["street_admin"], w["street"], {"name": "疗休养", "points": 120, "stock": 1})
    R.approve(w["street_admin"], R.apply(w["ann"], item, 1))
    assert balance(w["ann"].id) == 0


def test_an_approval_after_the_balance_was_spent_elsewhere_writes_nothing(w):
    first, second = R.apply(w["ann"], w["check"], 1), R.apply(w["ann"], w["check"], 1)
    rice = R.create_item(w["street_admin"], w["street"], {"name": "大米", "points": 60, "stock": 9})
    R.approve(w["admin_a"], R.apply(w["ann"], rice, 1))  # 60 left: one check (50) more, not two
    R.approve(w["admin_a"], first)
    with pytest.raises(DomainError) as refused:
        R.approve(w["admin_a"], second)
    db.session.rollback()
    db.session.expire_all()
    assert refused.value.code == "insufficient_points"
    assert second.state == "pending" and w["check"].stock == 1 and balance(w["ann"].id) == 10


def test_an_approval_beyond_the_stock_writes_nothing(w):
    item = R.create_item(w["street_admin"], w["street"], {"name": "洗衣液", "points": 10, "stock": 1})
    first, second = R.apply(w["ann"], item, 1), R.apply(w["ann"], item, 1)
    R.approve(w["admin_a"], first)
    with pytest.raises(DomainError) as refused:
        R.approve(w["admin_a"], second)
    db.session.rollback()
    db.session.expire_all()
    assert refused.value.code == "out_of_stock" and second.state == "pending" and balance(w["ann"].id) == 110


def test_a_decline_needs_a_reason_and_deducts_nothing(w):
    redemption = R.apply(w["ann"], w["check"], 1)
    with pytest.raises(Invalid):
        R.decline(w["admin_a"], redemption, "  ")
    db.session.rollback()
    R.decline(w["admin_a"], redemption, "本月名额已满")
    assert redemption.state == "declined" and redemption.reason == "本月名额已满" and balance(w["ann"].id) == 120


def test_who_may_decide(w):
    redemption = R.apply(w["ann"], w["check"], 1)
    for outsider in (w["ann"], w["bob"], w["admin_b"]):  # the applicant, a neighbour, another community's admin
        with pytest.raises(Forbidden):
            R.approve(outsider, redemption)
        db.session.rollback()
    with pytest.raises(Forbidden):
        R.create_item(w["admin_a"], w["street"], {"name": "x", "points": 1})  # the catalogue is the street's


@pytest.mark.parametrize("quantity", ["1.5", "-1", "0", "11", "", "一"])
def test_bad_quantities_are_refused_beside_the_field(w, quantity):
    with pytest.raises(Invalid) as refused:
        R.apply(w["ann"], w["check"], quantity)
    assert "quantity" in refused.value.fields


@pytest.mark.parametrize(("field", "value"), [("points", "2.5"), ("points", "0"), ("points", -3), ("stock", "-1"),
                                              ("stock", 1.5), ("name", "")])
def test_bad_items_are_refused(w, field, value):
    data = {"name": "大米", "points": 10, "stock": 1, field: value}
    with pytest.raises(Invalid) as refused:
        R.create_item(w["street_admin"], w["street"], data)
    assert field in refused.value.fields


def test_only_residents_of_the_street_redeem_its_items(w):
    credit(w["dan"], 100)
    with pytest.raises(DomainError) as refused:
        R.apply(w["dan"], w["check"], 1)
    assert refused.value.code == "not_offered"


def test_the_stock_never_goes_below_zero_in_the_database(w):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(update(R.CatalogueItem).where(R.CatalogueItem.id == w["check"].id).values(stock=-1))
        db.session.flush()
    db.session.rollback()


def test_the_digest_counts_waiting_redemptions_for_each_approver(w):
    R.apply(w["ann"], w["check"], 1)
    R.apply(w["ann"], w["check"], 1)
    waiting = {(person_id, count) for person_id, _label, count, _url in approvals_waiting()}
    assert waiting == {(w["admin_a"].id, 2), (w["street_admin"].id, 2)}  # not admin_b: not her community
