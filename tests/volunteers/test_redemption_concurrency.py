"""Simultaneous approvals on PostgreSQL (threads, each with its own session): the stock and the balance never go
below zero, and a redemption is approved once, whoever approves it at the same moment."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import DomainError
from community.people.models import Person
from tests.volunteers.uses_world import credit, small_world
from volunteers import redemptions as R
from volunteers.ledger import LedgerEntry, balance, ledger_sum


def _race(app, calls) -> list[str]:
    """Run `calls` [(actor_id, redemption_id)] at one barrier; each outcome: approved, or the refusal's code."""
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(len(calls)), [], threading.Lock()

    def approve(actor_id, redemption_id):
        with app.app_context():
            actor = db.session.get(Person, actor_id)
            redemption = db.session.get(R.Redemption, redemption_id)
            redemption.item, redemption.person  # noqa: B018  (loaded before the race)
            db.session.rollback()
            barrier.wait()
            try:
                R.approve(actor, redemption)
                outcome = "approved"
            except DomainError as refused:
                outcome = refused.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=approve, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.fixture
def w(backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    return small_world()


def test_the_last_item_in_stock_goes_to_one_of_many_approved_at_once(app, w):
    item = R.create_item(w["street_admin"], w["street"], {"name": "疗休养", "points": 10, "stock": 1})
    people = [w["ann"], w["bob"], w["admin_a"], w["admin_b"], w["street_admin"]]
    for person in people:
        credit(person, 50)
    pending = [R.apply(person, item, 1).id for person in people if person.community.street_id == w["street"].id]
    approvers, item_id = [w["street_admin"].id] * len(pending), item.id
    outcomes = _race(app, list(zip(approvers, pending, strict=True)))
    assert outcomes == ["approved"] + ["out_of_stock"] * (len(pending) - 1)
    assert db.session.get(R.CatalogueItem, item_id).stock == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "redemption")) == 1


def test_a_balance_for_one_redemption_pays_for_one_of_several_approved_at_once(app, w):
    credit(w["ann"], 100)
    items = [R.create_item(w["street_admin"], w["street"], {"name": f"项目{n}", "points": 80, "stock": 5})
             for n in range(6)]
    pending = [R.apply(w["ann"], item, 1).id for item in items]
    approvers, ann = [w["admin_a"].id, w["street_admin"].id] * 3, w["ann"].id
    outcomes = _race(app, list(zip(approvers, pending, strict=True)))
    assert outcomes == ["approved"] + ["insufficient_points"] * 5
    assert balance(ann) == 20 == ledger_sum(ann)[0]
    stock = db.session.scalars(select(R.CatalogueItem.stock).order_by(R.CatalogueItem.id)).all()
    assert sorted(stock) == [4, 5, 5, 5, 5, 5]  # the refused approvals gave their stock back (rolled back)


def test_one_redemption_approved_by_many_at_once_is_deducted_once(app, w):
    credit(w["ann"], 100)
    item = R.create_item(w["street_admin"], w["street"], {"name": "体检", "points": 30, "stock": 5})
    redemption, ann, item_id = R.apply(w["ann"], item, 1).id, w["ann"].id, item.id
    outcomes = _race(app, [(w["admin_a"].id, redemption), (w["street_admin"].id, redemption)] * 4)
    assert outcomes == ["already_decided"] * 7 + ["approved"]
    assert balance(ann) == 70 and db.session.get(R.CatalogueItem, item_id).stock == 4
