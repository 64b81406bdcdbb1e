"""Counting a round from its ballots, planning the next round, and the published results."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import db
from community.database import utcnow
from community.elections.counting import count_round, second_round_field
from community.elections.models import Ballot, BallotMark, Candidate, Election, ElectionRound, Participation, RoundTally
from community.elections.rules import age_band
from community.elections.services.common import current_round, roll_counts
from community.errors import DomainError


def participants(election: Election, round_no: int) -> int:
    """How many voters took part in a round."""
    return db.session.scalar(select(func.count(Participation.id)).where(
        Participation.election_id == election.id, Participation.round_no == round_no))


def ballots_in(election: Election, round_no: int) -> tuple[int, int]:
    """(ballots, void ballots) of a round."""
    total, void = db.session.execute(select(func.count(Ballot.id), func.count(Ballot.id).filter(Ballot.is_void))
                                     .where(Ballot.election_id == election.id, Ballot.round_no == round_no)).one()
    return total, void


def recount(election: Election, round_no: int) -> dict[int, int]:
    """Votes per candidate, recomputed from the ballots themselves."""
    rows = db.session.execute(select(BallotMark.candidate_id, func.count()).join(
        Ballot, Ballot.id == BallotMark.ballot_id).where(
        Ballot.election_id == election.id, Ballot.round_no == round_no, Ballot.is_void.is_(False))
        .group_by(BallotMark.candidate_id)).all()
    return dict(rows)


def count_current_round(election: Election, now: datetime | None = None) -> ElectionRound:
    """Count the closed round (paper ballots included) and record what must happen next.

    Runs inside change_status' transaction; raises DomainError while paper entries differ.
    """
    from community.elections.services.ballot_key import is_opened, require_opened, retire_unopened_key
    from community.elections.services.paper import commit_paper_ballots

    round_ = current_round(election)
    if round_ is None or round_.status != "closed":
        raise DomainError(_("Close voting before counting."), code="wrong_status")
    require_opened(election, round_)
    if not is_opened(election, round_.number):  # a round without a key (before sealed ballots): paper now
        commit_paper_ballots(election, round_)
        retire_unopened_key(election, round_.number)  # no sealed ballot: the key and the unseen shares go
    registered, excused = roll_counts(election, round_.number)
    took_part = participants(election, round_.number)
    cast, void = ballots_in(election, round_.number)
    votes = recount(election, round_.number)
    standing = {t.candidate_id: t for t in round_.tallies}
    votes = {cid: votes.get(cid, 0) for cid in standing}
    outcome = count_round(stage=round_.stage, is_runoff=round_.is_runoff, seats=round_.seats,
                          registered=registered, excused=excused, participants=took_part, ballots_cast=cast,
                          votes=votes)
    round_.registered, round_.excused, round_.participants = registered, excused, took_part
    round_.ballots_returned, round_.void_ballots = cast, void
    round_.is_valid, round_.outcome = outcome.is_valid, outcome.reason
    for cid, tally in standing.items():
        tally.votes = votes[cid]
        tally.is_elected = cid in outcome.elected
    if outcome.elected:
        for candidate in db.session.scalars(select(Candidate).where(Candidate.id.in_(outcome.elected))):
            candidate.is_elected, candidate.elected_round = True, round_.number
    round_.next_plan = _plan(election, round_, outcome)
    round_.status = "counted"
    election.counted_at = now or utcnow()
    return round_


def _plan(election: Election, round_: ElectionRound, outcome) -> dict | None:
    """What the count calls for next: a repeat, a runoff, the second round, or nothing."""
    if not outcome.is_valid:
        return {"kind": "repeat", "seats": round_.seats,
                "candidate_ids": sorted(t.candidate_id for t in round_.tallies),
                "reason": outcome.reason}
    if outcome.runoff:
        return {"kind": "runoff", "seats": outcome.runoff_seats, "candidate_ids": sorted(outcome.runoff)}
    if outcome.unfilled and round_.stage == "first":
        first = db.session.scalar(select(ElectionRound).where(
            ElectionRound.election_id == election.id, ElectionRound.stage == "first",
            ElectionRound.is_runoff.is_(False), ElectionRound.is_valid.is_(True))
            .order_by(ElectionRound.number.desc()).limit(1))
        first_votes = {t.candidate_id: t.votes or 0 for t in first.tallies} if first else {}
        unelected = list(db.session.scalars(select(Candidate.id).where(
            Candidate.election_id == election.id, Candidate.is_elected.is_(False))))
        field = second_round_field(first_votes, unelected, outcome.unfilled, election.min_extra_candidates)
        if field:
            return {"kind": "second", "seats": outcome.unfilled, "candidate_ids": sorted(field)}
    return None


def rounds_of(election: Election) -> list[ElectionRound]:
    """Every round with its tallies and candidates loaded."""
    return db.session.scalars(select(ElectionRound).where(ElectionRound.election_id == election.id)
                              .options(selectinload(ElectionRound.tallies).selectinload(RoundTally.candidate)
                                       .selectinload(Candidate.person))
                              .order_by(ElectionRound.number)).all()


def composition(election: Election, elected: list[Candidate]) -> dict:
    """Who was elected: migrants, women, age bands, party members and mobile party members."""
    day = election.voting_day
    bands: dict[str, int] = {}
    for candidate in elected:
        band = age_band(candidate.person.age_on(day) if day else None)
        bands[band] = bands.get(band, 0) + 1
    return {
        "elected": len(elected),
        "migrants": sum(1 for c in elected if c.person.is_migrant),
        "women": sum(1 for c in elected if c.person.gender == "F"),
        "age_bands": {band: bands[band] for band in ("18-35", "36-50", "51-60", "61+", "unknown") if band in bands},
        **party_composition([c.person_id for c in elected]),
    }


def party_composition(person_ids: list[int]) -> dict:
    """Party members and mobile party members among `person_ids`, from the sources the branch rosters register
    (`registry.party_membership_source`); None for both when no package keeps rosters."""
    from community.registry import registry

    sources = registry().party_membership_sources
    if not sources:
        return {"party_members": None, "mobile_party_members": None}
    found: dict[int, str] = {}
    for source in sources:
        for person_id, kind in source(person_ids).items():
            if found.get(person_id) != "mobile":  # a person counted mobile by any source stays mobile
                found[person_id] = kind
    return {"party_members": len(found), "mobile_party_members": sum(1 for k in found.values() if k == "mobile")}


def results(election: Election) -> dict:
    """The published result: first-round figures, each candidate's votes, every round, composition."""
    rounds = rounds_of(election)
    counted = [r for r in rounds if r.status == "counted"]
    first = next((r for r in counted if r.stage == "first" and not r.is_runoff and r.is_valid), None) \
        or (counted[0] if counted else None)
    candidates = db.session.scalars(select(Candidate).where(Candidate.election_id == election.id)
                                    .options(selectinload(Candidate.person)).order_by(Candidate.id)).all()
    first_votes = {t.candidate_id: t.votes for t in first.tallies} if first else {}
    elected = [c for c in candidates if c.is_elected]
    pending = bool(counted and counted[-1].next_plan)
    registered = first.registered if first else roll_counts(election)[0]
    excused = (first.excused or 0) if first else 0
    base = max((registered or 0) - excused, 0)  # the turnout base the validity decision used
    tallies = sorted(({"candidate_id": c.id, "person_id": c.person_id, "name": c.person.name,
                       "votes": first_votes.get(c.id) or 0, "elected": c.is_elected,
                       "elected_round": c.elected_round, "is_migrant": c.person.is_migrant}
                      for c in candidates), key=lambda t: (-t["votes"], t["candidate_id"]))
    return {
        "election_id": election.id,
        "status": election.status,
        "seats": election.seats,
        "registered": registered or 0,
        "excused": excused,
        "turnout_base": base,
        "ballots_cast": first.ballots_returned if first else 0,
        "participants": first.participants if first else 0,
        "void_ballots": first.void_ballots if first else 0,
        "turnout": round((first.ballots_returned or 0) / base, 4) if first and base else 0.0,
        "valid": bool(first and first.is_valid),
        "tallies": tallies,
        "vacancies": 0 if pending else election.seats - len(elected),
        "next_round_due": pending,
        "rounds": [{"number": r.number, "stage": r.stage, "is_runoff": r.is_runoff, "seats": r.seats,
                    "status": r.status, "registered": r.registered, "excused": r.excused,
                    "turnout_base": None if r.registered is None else max(r.registered - (r.excused or 0), 0),
                    "participants": r.participants,
                    "ballots_cast": r.ballots_returned, "void_ballots": r.void_ballots, "valid": r.is_valid,
                    "outcome": r.outcome, "next_plan": r.next_plan,
                    "tallies": sorted(({"candidate_id": t.candidate_id, "name": t.candidate.person.name,
                                        "votes": t.votes, "elected": t.is_elected} for t in r.tallies),
                                      key=lambda t: (-(t["votes"] or 0), t["candidate_id"]))}
                   for r in rounds],
        "composition": composition(election, elected),
        "integrity_problems": in_words(election.check_problems or []),  # the last check's, never recounted here
        "integrity_checked_at": election.checked_at,
    }


