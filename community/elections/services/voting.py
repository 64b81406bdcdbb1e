"""Casting secret ballots online, receipts, and proxy votes (委托)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import db
from community.audit.services import record, record_refusal
from community.authz import require
from community.database import as_local, transactional
from community.elections import ballot_crypto
from community.elections.models import Election, Participation, ProxyAuthorisation, new_receipt, random_key
from community.elections.sealed_models import BallotReceipt, SealedBallot
from community.elections.services import reminders as election_reminders
from community.elections.services.common import (
    clean_candidate_ids,
    current_round,
    flush_or_conflict,
    is_registered,
    lock_election,
    now_or,
    round_candidate_ids,
)
from community.elections.services.roll import ineligible_on_voting_day
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from community.people.models import Person


def _refuse(actor, election: Election, error: DomainError, action: str = "election.ballot_refused"):
    """Nothing of the attempt is kept except the audit row naming the rule (never the choices)."""
    record_refusal(actor, action, f"{error.code}: {error.message}", election, detail={"rule": error.code})
    raise error


def voting_round(election: Election, now: datetime):
    """The round open for voting now, or None."""
    round_ = current_round(election)
    if election.status != "voting" or round_ is None or round_.status != "voting":
        return None
    if not round_.opens_at <= now < round_.closes_at:
        return None
    return round_


def _checked(actor, election: Election, candidate_ids, on_behalf_of: Person | None, now: datetime):
    """Every rule of a ballot before anything is written: (round, voter, channel, chosen ids)."""
    voter = on_behalf_of or actor
    round_ = voting_round(election, now)
    if round_ is None:
        _refuse(actor, election, DomainError(_("Voting is not open now."), code="not_voting"))
    if not is_registered(election, voter.id):
        _refuse(actor, election, Forbidden(_("Rule: only voters on the roll may vote."), code="not_on_roll"))
    if problem := ineligible_on_voting_day(election, voter, as_local(round_.opens_at).date()):
        _refuse(actor, election, problem)
    channel = "online"
    if on_behalf_of is not None and on_behalf_of.id != actor.id:
        approved = db.session.scalar(select(ProxyAuthorisation.id).where(
            ProxyAuthorisation.election_id == election.id, ProxyAuthorisation.principal_id == voter.id,
            ProxyAuthorisation.proxy_id == actor.id))
        if approved is None:
            _refuse(actor, election, Forbidden(_("Rule: a proxy vote needs a written proxy approved by the "
                                                 "committee."), code="no_proxy"))
        if not is_registered(election, actor.id):  # taken off the roll after the proxy was approved
            _refuse(actor, election, Forbidden(_("Rule: both the voter and the proxy must be on the roll."),
                                               code="proxy_not_voter"))
        channel = "proxy"
    if db.session.scalar(select(Participation.id).where(
            Participation.election_id == election.id, Participation.round_no == round_.number,
            Participation.voter_id == voter.id)) is not None:  # said first; the unique key below still decides
        _refuse(actor, election, Conflict(_("Rule: one ballot per voter; this voter has already voted."),
                                          code="already_voted"))
    chosen = clean_candidate_ids(candidate_ids)
    if len(chosen) != len(candidate_ids):
        _refuse(actor, election, DomainError(_("A ballot marks each candidate at most once."), code="duplicate_mark"))
    if not set(chosen) <= round_candidate_ids(round_):
        _refuse(actor, election, DomainError(_("Rule: a ballot may only mark candidates of this round."),
                                             code="not_a_candidate"))
    if len(chosen) > round_.seats:
        _refuse(actor, election, DomainError(ngettext("Rule: a ballot marks at most %(num)d name.",
                                                      "Rule: a ballot marks at most %(num)d names.", round_.seats),
                                             code="too_many_marks"))
    return round_, voter, channel, chosen


@transactional
def review_ballot(actor, election: Election, candidate_ids, on_behalf_of: Person | None = None,
                  now: datetime | None = None) -> list[int]:
    """Check a ballot before it is cast (the confirm step): the chosen ids, or the rule it breaks.
    Nothing of the choice is kept; a refusal leaves only its audit row, as when casting."""
    return _checked(actor, election, candidate_ids, on_behalf_of, now_or(now))[3]


@transactional
def cast_ballot(actor, election: Election, candidate_ids, on_behalf_of: Person | None = None,
                now: datetime | None = None) -> str:
    """Cast one secret ballot (for oneself, or as an approved proxy) and return its receipt.

    Who took part goes into `participation`; the choices are sealed to the round's public key and
    stored as a fixed-length `sealed_ballot` with a random key: nobody can read them until k vote
    supervisors open the round for the count. The receipt goes on the board, never beside the marks.
    All is written in one transaction; the unique key on participation makes a second ballot by the
    same voter impossible, even when requests arrive at the same moment.
    """
    from community.elections.services.ballot_key import round_key

    round_, voter, channel, chosen = _checked(actor, election, candidate_ids, on_behalf_of, now_or(now))
    key = round_key(election, round_.number)
    if key is None or key.opened_at is not None:
        _refuse(actor, election, DomainError(_("This round has no ballot key; voting cannot take place."),
                                             code="no_ballot_key"))
    receipt = new_receipt()
    sealed = ballot_crypto.seal_ballot(key.public_key, round_.seats, receipt, chosen)
    try:
        db.session.add(Participation(election_id=election.id, round_no=round_.number, voter_id=voter.id,
                                     channel=channel, cast_by_id=actor.id if channel == "proxy" else None))
        db.session.flush()
        db.session.add(SealedBallot(id=random_key(), election_id=election.id, round_no=round_.number,
                                    sealed=sealed))
        db.session.add(BallotReceipt(receipt=receipt, election_id=election.id, round_no=round_.number))
        db.session.flush()
    except IntegrityError:  # the unit of work rolls the attempt back; the refusal's audit row is kept
        _refuse(actor, election, Conflict(_("Rule: one ballot per voter; this voter has already voted."),
                                          code="already_voted"))
    election_reminders.on_voted(election, round_.number, voter.id)  # no "last day to vote" for this voter
    return receipt


def has_voted(election: Election, person_id: int) -> bool:
    """Whether the person took part in the current round."""
    return db.session.scalar(select(Participation.id).where(
        Participation.election_id == election.id, Participation.round_no == election.current_round,
        Participation.voter_id == person_id)) is not None


def receipts_query(election: Election, round_no: int | None = None):
    """The election's receipts, sorted by their own value (the order reveals nothing; unique, so the board is
    walked by keyset: a city election's 100,000 receipts are never sent at once)."""
    statement = select(BallotReceipt.receipt).where(BallotReceipt.election_id == election.id)
    if round_no:
        statement = statement.where(BallotReceipt.round_no == round_no)
    return statement.order_by(BallotReceipt.receipt)


