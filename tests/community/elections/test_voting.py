"""Casting ballots: secrecy, receipts, and every refused attempt leaving nothing but an audit row."""
from datetime import timedelta

from sqlalchemy import func, inspect, select

from app import db
from community.audit.models import AuditEntry
from community.database import utcnow
from community.elections.models import Ballot, BallotMark, Participation
from community.elections.sealed_models import BallotReceipt, SealedBallot
from community.elections.services import voting
from tests.community.elections.conftest import make_voting
from tests.factories import make_person, token_for


def counts():
    """(sealed ballots, participations, receipts) while voting."""
    return (db.session.scalar(select(func.count()).select_from(SealedBallot)),
            db.session.scalar(select(func.count()).select_from(Participation)),
            db.session.scalar(select(func.count()).select_from(BallotReceipt)))


def refusals(code):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("election.%_refused"))).all()


def test_ballot_table_cannot_link_a_voter_to_a_choice(app):
    def columns(table):
        return {c["name"] for c in inspect(db.engine).get_columns(table)}

    assert columns("ballot") == {"id", "election_id", "round_no", "is_void"}  # no receipt beside the marks
    assert columns("ballot_mark") == {"ballot_id", "candidate_id"}
    assert columns("sealed_ballot") == {"id", "election_id", "round_no", "sealed"}
    assert columns("ballot_receipt") == {"receipt", "election_id", "round_no"}
    for table in ("ballot", "sealed_ballot"):
        assert inspect(db.engine).get_pk_constraint(table)["constrained_columns"] == ["id"]


def test_cast_ballot_api_returns_receipt_on_board(client, community):
    election, voters, candidates = make_voting(community)
    headers = token_for(client, voters[4])
    response = client.post(f"/api/v1/elections/{election.id}/ballots", headers=headers,
                           json={"candidate_ids": [candidates[0].id, candidates[1].id]})
    assert response.status_code == 201, response.json
    receipt = response.json["receipt"]
    assert counts() == (1, 1, 1)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0  # nothing readable while voting
    sealed = db.session.scalars(select(SealedBallot)).one()
    assert len(sealed.id) == 32 and receipt.encode() not in sealed.sealed
    board = client.get(f"/api/v1/elections/{election.id}/receipts", headers=headers).json
    assert board["items"] == [receipt]
    check = client.get(f"/api/v1/elections/{election.id}/receipts/{receipt}", headers=headers)
    assert check.status_code == 200 and check.json["found"]


def test_receipts_board_sorted_by_value(community):
    election, voters, candidates = make_voting(community)
    for voter in voters:
        voting.cast_ballot(voter, election, [candidates[0].id])
    board = voting.receipts(election)
    assert board == sorted(board) and len(board) == 5


def test_second_ballot_409_nothing_stored_audited(client, community):
    election, voters, candidates = make_voting(community)
    headers = token_for(client, voters[0])
    url = f"/api/v1/elections/{election.id}/ballots"
    assert client.post(url, headers=headers, json={"candidate_ids": [candidates[0].id]}).status_code == 201
    response = client.post(url, headers=headers, json={"candidate_ids": [candidates[1].id]})
    assert response.status_code == 409 and response.json["error"]["code"] == "already_voted"
    assert counts() == (1, 1, 1)
    rows = refusals("already_voted")
    assert len(rows) == 1 and rows[0].actor_id == voters[0].id and rows[0].detail == {"rule": "already_voted"}


def test_not_on_roll_403(client, community):
    election, _voters, candidates = make_voting(community)
    outsider = make_person(community)
    response = client.post(f"/api/v1/elections/{election.id}/ballots", headers=token_for(client, outsider),
                           json={"candidate_ids": [candidates[0].id]})
    assert response.status_code == 403 and response.json["error"]["code"] == "not_on_roll"
    assert counts() == (0, 0, 0) and len(refusals("not_on_roll")) == 1


def test_too_many_marks_and_non_candidate_422(client, community):
    election, voters, candidates = make_voting(community, seats=2)
    headers = token_for(client, voters[3])
    url = f"/api/v1/elections/{election.id}/ballots"
    response = client.post(url, headers=headers, json={"candidate_ids": [c.id for c in candidates]})
    assert response.status_code == 422 and response.json["error"]["code"] == "too_many_marks"
    response = client.post(url, headers=headers, json={"candidate_ids": [999999]})
    assert response.status_code == 422 and response.json["error"]["code"] == "not_a_candidate"
    assert counts() == (0, 0, 0) and len(refusals("x")) == 2
    bad = client.post(url, headers=headers, json={"candidate_ids": "nope"})
    assert bad.status_code == 400


def test_voting_outside_the_window_422(client, community):
    election, voters, candidates = make_voting(community)
    later = utcnow() + timedelta(days=2)
    try:
        voting.cast_ballot(voters[0], election, [candidates[0].id], now=later)
    except Exception as error:  # noqa: BLE001
        assert getattr(error, "code", None) == "not_voting"
    else:
        raise AssertionError("a ballot after closing was accepted")
    assert counts() == (0, 0, 0) and len(refusals("not_voting")) == 1


def test_forged_receipt_check_404_and_audited(client, community):
    election, voters, _c = make_voting(community)
    response = client.get(f"/api/v1/elections/{election.id}/receipts/FORGED123456",
                          headers=token_for(client, voters[0]))
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_receipt"
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "election.receipt_refused")).all()
    assert len(rows) == 1


def test_empty_ballot_is_an_abstention(community):
    from tests.community.elections.conftest import count

    election, voters, _c = make_voting(community)
    assert voting.cast_ballot(voters[0], election, [])
    assert counts() == (1, 1, 1)
    count(election)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(select(func.count()).select_from(BallotMark)) == 0


def test_no_hidden_row_order_on_sqlite(backend, community):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    if backend != "sqlite":
        pytest.skip("SQLite's hidden rowid")
    election, voters, candidates = make_voting(community)
    voting.cast_ballot(voters[0], election, [candidates[0].id])
    for table in ("ballot", "ballot_mark", "sealed_ballot", "ballot_receipt"):
        with pytest.raises(OperationalError):
            db.session.execute(text(f"SELECT rowid FROM {table}"))
        db.session.rollback()
