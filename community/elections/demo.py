"""Demo elections for `flask seed-demo`: Juexi's 2019 selection (published) and one open for voting."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from app import db
from community.database import parse_local, utcnow
from community.elections import ballot_crypto
from community.elections.models import (
    Candidate,
    Election,
    ElectionRound,
    ElectionStep,
    Nomination,
    Participation,
    RoundTally,
    VoterRecord,
    new_receipt,
    random_key,
)
from community.elections.rules import eligibility_problems
from community.elections.sealed_models import BallotReceipt, SealedBallot
from community.elections.services import ballot_key
from community.elections.services.setup import new_election
from community.elections.services.tally import count_current_round
from community.people.models import Person
from community.roles.models import RoleGrant

NOTE_2019 = ("Of the 18 new representatives, 12 were mobile party members (流动党员); "
             "party membership is shown once branch rosters exist.")


def _election(community, admin, **values) -> Election:
    election = new_election(community_id=community.id, created_by_id=admin.id, **values)
    db.session.add(election)
    db.session.flush()
    return election


def _roll(election: Election, residents: list[Person], admin, day: date, at: datetime) -> list[Person]:
    voters = [p for p in residents if not eligibility_problems(p, election, day)]
    for person in voters:
        db.session.add(VoterRecord(election_id=election.id, person_id=person.id, term=election.term,
                                   status="registered", is_migrant=person.is_migrant,
                                   promise_signed=person.is_migrant, added_by_id=admin.id, added_at=at,
                                   approved_by_id=admin.id if person.is_migrant else None,
                                   approved_at=at if person.is_migrant else None))
    return voters


def _committee(election: Election, people: list[Person], admin) -> None:
    for person in people:
        db.session.add(RoleGrant(person_id=person.id, role="election_committee", scope_type="election",
                                 scope_id=election.id, granted_by_id=admin.id))


# Introductions as a committee would write them (the demo's candidates take them in turn).
INTRODUCTIONS = [("针织厂质检员", "为新居民子女积分入学多跑腿，每月在幸福驿站听大家说事。", "mobile"),
                 ("社区网格员", "把楼道照明和车棚修好，有事找我，当天回话。", "member"),
                 ("快递站站长", "组织志愿者帮老人取件送药。", ""),
                 ("退休教师", "办好周末作业辅导班，新老居民的孩子一起来。", "member")]


def _candidates(election: Election, people: list[Person], admin, at: datetime) -> list[Candidate]:
    rows = []
    for n, person in enumerate(people):
        occupation, statement, party = INTRODUCTIONS[n % len(INTRODUCTIONS)]
        nomination = Nomination(election_id=election.id, nominee_id=person.id, kind="committee",
                                submitted_by_id=admin.id, submitted_at=at)
        db.session.add(nomination)
        db.session.flush()
        rows.append(Candidate(election_id=election.id, person_id=person.id, nomination_id=nomination.id,
                              added_by_id=admin.id, added_at=at, occupation=occupation, statement=statement,
                              party=party))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _steps(election: Election, admin, moments: dict, note: str = "") -> None:
    for status, at in moments.items():
        db.session.add(ElectionStep(election_id=election.id, status=status, round_no=election.current_round,
                                    actor_id=admin.id, at=at, note=note if status == "published" else ""))


def _cast_sealed(election: Election, key, seats: int, chosen: list[int]) -> None:
    """A ballot as cast online: sealed to the round's key, its receipt on the board."""
    receipt = new_receipt()
    db.session.add(SealedBallot(id=random_key(), election_id=election.id, round_no=key.round_no,
                                sealed=ballot_crypto.seal_ballot(key.public_key, seats, receipt, chosen)))
    db.session.add(BallotReceipt(receipt=receipt, election_id=election.id, round_no=key.round_no))


