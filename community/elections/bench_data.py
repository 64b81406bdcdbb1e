"""`flask bench-data`: the elections of the big new-residents' community (community 1).

* Last year's selection of residents' representatives, 100,000 voters on the roll (those the app's own
  eligibility rule admits), 9 seats, 12 candidates, 86% turnout, counted and published: the ballots are stored
  as the opening of the sealed ballots leaves them (plaintext `Ballot` and `BallotMark` rows with fresh random
  keys in a random order, written by `write_shuffled`, a receipt on the board for each, the round's key marked
  opened with the count of ballots), then counted by the app's `count_current_round`. The sealing and opening
  themselves (one SealedBox per ballot) are skipped: what stays in the database afterwards is the same.
* This year's election, voting open now, with 10,000 voters (the bench resident among them), 5 seats,
  7 candidates and a dealt round key: the benchmark casts ballots in it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from app import db
from community.bench_data import Loader
from community.database import parse_local
from community.elections.models import (
    Candidate,
    ElectionRound,
    ElectionStep,
    Nomination,
    Participation,
    RoundTally,
    VoterRecord,
    new_receipt,
)
from community.elections.rules import eligibility_problems
from community.elections.sealed_models import BallotReceipt, KeyShare
from community.elections.services import ballot_key
from community.elections.services.setup import new_election
from community.elections.services.tally import count_current_round
from community.people.models import Person
from community.roles.models import RoleGrant


def _eligible(election, day: date, how_many: int) -> list[int]:
    """Ids of the first `how_many` people of the election's community whom the roll rules admit."""
    found = []
    statement = (select(Person).where(Person.community_id == election.community_id).order_by(Person.id)
                 .execution_options(yield_per=5000))
    for person in db.session.scalars(statement):
        eligible = not eligibility_problems(person, election, day)
        db.session.expunge(person)  # a hundred thousand people need not stay in the session
        if eligible:
            found.append(person.id)
            if len(found) == how_many:
                break
    return found


def _setup(loader: Loader, admin: int, voters: int, standing: int, **values):
    """An election, its roll (bulk), committee and candidates; returns (election, roll ids, candidates)."""
    election = new_election(community_id=1, created_by_id=admin, **values)
    db.session.add(election)
    db.session.flush()
    roll = _eligible(election, election.voting_day, voters)
    at = election.roll_published_at
    loader.write(VoterRecord.__table__, ("election_id", "person_id", "term", "status", "is_migrant", "promise_signed",
                                         "added_by_id", "added_at"),
                 ((election.id, pid, election.term, "registered", False, False, admin, at) for pid in roll))
    db.session.add_all(RoleGrant(person_id=pid, role="election_committee", scope_type="election",
                                 scope_id=election.id, granted_by_id=admin) for pid in roll[:7])
    candidates = []
    for pid in roll[7:7 + standing]:
        nomination = Nomination(election_id=election.id, nominee_id=pid, kind="committee", submitted_by_id=admin,
                                submitted_at=election.candidates_published_at)
        db.session.add(nomination)
        db.session.flush()
        candidates.append(Candidate(election_id=election.id, person_id=pid, nomination_id=nomination.id,
                                    added_by_id=admin, added_at=election.candidates_published_at,
                                    occupation="社区居民", statement="为新老居民办实事。"))
    db.session.add_all(candidates)
    db.session.flush()
    round_ = ElectionRound(election_id=election.id, number=1, stage="first", seats=values["seats"],
                           status="closed" if values["status"] == "closed" else "voting",
                           opens_at=election.voting_opens_at, closes_at=election.voting_closes_at)
    round_.tallies = [RoundTally(candidate_id=c.id) for c in candidates]
    db.session.add(round_)
    db.session.flush()
    return election, roll, candidates, round_


def _steps(election, admin: int, moments: dict) -> None:
    db.session.add_all(ElectionStep(election_id=election.id, status=status, round_no=1, actor_id=admin, at=at)
                       for status, at in moments.items())


