"""Factories for election tests: an election at any step, with its committee, roll and candidates."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import db
from community.database import utcnow
from community.elections.models import Election
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, roll, setup
from tests.factories import grant, make_admin, make_person

ZERO_TIMELINE = {"roll_days_before": 0, "candidates_days_before": 0}


def make_election(community, admin=None, seats: int = 2, committee: int = 7, **overrides) -> Election:
    """A draft election with its committee appointed; voting opened a minute ago and closes in a day."""
    admin = admin or make_admin("community_admin", ("community", community.id), community)
    now = utcnow()
    data = {"title": "测试选举", "seats": seats, "voting_opens_at": now - timedelta(minutes=1),
            "voting_closes_at": now + timedelta(days=1), **ZERO_TIMELINE}
    data.update(overrides)
    election = setup.create_election(admin, community, data)
    for n in range(committee):
        setup.appoint(admin, election, make_person(community, name=f"委员{n}"), "election_committee")
    election.test_admin = admin
    return election


def make_voters(election, community, n: int, **person) -> list:
    """n eligible local residents put on the roll."""
    admin = election.test_admin
    voters = []
    for i in range(n):
        voter = make_person(community, name=f"选民{i}", **person)
        roll.add_voter(admin, election, voter)
        voters.append(voter)
    return voters


def make_voting(community, seats: int = 2, n_voters: int = 5, n_candidates: int = 3, **overrides):
    """An election open for voting: (election, voters, candidates); candidates are among the voters."""
    election = make_election(community, seats=seats, **overrides)
    voters = make_voters(election, community, n_voters)
    candidates = [cands.add_candidate(election.test_admin, election, v) for v in voters[:n_candidates]]
    lifecycle.change_status(election.test_admin, election, "voting")
    return election, voters, candidates


@pytest.fixture
def community(places):
    return places["east"]


@pytest.fixture
def born_adult():
    return date(1990, 1, 1)


def committee_member(election):
    """A person holding election_committee for this election."""
    person = make_person(None, name="委员")
    grant(person, "election_committee", "election", election.id)
    db.session.commit()
    return person


def supervisor_shares(election, how_many: int | None = None) -> list[str]:
    """The shares of the current round's key as `how_many` supervisors (default k) write them down."""
    from sqlalchemy import select

    from community.elections.sealed_models import KeyShare
    from community.elections.services import ballot_key
    from community.people.models import Person

    key = ballot_key.round_key(election)
    rows = db.session.scalars(select(KeyShare).where(KeyShare.election_id == election.id,
                                                     KeyShare.round_no == key.round_no)
                              .order_by(KeyShare.number)).all()
    seen = election.__dict__.setdefault("test_shares", {})  # what the supervisors wrote down
    texts = []
    for row in rows[:how_many or key.threshold]:
        if (row.round_no, row.number) not in seen:
            person = db.session.get(Person, row.holder_id)
            seen[(row.round_no, row.number)] = ballot_key.reveal_share(person, election)["share"]
        texts.append(seen[(row.round_no, row.number)])
    return texts


def open_ballots(election) -> dict:
    """k supervisors open the closed round's sealed ballots."""
    from community.elections.services import ballot_key

    return ballot_key.open_ballots(election.test_admin, election, supervisor_shares(election))


def count(election, now=None) -> None:
    """Close voting if open, open the sealed ballots with k shares, and count."""
    from community.elections.services import ballot_key

    now = now or utcnow() + timedelta(days=2)
    if election.status == "voting":
        lifecycle.change_status(election.test_admin, election, "closed", now=now)
    key = ballot_key.round_key(election)
    if key is not None and key.opened_at is None:
        open_ballots(election)
    lifecycle.change_status(election.test_admin, election, "counted", now=now)
