"""Recall (罢免) of an elected representative: proposal by a fifth of the voters, then a vote."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app import db
from community.audit.services import record, record_kept
from community.authz import require
from community.database import as_local, keep_even_if_rolled_back, transactional
from community.elections.counting import recall_may_be_proposed, recall_outcome
from community.elections.models import Candidate, Election, ElectionRound, Recall, RecallSupport, RoundTally
from community.elections.services.common import (
    flush_or_conflict,
    is_registered,
    lock_election,
    moment,
    now_or,
    record_step,
    roll_counts,
)
from community.errors import DomainError, Forbidden, Invalid, NotFound


@transactional
def propose_recall(actor, election: Election, candidate: Candidate, reason: str,
                   now: datetime | None = None) -> Recall:
    """A voter proposes to recall a representative; the proposer is the first supporter."""
    if election.status != "published" or candidate.election_id != election.id or not candidate.is_elected \
            or candidate.is_recalled:
        raise DomainError(_("Only a serving representative of a published election can be recalled."),
                          code="not_representative")
    if not is_registered(election, actor.id):
        raise Forbidden(_("Only voters on the roll may propose a recall."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reasons for the recall."), fields={"reason": _("Required")})
    now = now_or(now)
    row = Recall(election_id=election.id, candidate_id=candidate.id, reason=reason[:2000], proposed_by_id=actor.id,
                 proposed_at=now, signatures_due_at=now + timedelta(days=election.recall_signature_days))
    db.session.add(row)
    db.session.flush()
    db.session.add(RecallSupport(recall_id=row.id, voter_id=actor.id))
    record(actor, "election.recall_proposed", election, summary=f"candidate {candidate.id}")
    return row


@transactional
def support_recall(actor, election: Election, recall: Recall, now: datetime | None = None) -> int:
    """A voter supports a recall proposal, once, before its signatures are due; returns the number of
    supporters."""
    if recall.election_id != election.id or recall.status == "decided":
        raise NotFound(_("No open recall proposal."))
    if not is_registered(election, actor.id):
        raise Forbidden(_("Only voters on the roll may support a recall."))
    if now_or(now) > recall.signatures_due_at:
        _lapse_if_unsupported(election, recall, now_or(now))
        raise DomainError(_("Support for this recall was due by %(d)s; it can no longer be signed.",
                            d=as_local(recall.signatures_due_at).strftime("%Y-%m-%d %H:%M")),
                          code="signatures_closed")
    flush_or_conflict(RecallSupport(recall_id=recall.id, voter_id=actor.id), _("You already support this recall."),
                      "already_supported")
    return recall_supporters(recall)


def recall_supporters(recall: Recall) -> int:
    """How many voters support a recall."""
    return db.session.scalar(select(func.count()).select_from(RecallSupport).where(
        RecallSupport.recall_id == recall.id))


def recall_state(election: Election, recall: Recall, now: datetime | None = None) -> str:
    """proposed (collecting support, or supported by enough voters), lapsed, or decided."""
    if recall.status != "proposed":
        return recall.status
    if now_or(now) > recall.signatures_due_at and \
            not recall_may_be_proposed(roll_counts(election)[0], recall_supporters(recall)):
        return "lapsed"
    return "proposed"


def _lapse_if_unsupported(election: Election, recall: Recall, now: datetime) -> None:
    """Mark a recall whose signatures were due without enough support as lapsed. The caller then refuses, and
    its unit of work rolls back: the lapse (a fact of the calendar, not of the refused request) is kept."""
    if recall_state(election, recall, now) == "lapsed":
        recall.status = "lapsed"
        recall_id = recall.id
        keep_even_if_rolled_back(lambda: db.session.execute(
            update(Recall).where(Recall.id == recall_id, Recall.status == "proposed").values(status="lapsed")))
        record_kept(None, "election.recall_lapsed", election, summary=f"candidate {recall.candidate_id}")


@transactional
def decide_recall(actor, election: Election, recall: Recall, votes_cast: int, votes_for: int,
                  now: datetime | None = None) -> Recall:
    """Enter the recall vote's figures; the rules decide whether it is valid and whether it passes."""
    require(actor, "election.manage", election)
    if recall.election_id != election.id or recall.status == "decided":
        raise NotFound(_("No open recall proposal."))
    if recall.round_no is not None:
        raise DomainError(_("This recall is voted on the platform; its count gives the result."),
                          code="recall_voted_online")
    _lapse_if_unsupported(election, recall, now_or(now))
    if recall.status == "lapsed":
        raise DomainError(_("This recall proposal lapsed: it did not gather one fifth of the voters by %(d)s.",
                            d=as_local(recall.signatures_due_at).strftime("%Y-%m-%d %H:%M")), code="recall_lapsed")
    registered, _excused = roll_counts(election)
    if not recall_may_be_proposed(registered, recall_supporters(recall)):
        raise DomainError(_("Rule: a recall is proposed by at least one fifth of the voters (%(n)d of %(r)d).",
                            n=-(-registered // 5), r=registered), code="recall_too_few")
    if not (isinstance(votes_cast, int) and isinstance(votes_for, int) and 0 <= votes_for <= votes_cast <= registered):
        raise Invalid(_("The votes must satisfy 0 ≤ votes for ≤ votes cast ≤ registered voters."),
                      fields={"votes_cast": _("Invalid value.")})
    valid, passed = recall_outcome(registered, votes_cast, votes_for)
    recall.registered, recall.votes_cast, recall.votes_for = registered, votes_cast, votes_for
    recall.is_valid, recall.is_passed, recall.status = valid, passed, "decided"
    recall.decided_by_id, recall.decided_at = actor.id, now_or(now)
    if passed:
        recall.candidate.is_recalled = True
    record(actor, "election.recall_decided", election,
           summary=f"candidate {recall.candidate_id}: valid={valid} passed={passed}")
    return recall


@transactional
def open_recall_vote(actor, election: Election, recall: Recall, opens_at, closes_at,
                     now: datetime | None = None) -> ElectionRound:
    """Hold the recall vote on the platform: an election round of stage "recall" standing the representative
    alone, voted with the election's own roll, secret ballots, receipts, paper entry and count. Marking the
    name is a vote to recall; a blank ballot is a vote against. Closing and counting go through the
    election's steps (closed, counted, published); the count settles the recall."""
    from community.elections.services.lifecycle import _new_round

    require(actor, "election.manage", election)
    now = now_or(now)
    lock_election(election)
    if recall.election_id != election.id or recall_state(election, recall, now) != "proposed" \
            or recall.round_no is not None:
        raise NotFound(_("No open recall proposal."))
    if election.status != "published":
        raise DomainError(_("A recall vote is held after the results are published and while no other vote is "
                            "open."), code="wrong_status")
    registered, _excused = roll_counts(election)
    if not recall_may_be_proposed(registered, recall_supporters(recall)):
        raise DomainError(_("Rule: a recall is proposed by at least one fifth of the voters (%(n)d of %(r)d).",
                            n=-(-registered // 5), r=registered), code="recall_too_few")
    opens_at = moment(opens_at, "opens_at") or now
    closes_at = moment(closes_at, "closes_at")
    if closes_at is None or closes_at <= max(opens_at, now):
        raise Invalid(_("Set when the new round closes (after it opens)."), fields={"closes_at": _("Required")})
    round_ = _new_round(election, election.current_round + 1, "recall", False, 1, [recall.candidate_id],
                        opens_at, closes_at)
    recall.round_no = round_.number
    election.status = "voting"
    record_step(actor, election, "voting", note=f"recall {recall.id}", at=now)
    return round_


def settle_recall_round(actor, election: Election, round_: ElectionRound, now: datetime) -> Recall:
    """After the round's ordinary count: turn its figures into the recall's result (valid with more than half of
    the registered voters voting; passes with more than half of the ballots marking the name). Runs in the
    counting transaction; the election rules' verdict on the round (elected, next round) does not apply."""
    recall = db.session.scalar(select(Recall).where(Recall.election_id == election.id,
                                                    Recall.round_no == round_.number))
    tally = round_.tallies[0]
    votes_cast, votes_for = round_.ballots_returned or 0, tally.votes or 0
    valid, passed = recall_outcome(round_.registered or 0, votes_cast, votes_for)
    candidate = recall.candidate
    if candidate.elected_round == round_.number:  # the ordinary count took the marks for an election
        candidate.elected_round = db.session.scalar(select(func.min(ElectionRound.number)).join(
            RoundTally, RoundTally.round_id == ElectionRound.id).where(
            ElectionRound.election_id == election.id, ElectionRound.stage != "recall",
            RoundTally.candidate_id == candidate.id, RoundTally.is_elected.is_(True)))
    tally.is_elected = False
    round_.next_plan, round_.is_valid = None, valid
    round_.outcome = "recall_passed" if passed else ("recall_failed" if valid else "turnout")
    recall.registered, recall.votes_cast, recall.votes_for = round_.registered, votes_cast, votes_for
    recall.is_valid, recall.is_passed, recall.status = valid, passed, "decided"
    recall.decided_by_id, recall.decided_at = getattr(actor, "id", None), now
    if passed:
        candidate.is_recalled = True
    record(actor, "election.recall_decided", election,
           summary=f"candidate {recall.candidate_id}: valid={valid} passed={passed} (platform vote)")
    return recall