# What a recount can find, by kind: stored as [kind, params] (Election.check_problems) and put into words in
# the reader's language when shown.
PROBLEMS = {
    "unopened": _l("Round %(round)s: %(n)s sealed ballots were never opened"),
    "board": _l("Round %(round)s: %(board)s receipts on the board, %(opened)s ballots opened"),
    "unreadable": _l("Round %(round)s: %(unreadable)s sealed ballots did not open, %(differ)s receipts "
                     "differ from the board"),
    "stored": _l("Round %(round)s: %(stored)s ballots stored, %(counted)s counted"),
    "void": _l("Round %(round)s: %(stored)s void ballots stored, %(counted)s counted"),
    "participants": _l("Round %(round)s: more ballots (%(cast)s) than participants (%(took_part)s)"),
    "recount": _l("Round %(round)s: the recount for candidate %(candidate)s differs"),
}


def in_words(problems: list) -> list[str]:
    """Stored [kind, params] problems as sentences in the current language."""
    return [str(PROBLEMS[kind]) % params for kind, params in problems if kind in PROBLEMS]


def find_problems(election: Election, rounds: list[ElectionRound] | None = None) -> list[list]:
    """Recount every counted round from what is stored: [kind, params] for each difference."""
    from community.elections.sealed_models import BallotKey, BallotReceipt, SealedBallot

    problems = []
    keys = {k.round_no: k for k in db.session.scalars(select(BallotKey).where(BallotKey.election_id == election.id))}
    for round_ in rounds if rounds is not None else rounds_of(election):
        if round_.status != "counted":
            continue
        n = round_.number
        sealed = db.session.scalar(select(func.count()).select_from(SealedBallot).where(
            SealedBallot.election_id == election.id, SealedBallot.round_no == n))
        if sealed:
            problems.append(["unopened", {"round": n, "n": sealed}])
        key = keys.get(n)
        on_board = db.session.scalar(select(func.count()).select_from(BallotReceipt).where(
            BallotReceipt.election_id == election.id, BallotReceipt.round_no == n))
        opened = (key.opened_count or 0) if key else 0
        if on_board != opened:
            problems.append(["board", {"round": n, "board": on_board, "opened": opened}])
        if key and (key.unreadable or key.receipt_mismatches):
            problems.append(["unreadable", {"round": n, "unreadable": key.unreadable or 0,
                                            "differ": key.receipt_mismatches or 0}])
        cast, void = ballots_in(election, n)
        if cast != round_.ballots_returned:
            problems.append(["stored", {"round": n, "stored": cast, "counted": round_.ballots_returned}])
        if void != (round_.void_ballots or 0):
            problems.append(["void", {"round": n, "stored": void, "counted": round_.void_ballots}])
        took_part = participants(election, n)
        if cast > took_part:
            problems.append(["participants", {"round": n, "cast": cast, "took_part": took_part}])
        votes = recount(election, n)
        for tally in round_.tallies:
            if (tally.votes or 0) != votes.get(tally.candidate_id, 0):
                problems.append(["recount", {"round": n, "candidate": tally.candidate_id}])
    return problems


