"""Moving an election along its lifecycle, with the timeline and contested rules."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app import db
from community.authz import require
from community.database import transactional
from community.elections.models import STATUSES, Candidate, Election, ElectionRound, RoundTally
from community.elections.services import reminders as election_reminders
from community.elections.services.common import (
    candidate_count,
    current_round,
    moment,
    now_or,
    officials,
    record_step,
    roll_counts,
    status_label,
)
from community.errors import DomainError, Invalid


def _refuse(message: str, code: str):
    raise DomainError(message, code=code)


def _committee_rule(election: Election) -> None:
    size = len(officials(election, "election_committee"))
    if not election.committee_min <= size <= election.committee_max:
        _refuse(_("Rule: the election committee has %(low)d to %(high)d members; it has %(n)d.",
                  low=election.committee_min, high=election.committee_max, n=size), "committee_size")


def _contested_rule(election: Election) -> None:
    have = candidate_count(election)
    if have < election.min_candidates:
        _refuse(ngettext("Rule: the election must be contested (差额): at least %(n)d candidates for %(num)d seat; "
                         "there are %(have)d.", "Rule: the election must be contested (差额): at least %(n)d "
                         "candidates for %(num)d seats; there are %(have)d.", election.seats,
                         n=election.min_candidates, have=have), "not_contested")


def _days_before_voting(election: Election, now: datetime, days: int, message: str, code: str) -> None:
    if days and (election.voting_opens_at is None or election.voting_opens_at - now < timedelta(days=days)):
        _refuse(message, code)


def check_step(election: Election, step: str, now: datetime, taken: dict | None = None) -> None:
    """Raise the DomainError of the first rule that keeps the election from entering `step` now. `taken` holds
    the dates that earlier steps of the same move would set (a dry run sees them as if already taken); the
    move itself (`_enter`) and the manage page's list of next steps (`next_steps`) both ask this one place."""
    taken = taken or {}
    if step == "roll_published":
        _committee_rule(election)
        if election.voting_opens_at is None or election.voting_closes_at is None:
            raise Invalid(_("Set when voting opens and closes first."),
                          fields={"voting_opens_at": _("Required")})
        _days_before_voting(election, now, election.roll_days_before, ngettext(
            "Rule: the voter roll is published at least %(num)d day before voting.",
            "Rule: the voter roll is published at least %(num)d days before voting.", election.roll_days_before),
            "roll_too_late")
        if roll_counts(election)[0] == 0:
            _refuse(_("The roll is empty."), "roll_empty")
    elif step == "candidates_published":
        _contested_rule(election)
        _days_before_voting(election, now, election.candidates_days_before, ngettext(
            "Rule: the candidate list is published at least %(num)d day before voting.",
            "Rule: the candidate list is published at least %(num)d days before voting.",
            election.candidates_days_before), "candidates_too_late")
    elif step == "voting":
        _check_first_round(election, now, taken.get("roll_published_at", election.roll_published_at),
                           taken.get("candidates_published_at", election.candidates_published_at))
    elif step == "closed":
        from community.elections.services.tally import participants

        round_ = current_round(election)
        if round_ is None or round_.status != "voting":
            _refuse(_("No round is open for voting."), "wrong_status")
        registered, _excused = roll_counts(election)
        if now < round_.closes_at and participants(election, round_.number) < registered:
            _refuse(_("Voting closes at its scheduled time unless every voter has voted."), "too_early")
    elif step == "counted":
        from community.elections.services.ballot_key import require_opened

        round_ = current_round(election)
        if round_ is None or round_.status != "closed":
            _refuse(_("Close voting before counting."), "wrong_status")
        require_opened(election, round_)
    elif step == "published":
        round_ = current_round(election)
        if round_ is not None and round_.next_plan:
            _refuse(_("Another round must be held before the results can be published."), "round_pending")