def _counted(loader: Loader, admin: int) -> None:
    rng = loader.rng
    year = loader.now.year - 1
    day = date(year, 6, 15)
    local = lambda d, hour=9: parse_local(datetime(d.year, d.month, d.day, hour))  # noqa: E731
    election, roll, candidates, round_ = _setup(
        loader, admin, loader.n(100_000, 40), 12, title=f"{year}年第一社区居民代表推选", term=str(year), seats=9,
        voting_opens_at=local(day, 8), voting_closes_at=local(day, 17), roll_published_at=local(day - timedelta(30)),
        nominating_at=local(day - timedelta(25)), candidates_published_at=local(day - timedelta(10)),
        closed_at=local(day, 17), status="closed", current_round=1)
    voted = [pid for pid in roll if rng.random() < 0.86]
    loader.write(Participation.__table__, ("election_id", "round_no", "voter_id", "channel"),
                 ((election.id, 1, pid, "online") for pid in voted))
    key = ballot_key.deal_round_key(election, 1, election.voting_opens_at)
    popularity = [rng.uniform(0.55, 0.9) if n < 9 else rng.uniform(0.1, 0.45) for n in range(len(candidates))]
    ballots = []
    for _pid in voted:
        chosen = sorted((c.id for c, p in zip(candidates, popularity, strict=True) if rng.random() < p))[:9]
        ballots.append((False, chosen))
    ballot_key.write_shuffled(election, 1, ballots)
    receipts = set()
    while len(receipts) < len(ballots):
        receipts.add(new_receipt())
    loader.write(BallotReceipt.__table__, ("receipt", "election_id", "round_no"),
                 ((receipt, election.id, 1) for receipt in receipts))
    board = db.session.scalar(select(db.func.count()).select_from(BallotReceipt)
                              .where(BallotReceipt.election_id == election.id))
    opened = local(day, 18)
    key.opened_at, key.opened_by_id, key.opened_count = opened, admin, board
    key.unreadable, key.receipt_mismatches, key.wrapped_private_key = 0, len(ballots) - board, None
    db.session.execute(update(KeyShare).where(KeyShare.election_id == election.id).values(held=None))
    count_current_round(election, local(day, 19))
    election.status, election.published_at = "published", local(day + timedelta(1), 10)
    round_.next_plan = None
    _steps(election, admin, {"draft": local(day - timedelta(40)), "roll_published": election.roll_published_at,
                             "nominating": election.nominating_at,
                             "candidates_published": election.candidates_published_at,
                             "voting": election.voting_opens_at, "closed": election.closed_at,
                             "counted": election.counted_at, "published": election.published_at})
    loader.context["counted_election"] = election.id


def _open(loader: Loader, admin: int) -> None:
    now = loader.now
    election, roll, _candidates, _round = _setup(
        loader, admin, loader.n(10_000, 20), 7, title=f"{now.year}年第一社区居民代表推选", term=str(now.year),
        seats=5, voting_opens_at=now - timedelta(hours=2), voting_closes_at=now + timedelta(days=30),
        roll_published_at=now - timedelta(days=22), nominating_at=now - timedelta(days=18),
        candidates_published_at=now - timedelta(days=7), status="voting", current_round=1)
    ballot_key.deal_round_key(election, 1, election.voting_opens_at)
    _steps(election, admin, {"draft": now - timedelta(days=30), "roll_published": election.roll_published_at,
                             "nominating": election.nominating_at,
                             "candidates_published": election.candidates_published_at,
                             "voting": election.voting_opens_at})
    loader.context["open_election"] = election.id
    loader.context["logins"].append((f"选民 voter (open election {election.id})", roll[-1]))


def load_elections(loader: Loader) -> None:
    admin = loader.context["staff"][0]
    _counted(loader, admin)
    _open(loader, admin)