def receipts(election: Election, round_no: int | None = None) -> list[str]:
    """Every receipt of the election (the checks and tests; pages and the API take them a page at a time)."""
    return list(db.session.scalars(receipts_query(election, round_no)))


def on_board(election: Election, wanted: list[str]) -> set[str]:
    """Which of `wanted` (this browser's own receipts) are on the board: one lookup, whatever the board's size."""
    if not wanted:
        return set()
    return set(db.session.scalars(select(BallotReceipt.receipt).where(
        BallotReceipt.election_id == election.id, BallotReceipt.receipt.in_(wanted))))


def receipts_public(election: Election) -> bool:
    """The receipts board is open while voting and after."""
    return election.status in ("voting", "closed", "counted", "published")


@transactional
def check_receipt(actor, election: Election, receipt: str) -> dict:
    """Confirm a receipt is on the board; an unknown one is refused and audited."""
    receipt = (receipt or "").strip().upper()
    round_no = db.session.scalar(select(BallotReceipt.round_no).where(
        BallotReceipt.election_id == election.id, BallotReceipt.receipt == receipt)) if receipt else None
    if round_no is None:
        _refuse(actor, election, NotFound(_("No ballot of this election has this receipt."), code="unknown_receipt"),
                "election.receipt_refused")
    return {"receipt": receipt, "round": round_no, "found": True}


