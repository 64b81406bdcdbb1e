"""The ledger is append-only: the database itself refuses UPDATE and DELETE of an entry, on both engines."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app import db
from volunteers.ledger import LedgerEntry, balance, post_entry


def _one_entry(person) -> int:
    entry = post_entry(person.id, 10, "grant", source_type="test", source_id=1, category="other", reason="试")
    db.session.commit()
    return entry.id


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entry SET amount = 1000 WHERE id = :id",
    "UPDATE ledger_entry SET reason = 'changed' WHERE id = :id",
    "DELETE FROM ledger_entry WHERE id = :id",
])
def test_the_database_refuses_to_change_or_remove_an_entry(points_world, statement):
    entry_id = _one_entry(points_world["ann"])
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement), {"id": entry_id})
    db.session.rollback()
    assert db.session.scalar(select(LedgerEntry.amount).where(LedgerEntry.id == entry_id)) == 10
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    assert balance(points_world["ann"].id) == 10


def test_the_orm_cannot_delete_an_entry_either(points_world):
    entry_id = _one_entry(points_world["ann"])
    db.session.delete(db.session.get(LedgerEntry, entry_id))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(LedgerEntry, entry_id) is not None