def verify(election: Election, rounds: list[ElectionRound] | None = None) -> list[str]:
    """Integrity checks anyone may run: problems found (empty when the published tally is sound)."""
    return in_words(find_problems(election, rounds))


def check(election: Election, now: datetime | None = None) -> list[str]:
    """Recount `election` and store what was found and when (the results pages show it without recounting);
    in the caller's transaction. Runs when a round is counted, when results are published, and every hour
    for the published ones (`elections.check`)."""
    election.check_problems = find_problems(election)
    election.checked_at = now or utcnow()
    return in_words(election.check_problems)


def _counted(what):
    """`what` (the elections, or their ids) of those with a tally to check: counted or published."""
    return select(what).where(Election.status.in_(("counted", "published"))).order_by(Election.id)


def verify_all() -> list[str]:
    """`verify` for every counted or published election: the published tally equals a recount of its ballots
    (`flask integrity check`; it reads only)."""
    problems = []
    for election in db.session.scalars(_counted(Election)):
        problems.extend(f"{election.title}（{election.id}）：{problem}" for problem in verify(election))
    return problems


def check_task(_job_id, now_iso: str | None = None) -> None:
    """The hourly job: recount every counted or published election and store what was found (`check`), one
    election per transaction."""
    from community.database import unit_of_work

    now = datetime.fromisoformat(now_iso) if now_iso else None
    for election_id in db.session.scalars(_counted(Election.id)).all():
        with unit_of_work():
            check(db.session.get(Election, election_id), now)