def _enter(actor, election: Election, target: str, now: datetime, data: dict) -> None:
    """Check the rules of one step and take it."""
    check_step(election, target, now)
    if target == "roll_published":
        election.roll_published_at = now
    elif target == "nominating":
        election.nominating_at = now
    elif target == "candidates_published":
        election.candidates_published_at = now
    elif target == "voting":
        _open_first_round(election, now)
    elif target == "closed":
        _close(election, now)
    elif target == "counted":
        from community.elections.services.tally import check, count_current_round

        round_ = count_current_round(election, now)
        if round_.stage == "recall":
            from community.elections.services.recall import settle_recall_round

            settle_recall_round(actor, election, round_, now)
        check(election, now)  # the results pages show this recount and never make their own
    elif target == "published":
        from community.elections.services.tally import check

        election.published_at = election.published_at or now  # a recall vote re-publishes, keeping the date
        check(election, now)
    election.status = target
    record_step(actor, election, target, at=now)
    election_reminders.on_step(election, target, now)  # outbox rows in this step's transaction


def _check_first_round(election: Election, now: datetime, roll_published_at, candidates_published_at) -> None:
    from community.elections.services.ballot_key import supervisors

    _committee_rule(election)
    _contested_rule(election)
    if election.voting_opens_at is None or now < election.voting_opens_at:
        _refuse(_("Voting cannot open before its scheduled time."), "too_early")
    if election.voting_closes_at is None or now >= election.voting_closes_at:
        _refuse(_("The voting period has already ended; set a new closing time."), "too_late")
    if roll_published_at is None or roll_published_at > now - timedelta(days=election.roll_days_before):
        _refuse(ngettext("Rule: the voter roll is published at least %(num)d day before voting.",
                         "Rule: the voter roll is published at least %(num)d days before voting.",
                         election.roll_days_before), "roll_too_late")
    if candidates_published_at is None or \
            candidates_published_at > now - timedelta(days=election.candidates_days_before):
        _refuse(ngettext("Rule: the candidate list is published at least %(num)d day before voting.",
                         "Rule: the candidate list is published at least %(num)d days before voting.",
                         election.candidates_days_before), "candidates_too_late")
    if len(supervisors(election)) < 2:
        _refuse(_("At least two vote supervisors (committee members or counters) are needed to hold "
                  "the ballot key."), "too_few_supervisors")


def _open_first_round(election: Election, now: datetime) -> None:
    ids = [c.id for c in db.session.scalars(db.select(Candidate).where(Candidate.election_id == election.id))]
    _new_round(election, 1, "first", False, election.seats, ids, now, election.voting_closes_at)


def reachable_targets(election: Election) -> list[str]:
    """The statuses `change_status` may be asked for from here: any later step up to voting (the skipped steps
    are taken on the way), then one step at a time; after a count that calls for another round, voting again."""
    here = STATUSES.index(election.status)
    voting = STATUSES.index("voting")
    later = STATUSES[here + 1:voting + 1] if here < voting else STATUSES[here + 1:here + 2]
    round_ = current_round(election) if election.status == "counted" else None
    return (["voting"] if round_ is not None and round_.next_plan else []) + later


def next_steps(election: Election, now: datetime | None = None) -> list[tuple[str, str | None]]:
    """(status, None when its rules allow it now, else the sentence saying why not yet) for each status the
    election could be moved to; nothing is changed (the move re-checks the same rules)."""
    now = now_or(now)
    here = STATUSES.index(election.status)
    steps = []
    for target in reachable_targets(election):
        if target == "voting" and election.status == "counted":
            steps.append((target, None))  # the next round: its times are asked for in the form
            continue
        taken, reason = {}, None
        for step in STATUSES[here + 1:STATUSES.index(target) + 1]:
            try:
                check_step(election, step, now, taken)
            except DomainError as error:
                reason = error.message
                break
            if step in ("roll_published", "candidates_published"):
                taken[f"{step}_at"] = now
        steps.append((target, reason))
    return steps


def _new_round(election, number, stage, is_runoff, seats, candidate_ids, opens_at, closes_at) -> ElectionRound:
    round_ = ElectionRound(election_id=election.id, number=number, stage=stage, is_runoff=is_runoff, seats=seats,
                           opens_at=opens_at, closes_at=closes_at, status="voting")
    round_.tallies = [RoundTally(candidate_id=cid) for cid in sorted(candidate_ids)]
    db.session.add(round_)
    election.current_round = number
    _deal_key(election, number, opens_at)
    return round_


