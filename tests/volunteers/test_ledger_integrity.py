"""`flask integrity check` on the ledger: totals that are not the sum of their entries are named, and an
entry changed behind the triggers' back breaks the sealed hash chain."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text, update

from app import db
from community import integrity
from community.database import unit_of_work, utcnow
from volunteers.ledger import PointsAccount, post_entry


def _post(person, amount, source_id):
    with unit_of_work():
        return post_entry(person.id, amount, "grant", source_type="test", source_id=source_id, hours=1, reason="x")


def test_totals_that_differ_from_the_entries_are_named(points_world, runner):
    ann, bob = points_world["ann"], points_world["bob"]
    _post(ann, 30, 1)
    _post(bob, 5, 2)
    assert [p for p in integrity.check() if "积分流水" in p or "ledger" in p.lower()] == []
    db.session.execute(update(PointsAccount).where(PointsAccount.person_id == ann.id).values(balance=300))
    db.session.commit()
    problems = integrity.check()
    assert len(problems) == 1 and ann.name in problems[0] and "300" in problems[0] and "30" in problems[0]
    result = runner.invoke(args=["integrity", "check"])
    assert result.exit_code == 1 and ann.name in result.output


def test_an_entry_changed_behind_the_triggers_is_found_by_the_chain(points_world):
    ann = points_world["ann"]
    entry = _post(ann, 30, 1)
    _post(ann, 10, 2)
    assert integrity.seal(utcnow() + timedelta(hours=1))["ledger_entry"] == 2
    assert integrity.check() == []
    # Someone with the database's own rights lifts the append-only guard and edits both an entry and the totals.
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER ledger_entry_no_update"))
    db.session.execute(text("UPDATE ledger_entry SET amount = 300 WHERE id = :id"), {"id": entry.id})
    db.session.execute(update(PointsAccount).where(PointsAccount.person_id == ann.id).values(balance=310))
    problems = integrity.check()
    assert len(problems) == 1 and "封存后被改动" in problems[0]  # the totals agree now; the chain does not
    db.session.rollback()
