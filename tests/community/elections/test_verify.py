"""tally.verify must find tampering, not merely return nothing: each test alters what is stored after
the count and expects verify (and the published results' integrity_problems) to name it."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from app import db
from community.elections.models import Ballot, BallotMark
from community.elections.sealed_models import BallotKey, BallotReceipt, SealedBallot
from community.elections.services import tally, voting
from tests.community.elections.conftest import count, make_voting


@pytest.fixture(autouse=True)
def english(app):
    """The problems are sentences in the reader's language; these tests read the English ones."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def counted(community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    for voter, chosen in zip(voters, [[a, b], [a, b], [a, c], [b], [c]], strict=True):
        voting.cast_ballot(voter, election, [x.id for x in chosen])
    count(election)
    assert tally.verify(election) == []
    return election, (a, b, c)


def _a_ballot_without(candidate_id: int) -> str:
    marked = select(BallotMark.ballot_id).where(BallotMark.candidate_id == candidate_id)
    return db.session.scalar(select(Ballot.id).where(Ballot.id.not_in(marked)).limit(1))


def test_verify_finds_a_mark_added_to_a_stored_ballot(counted):
    election, (a, b, c) = counted
    db.session.execute(insert(BallotMark), [{"ballot_id": _a_ballot_without(c.id), "candidate_id": c.id}])
    problems = tally.verify(election)
    assert problems == [f"Round 1: the recount for candidate {c.id} differs"]
    assert tally.results(election)["integrity_problems"] == []  # the page does not recount: the last check holds
    assert tally.check(election) == problems  # the hourly check (and `flask integrity check`) stores it
    assert tally.results(election)["integrity_problems"] == problems


def test_verify_finds_a_mark_removed(counted):
    election, (a, b, c) = counted
    marked_a = db.session.scalar(select(BallotMark.ballot_id).where(BallotMark.candidate_id == a.id).limit(1))
    db.session.execute(delete(BallotMark).where(BallotMark.candidate_id == a.id, BallotMark.ballot_id == marked_a))
    assert tally.verify(election) == [f"Round 1: the recount for candidate {a.id} differs"]


def test_verify_finds_a_ballot_deleted(counted):
    election, (a, b, c) = counted
    victim = _a_ballot_without(b.id)  # the ballot marking only c
    db.session.execute(delete(BallotMark).where(BallotMark.ballot_id == victim))
    db.session.execute(delete(Ballot).where(Ballot.id == victim))
    problems = tally.verify(election)
    assert "Round 1: 4 ballots stored, 5 counted" in problems
    assert f"Round 1: the recount for candidate {c.id} differs" in problems


def test_verify_finds_a_ballot_made_void(counted):
    election, (a, b, c) = counted
    db.session.execute(update(Ballot).where(Ballot.id == _a_ballot_without(a.id)).values(is_void=True))
    problems = tally.verify(election)
    assert "Round 1: 1 void ballots stored, 0 counted" in problems and len(problems) >= 2


def test_verify_finds_a_stuffed_ballot_or_receipt(counted):
    election, (a, b, c) = counted
    db.session.execute(insert(BallotReceipt), [{"receipt": "STUFFED23456", "election_id": election.id,
                                                "round_no": 1}])
    assert tally.verify(election) == ["Round 1: 6 receipts on the board, 5 ballots opened"]
    db.session.rollback()
    db.session.execute(insert(SealedBallot), [{"id": "f" * 32, "election_id": election.id, "round_no": 1,
                                               "sealed": b"x" * 100}])
    assert tally.verify(election) == ["Round 1: 1 sealed ballots were never opened"]
    db.session.rollback()
    db.session.execute(update(BallotKey).values(receipt_mismatches=1))
    assert tally.verify(election) == ["Round 1: 0 sealed ballots did not open, 1 receipts differ from the board"]


def test_the_problems_read_in_chinese_by_default(counted, app):
    from flask_babel import force_locale

    election, (a, b, c) = counted
    db.session.execute(update(BallotKey).values(receipt_mismatches=1))
    with force_locale("zh_Hans_CN"):
        assert tally.verify(election) == ["第 1 轮：0 张密封选票未能打开，1 张回执与公示板不符"]


def test_results_never_read_the_ballots(counted, app):
    """The results (page and API) show the stored tally and the last check: no statement touches the ballots."""
    from sqlalchemy import event

    election, _ = counted
    db.session.expire_all()
    statements = []
    listen = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        result = tally.results(election)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert result["integrity_checked_at"] is not None and result["integrity_problems"] == []
    touched = [s for s in statements if any(t in s for t in ("ballot_mark", "FROM ballot ", "sealed_ballot"))]
    assert statements and touched == []


def test_the_hourly_job_stores_what_it_finds_and_the_command_reports_it(counted, runner):
    election, (a, b, c) = counted
    db.session.execute(insert(BallotMark), [{"ballot_id": _a_ballot_without(c.id), "candidate_id": c.id}])
    db.session.commit()
    result = runner.invoke(args=["integrity", "check"])  # the command reports, it does not store
    assert result.exit_code == 1 and f"candidate {c.id} differs" in result.output
    db.session.expire_all()
    assert tally.results(election)["integrity_problems"] == []
    tally.check_task(None, "2026-12-04T10:00:00+00:00")
    db.session.expire_all()
    result = tally.results(election)
    assert result["integrity_problems"] == [f"Round 1: the recount for candidate {c.id} differs"]
    assert result["integrity_checked_at"].isoformat().startswith("2026-12-04T10:00:00")