def _deal_key(election: Election, round_no: int, now: datetime) -> None:
    """Key ceremony: each round's ballots are sealed to a fresh key whose shares the supervisors hold."""
    from community.elections.services.ballot_key import deal_round_key

    deal_round_key(election, round_no, now)


def _close(election: Election, now: datetime) -> None:
    round_ = current_round(election)
    round_.status = "closed"
    election.closed_at = now


def _steps_to(election: Election, target: str) -> list[str]:
    """The steps a move to `target` takes (any skipped ones up to voting), or the refusal of a move back or of
    a skip past voting."""
    if target not in STATUSES:
        raise Invalid(_("Unknown status."), fields={"status": _("Unknown status.")})
    here, there = STATUSES.index(election.status), STATUSES.index(target)
    if there <= here:
        _refuse(_("The election is already “%(s)s”; it cannot go back.", s=status_label(election.status)),
                "wrong_status")
    if there > STATUSES.index("voting") and there - here > 1 or (here < 4 < there):
        _refuse(_("Go through each step from voting onwards: voting, closed, counted, published."), "wrong_status")
    return STATUSES[here + 1:there + 1]


def _next_round_times(election: Election, opens_at, closes_at, now: datetime):
    """The round the last count called for and its times, or the refusal."""
    round_ = current_round(election)
    if election.status != "counted" or round_ is None or not round_.next_plan:
        _refuse(_("No further round is due."), "no_round_due")
    opens_at = moment(opens_at, "opens_at") or now
    closes_at = moment(closes_at, "closes_at")
    if closes_at is None or closes_at <= max(opens_at, now):
        raise Invalid(_("Set when the new round closes (after it opens)."), fields={"closes_at": _("Required")})
    return round_, opens_at, closes_at


def is_next_round(election: Election, target: str) -> bool:
    """Whether a move to `target` opens the further round the last count called for."""
    return target == "voting" and election.status == "counted"


def check_move(actor, election: Election, target: str, now: datetime | None = None,
               data: dict | None = None) -> list[str]:
    """A dry run of `change_status`: raise the refusal the move would meet now, change nothing, and return the
    steps it would take (for the confirmation that says what will happen)."""
    require(actor, "election.manage", election)
    now = now_or(now)
    data = data or {}
    if is_next_round(election, target):
        _next_round_times(election, data.get("opens_at"), data.get("closes_at"), now)
        return [target]
    steps, taken = _steps_to(election, target), {}
    for step in steps:
        check_step(election, step, now, taken)
        if step in ("roll_published", "candidates_published"):
            taken[f"{step}_at"] = now
    return steps


@transactional
def change_status(actor, election: Election, target: str, now: datetime | None = None,
                  data: dict | None = None) -> Election:
    """Move the election to `target`, taking any skipped steps on the way when their rules allow it."""
    require(actor, "election.manage", election)
    now = now_or(now)
    data = data or {}
    if is_next_round(election, target):
        open_next_round(actor, election, data.get("opens_at"), data.get("closes_at"), now)
        return election
    for step in _steps_to(election, target):  # all the steps, or (a refusal leaves the unit) none
        _enter(actor, election, step, now, data)
    return election


@transactional
def open_next_round(actor, election: Election, opens_at, closes_at, now: datetime | None = None) -> ElectionRound:
    """Open the round the last count called for: a repeat, a runoff among the tied, or the second round."""
    require(actor, "election.manage", election)
    now = now_or(now)
    round_, opens_at, closes_at = _next_round_times(election, opens_at, closes_at, now)
    plan = round_.next_plan
    stage = "second" if plan["kind"] == "second" else round_.stage
    is_runoff = plan["kind"] == "runoff" or (plan["kind"] == "repeat" and round_.is_runoff)
    new = _new_round(election, round_.number + 1, stage, is_runoff, plan["seats"], plan["candidate_ids"],
                     opens_at, closes_at)
    election.status = "voting"
    record_step(actor, election, "voting", note=plan["kind"], at=now)
    election_reminders.on_round_opened(election, new, now)
    return new
