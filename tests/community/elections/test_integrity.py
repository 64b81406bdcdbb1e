"""`flask integrity`: the audit log sealed in a keyed hash chain finds a row changed, deleted or slipped in
after sealing; the elections' recount is one of the checks; the command exits 1 and names the problem."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update

from app import db
from community import integrity
from community.audit.models import AuditEntry
from community.audit.services import record
from community.database import utcnow
from community.elections.models import BallotMark
from community.elections.services import voting
from tests.community.elections.conftest import count, make_voting

LATER = timedelta(hours=1)  # seal as if the margin had passed


@pytest.fixture
def logged(community):
    for n in range(12):
        record(None, "person.view", object_type="person", object_id=n, summary=f"第{n}条")
    db.session.commit()
    sealed = integrity.seal(utcnow() + LATER)
    assert sealed["audit_entry"] == db.session.scalar(select(db.func.count()).select_from(AuditEntry)) >= 12
    assert integrity.check() == []
    return db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()


def test_a_row_changed_deleted_or_slipped_in_after_sealing_is_found(logged):
    db.session.execute(update(AuditEntry).where(AuditEntry.id == logged[3]).values(summary="改过了"))
    problems = integrity.check()
    assert len(problems) == 1 and "封存后被改动" in problems[0] and f"{logged[0]}–{logged[-1]}" in problems[0]
    db.session.rollback()
    assert integrity.check() == []
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == logged[5]))
    assert f"现在 {len(logged) - 1} 条" in integrity.check()[0]
    db.session.rollback()
    db.session.execute(insert(AuditEntry), [{"id": logged[-1] + 1000, "action": "x", "created_at": utcnow()}])
    assert integrity.check() == []  # beyond the sealed range: not yet sealed, not a problem
    db.session.rollback()


def test_rows_are_sealed_once_and_only_when_old_enough(logged):
    assert integrity.seal(utcnow() + LATER)["audit_entry"] == 0  # nothing new
    record(None, "person.view", object_type="person", object_id=99)
    db.session.commit()
    assert integrity.seal(utcnow())["audit_entry"] == 0  # younger than the margin: a transaction may be open
    assert integrity.seal(utcnow() + LATER)["audit_entry"] == 1
    seals = db.session.scalars(select(integrity.IntegritySeal).order_by(integrity.IntegritySeal.id)).all()
    assert [(s.after_id, s.previous_id) for s in seals][1] == (seals[0].last_id, seals[0].id)
    assert integrity.check() == []


def test_the_chain_is_keyed(app, logged):
    """Who can write to the database but lacks the key cannot re-seal what they changed."""
    secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = secret + "-other"
    try:
        assert integrity.check() != []
    finally:
        app.config["SECRET_KEY"] = secret


def test_the_command_runs_the_recount_and_exits_1_on_a_difference(runner, community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=3)
    for voter in voters:
        voting.cast_ballot(voter, election, [a.id])
    count(election)
    db.session.commit()
    result = runner.invoke(args=["integrity", "check"])
    assert result.exit_code == 0 and "未发现差异" in result.output, result.output
    ballot = db.session.scalar(text("SELECT ballot_id FROM ballot_mark LIMIT 1"))
    db.session.execute(update(BallotMark).where(BallotMark.ballot_id == ballot).values(candidate_id=b.id))
    db.session.commit()
    result = runner.invoke(args=["integrity", "check"])
    assert result.exit_code == 1 and "选票" in result.output and election.title in result.output, result.output