@transactional
def approve_proxy(actor, election: Election, principal: Person, proxy: Person, note: str = "") -> ProxyAuthorisation:
    """Record a written proxy approved by the committee; a proxy carries at most `max_proxies` votes."""
    require(actor, "election.manage", election)
    if election.status not in ("roll_published", "nominating", "candidates_published", "voting"):
        raise DomainError(_("Proxies are approved after the roll is published and before voting closes."),
                          code="wrong_status")
    if principal.id == proxy.id:
        raise Invalid(_("A voter cannot be their own proxy."), fields={"proxy_id": _("Invalid value.")})
    for person in (principal, proxy):
        if not is_registered(election, person.id):
            raise DomainError(_("Rule: both the voter and the proxy must be on the roll."), code="proxy_not_voter")
    lock_election(election)
    _refuse_proxy_chain(election, principal, proxy)
    held = db.session.scalar(select(func.count(ProxyAuthorisation.id)).where(
        ProxyAuthorisation.election_id == election.id, ProxyAuthorisation.proxy_id == proxy.id))
    if held >= election.max_proxies:
        raise DomainError(ngettext("Rule: one person may be proxy for at most %(num)d voter.",
                                   "Rule: one person may be proxy for at most %(num)d voters.", election.max_proxies),
                          code="proxy_limit")
    row = ProxyAuthorisation(election_id=election.id, principal_id=principal.id, proxy_id=proxy.id, slot=held + 1,
                             note=(note or "")[:200], approved_by_id=actor.id)
    flush_or_conflict(row, _("This voter already has a proxy, or the proxy changed meanwhile; try again."),
                      "proxy_conflict")
    record(actor, "election.proxy", election, summary=f"{principal.id} -> {proxy.id}",
           detail={"principal": principal.name, "proxy": proxy.name})
    return row


def _refuse_proxy_chain(election: Election, principal: Person, proxy: Person) -> None:
    """No chains: a voter who carries others' votes cannot hand on their own, and a voter who handed on
    their own vote cannot carry others'."""
    def exists(**where):
        return db.session.scalar(select(ProxyAuthorisation.id).filter_by(election_id=election.id, **where)
                                 .limit(1)) is not None

    if exists(proxy_id=principal.id):
        raise DomainError(_("Rule: %(name)s carries other voters' proxies and cannot delegate their own vote.",
                            name=principal.name), code="proxy_chain")
    if exists(principal_id=proxy.id):
        raise DomainError(_("Rule: %(name)s has delegated their own vote and cannot be a proxy.", name=proxy.name),
                          code="proxy_chain")


def proxies(election: Election) -> list[ProxyAuthorisation]:
    """The published list of who delegated to whom."""
    return db.session.scalars(select(ProxyAuthorisation).where(ProxyAuthorisation.election_id == election.id)
                              .options(selectinload(ProxyAuthorisation.principal),
                                       selectinload(ProxyAuthorisation.proxy))
                              .order_by(ProxyAuthorisation.proxy_id, ProxyAuthorisation.slot)).all()


def principals_of(election: Election, proxy_id: int) -> list[Person]:
    """The voters a person may vote for as proxy."""
    return list(db.session.scalars(select(Person).join(
        ProxyAuthorisation, ProxyAuthorisation.principal_id == Person.id).where(
        ProxyAuthorisation.election_id == election.id, ProxyAuthorisation.proxy_id == proxy_id)
        .order_by(ProxyAuthorisation.slot)))