def _juexi_2019(context: dict) -> None:
    """东门社区 2019: 18 seats, 24 candidates (many new residents), counted and published."""
    rng, admin = context["rng"], context["admin"]
    community = context["communities"][0]
    local = lambda day, hour=9: parse_local(datetime(day.year, day.month, day.day, hour))  # noqa: E731
    vote_day = date(2019, 6, 16)
    election = _election(community, admin, title="2019年东门社区居民代表推选", term="2019", seats=18,
                         voting_opens_at=local(vote_day, 8), voting_closes_at=local(vote_day, 17),
                         roll_published_at=local(date(2019, 5, 20)), nominating_at=local(date(2019, 5, 26)),
                         candidates_published_at=local(date(2019, 6, 5)), closed_at=local(vote_day, 17),
                         status="closed", current_round=1)
    residents = [p for p in context["people"] if p.community_id == community.id]
    for person in residents:  # most of Dongmen's new residents had settled here well before 2019
        if person.is_migrant and rng.random() < 0.75:
            settled = date(rng.randint(2008, 2017), rng.randint(1, 12), rng.randint(1, 28))
            person.living_since_on = min(person.living_since_on or settled, settled)
    voters = _roll(election, residents, admin, vote_day, election.roll_published_at)
    locals_ = [p for p in voters if not p.is_migrant]
    migrants = [p for p in voters if p.is_migrant]
    _committee(election, locals_[:7], admin)
    # As in the newspaper story, 12 of the 18 elected are new residents (there: mobile party members).
    favoured = migrants[:12] + locals_[7:13]
    others = migrants[12:15] + locals_[13:16]
    candidates = _candidates(election, favoured + others, admin, election.candidates_published_at)
    round_ = ElectionRound(election_id=election.id, number=1, stage="first", seats=18, status="closed",
                           opens_at=election.voting_opens_at, closes_at=election.voting_closes_at)
    round_.tallies = [RoundTally(candidate_id=c.id) for c in candidates]
    db.session.add(round_)
    popularity = {c.id: (rng.uniform(0.66, 0.92) if n < len(favoured) else rng.uniform(0.15, 0.4))
                  for n, c in enumerate(candidates)}
    turnout = [v for v in voters if rng.random() < 0.86]
    for voter in turnout:
        db.session.add(Participation(election_id=election.id, round_no=1, voter_id=voter.id,
                                     channel="paper" if rng.random() < 0.4 else "online"))
    # The key ceremony as it happened: the key was dealt when voting opened, each ballot sealed to it,
    # and at the count a majority of the supervisors typed their shares in to open the ballots.
    db.session.flush()
    key = ballot_key.deal_round_key(election, 1, election.voting_opens_at)
    for _voter in sorted(turnout, key=lambda _v: rng.random()):
        chosen = sorted((cid for cid, p in popularity.items() if rng.random() < p), key=popularity.get)[-18:]
        _cast_sealed(election, key, 18, chosen)
    db.session.flush()
    shares = ballot_key.ceremony_shares(election, 1, key.threshold, local(vote_day, 18))
    ballot_key.open_round_ballots(admin, election, round_, key, shares, local(vote_day, 18))
    count_current_round(election, local(vote_day, 19))
    election.status, election.published_at = "published", local(date(2019, 6, 17), 10)
    round_.next_plan = None
    _steps(election, admin, {"draft": local(date(2019, 5, 10)), "roll_published": election.roll_published_at,
                             "nominating": election.nominating_at,
                             "candidates_published": election.candidates_published_at,
                             "voting": election.voting_opens_at, "closed": election.closed_at,
                             "counted": election.counted_at, "published": election.published_at}, NOTE_2019)


def _dongmen_open(context: dict) -> None:
    """东门社区 this year: 5 seats, 7 candidates, voting open now; the demo resident 李晓 is on the roll."""
    rng, admin = context["rng"], context["admin"]
    community = context["communities"][0]
    now = utcnow().replace(microsecond=0)
    election = _election(community, admin, title=f"{now.year}年东门社区居民代表推选", term=str(now.year), seats=5,
                         voting_opens_at=now - timedelta(hours=2), voting_closes_at=now + timedelta(days=2),
                         roll_published_at=now - timedelta(days=22),
                         nominating_at=now - timedelta(days=18), candidates_published_at=now - timedelta(days=7),
                         status="voting", current_round=1)
    residents = [p for p in context["people"] if p.community_id == community.id]
    demo = {label.split()[0]: person for label, person in context["demo_logins"]}
    voters = _roll(election, residents[:60] + [demo["居民"]], admin, election.voting_day,
                   election.roll_published_at)
    committee = [p for p in voters if not p.is_migrant][:7]
    _committee(election, committee, admin)
    password_hash = context["password_hash"]
    counter = Person(name="吴计票", phone="13800000032", password_hash=password_hash, hukou_place="浙江省宁波市象山县",
                     community_id=community.id, gender="F", born_on=date(1975, 3, 8), living_since_on=date(1975, 3, 8))
    member = Person(name="周委员", phone="13800000031", password_hash=password_hash, hukou_place="浙江省宁波市象山县",
                    community_id=community.id, gender="M", born_on=date(1968, 9, 1), living_since_on=date(1968, 9, 1))
    db.session.add_all([counter, member])
    db.session.flush()
    db.session.add(RoleGrant(person_id=counter.id, role="counter", scope_type="election", scope_id=election.id,
                             granted_by_id=admin.id))
    db.session.add(RoleGrant(person_id=member.id, role="election_committee", scope_type="election",
                             scope_id=election.id, granted_by_id=admin.id))
    context["demo_logins"] += [("选举委员会 election committee", member), ("计票人 counter", counter)]
    pool = [p for p in voters if p not in committee and p is not demo["居民"]]
    candidates = _candidates(election, pool[:7], admin, election.candidates_published_at)
    round_ = ElectionRound(election_id=election.id, number=1, stage="first", seats=5, status="voting",
                           opens_at=election.voting_opens_at, closes_at=election.voting_closes_at)
    round_.tallies = [RoundTally(candidate_id=c.id) for c in candidates]
    db.session.add(round_)
    db.session.flush()
    # Voting opened with the key ceremony: each supervisor (the committee and the counter) sees their share
    # once on their own page; the demo logins 周委员 and 吴计票 hold two of them.
    key = ballot_key.deal_round_key(election, 1, election.voting_opens_at)
    early = [v for v in pool[7:] if rng.random() < 0.3]
    for voter in early:
        db.session.add(Participation(election_id=election.id, round_no=1, voter_id=voter.id, channel="online"))
    for _voter in early:
        _cast_sealed(election, key, 5, sorted(c.id for c in rng.sample(candidates, 4)))
    _steps(election, admin, {"draft": now - timedelta(days=30), "roll_published": election.roll_published_at,
                             "nominating": election.nominating_at,
                             "candidates_published": election.candidates_published_at,
                             "voting": election.voting_opens_at})


def seed_elections(context: dict) -> None:
    """Add the demo elections (called by `flask seed-demo` after places and people)."""
    _juexi_2019(context)
    _dongmen_open(context)
    db.session.flush()
