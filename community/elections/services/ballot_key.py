"""The key ceremony of a round: dealing the key when voting opens, showing each supervisor their share
once, and opening the sealed ballots for the count when k supervisors type their shares in.

Who holds shares (监票人): every member of the election committee and every counter of the election at
the moment the round opens, one share each; any majority of them (k = n // 2 + 1, at least 2) can open
the round's ballots, and no minority can. Someone appointed later holds no share of that round.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from nacl.exceptions import CryptoError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.authz import can, require
from community.database import transactional
from community.elections import ballot_crypto as crypto
from community.elections.models import Ballot, BallotMark, Election, ElectionRound, random_key
from community.elections.sealed_models import BallotKey, BallotReceipt, KeyShare, SealedBallot
from community.elections.services.common import current_round, lock_election, now_or, round_candidate_ids
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.roles.models import RoleGrant

SUPERVISOR_ROLES = ("election_committee", "counter")


def supervisors(election: Election) -> list[int]:
    """Ids of the people who get a share when a round opens: committee members and counters."""
    return sorted(set(db.session.scalars(select(RoleGrant.person_id).where(
        RoleGrant.role.in_(SUPERVISOR_ROLES), RoleGrant.scope_type == "election",
        RoleGrant.scope_id == election.id))))


def _secret() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode()


def _hold_context(election_id: int, round_no: int, holder_id: int) -> str:
    return f"{crypto.share_context(election_id, round_no)}:holder:{holder_id}"


def deal_round_key(election: Election, round_no: int, now: datetime | None = None) -> BallotKey:
    """Generate the round's keypair, keep the public key and the wrapped private key, and hold one share
    per supervisor until they look at it. Runs in the caller's (opening) transaction."""
    holders = supervisors(election)
    if len(holders) < 2:
        raise DomainError(_("At least two vote supervisors (committee members or counters) are needed to hold "
                            "the ballot key."), code="too_few_supervisors")
    dealt = crypto.deal(len(holders))
    key = BallotKey(election_id=election.id, round_no=round_no, public_key=dealt.public_key,
                    wrapped_private_key=dealt.wrapped_private_key, threshold=crypto.minimum_shares(len(holders)),
                    holders=len(holders), created_at=now_or(now))
    db.session.add(key)
    for holder_id, (number, share) in zip(holders, dealt.shares, strict=True):
        db.session.add(KeyShare(election_id=election.id, round_no=round_no, holder_id=holder_id, number=number,
                                held=crypto.hold_share(_secret(), _hold_context(election.id, round_no, holder_id),
                                                       share)))
    return key


def round_key(election: Election, round_no: int | None = None) -> BallotKey | None:
    return db.session.scalar(select(BallotKey).where(BallotKey.election_id == election.id,
                                                     BallotKey.round_no == (round_no or election.current_round)))


def key_status(election: Election) -> dict | None:
    """The current round's key: fingerprint, k of n, who holds which share and whether they have seen it."""
    key = round_key(election)
    if key is None:
        return None
    shares = db.session.scalars(select(KeyShare).where(KeyShare.election_id == election.id,
                                                       KeyShare.round_no == key.round_no)
                                .options(joinedload(KeyShare.holder)).order_by(KeyShare.number)).all()
    return {"round": key.round_no, "fingerprint": crypto.fingerprint(key.public_key), "threshold": key.threshold,
            "holders": [{"person_id": s.holder_id, "name": s.holder.name, "number": s.number,
                         "shown": s.shown_at is not None} for s in shares],
            "opened": key.opened_at is not None, "opened_count": key.opened_count,
            "sealed": sealed_count(election, key.round_no)}


def my_share(actor, election: Election, lock: bool = False) -> KeyShare | None:
    """The actor's share of the current round's key (locked, to show it once even to two requests at once)."""
    if not getattr(actor, "id", None):
        return None
    statement = select(KeyShare).where(KeyShare.election_id == election.id,
                                       KeyShare.round_no == election.current_round, KeyShare.holder_id == actor.id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(statement)


@transactional
def reveal_share(actor, election: Election, now: datetime | None = None) -> dict:
    """Show a supervisor their share of the current round's key, once; then it is erased from the server."""
    row = my_share(actor, election, lock=True)
    if row is None:
        raise NotFound(_("You hold no share of this round's ballot key."), code="no_share")
    if row.held is None:
        raise Conflict(_("Your share was already shown once and is no longer kept; use the copy you wrote down."),
                       code="share_already_shown")
    key = round_key(election)
    try:
        share = crypto.release_share(_secret(), _hold_context(election.id, row.round_no, actor.id), row.held)
    except CryptoError:
        raise DomainError(_("Your share can no longer be read (the server's secret changed)."),
                          code="share_unreadable") from None
    text = crypto.encode_share(crypto.share_context(election.id, row.round_no), row.number, share)
    row.held, row.shown_at = None, now_or(now)
    record(actor, "election.share_shown", election, summary=f"round {row.round_no} share {row.number}")
    return {"round": row.round_no, "number": row.number, "share": text, "threshold": key.threshold,
            "holders": key.holders, "fingerprint": crypto.fingerprint(key.public_key)}


def ceremony_shares(election: Election, round_no: int, how_many: int, now: datetime) -> list[tuple[int, bytes]]:
    """The first `how_many` held shares, as their holders would type them in (the demo seed runs the whole
    ceremony itself); they are marked as shown, in the caller's transaction."""
    context = crypto.share_context(election.id, round_no)
    shares = []
    for row in db.session.scalars(select(KeyShare).where(KeyShare.election_id == election.id,
                                                         KeyShare.round_no == round_no, KeyShare.held.is_not(None))
                                  .order_by(KeyShare.number).limit(how_many)):
        share = crypto.release_share(_secret(), _hold_context(election.id, round_no, row.holder_id), row.held)
        shares.append(crypto.decode_share(context, crypto.encode_share(context, row.number, share)))
        row.held, row.shown_at = None, now
    return shares


def sealed_count(election: Election, round_no: int) -> int:
    return db.session.scalar(select(func.count()).select_from(SealedBallot).where(
        SealedBallot.election_id == election.id, SealedBallot.round_no == round_no))


def require_opened(election: Election, round_: ElectionRound) -> None:
    """The count refuses while sealed ballots of the round wait for the supervisors' shares."""
    if sealed_count(election, round_.number):
        raise DomainError(ngettext("The online ballots are still sealed: %(num)d vote supervisor must enter their "
                                   "share on the count page first.",
                                   "The online ballots are still sealed: %(num)d vote supervisors must enter their "
                                   "shares on the count page first.",
                                   getattr(round_key(election, round_.number), "threshold", 2)),
                          code="ballots_sealed")


def is_opened(election: Election, round_no: int) -> bool:
    key = round_key(election, round_no)
    return key is not None and key.opened_at is not None


def retire_unopened_key(election: Election, round_no: int) -> None:
    """A round counted with no sealed ballot to open (nobody voted online): its wrapped key and the shares
    nobody looked at protect nothing any more and are erased, as opening would; in the caller's (counting)
    transaction."""
    db.session.execute(update(BallotKey).where(BallotKey.election_id == election.id, BallotKey.round_no == round_no)
                       .values(wrapped_private_key=None).execution_options(synchronize_session="fetch"))
    db.session.execute(update(KeyShare).where(KeyShare.election_id == election.id, KeyShare.round_no == round_no)
                       .values(held=None).execution_options(synchronize_session="fetch"))


def require_sealed(election: Election, round_: ElectionRound) -> None:
    """Paper sheets are typed in before the supervisors open the ballots: online and paper ballots are then
    stored together, in one transaction and one random order, so that storage cannot tell them apart."""
    if is_opened(election, round_.number):
        raise DomainError(_("The ballots of this round are already open; paper sheets are entered before that."),
                          code="already_opened")


def _read_shares(election: Election, key: BallotKey, texts: list[str], field: str) -> list[tuple[int, bytes]]:
    """Parse typed shares; every problem is reported beside its own field."""
    context = crypto.share_context(election.id, key.round_no)
    messages = {"length": _("A share has 32 characters (8 groups of 4)."),
                "character": _("A share has only digits and the letters A–Z without I, L, O and U."),
                "checksum": _("This share has a typing mistake, or belongs to another election or round.")}
    shares, errors, seen = [], {}, set()
    for n, text in enumerate(texts):
        if not (text or "").strip():
            continue
        try:
            number, share = crypto.decode_share(context, str(text)[:200])
        except crypto.ShareError as error:
            errors[field.format(n)] = messages[error.reason]
            continue
        if number in seen:
            errors[field.format(n)] = _("This share was entered twice.")
            continue
        seen.add(number)
        shares.append((number, share))
    if errors:
        raise Invalid(_("Check the shares marked below."), fields=errors)
    if len(shares) < key.threshold:
        raise Invalid(ngettext("%(k)d different shares are needed to open the ballots; %(num)d was entered.",
                               "%(k)d different shares are needed to open the ballots; %(num)d were entered.",
                               len(shares), k=key.threshold),
                      fields={field.format(len(shares)): _("Required")})
    return shares


@transactional
def open_ballots(actor, election: Election, share_texts: list[str], now: datetime | None = None,
                 field: str = "shares.{}") -> dict:
    """k supervisors' shares open the closed round's sealed ballots; they are stored as plaintext with new
    keys in random order, and the sealed ones and the wrapped key are deleted."""
    if not can(actor, "election.open_ballots", election):
        require(actor, "election.manage", election)
    if not isinstance(share_texts, (list, tuple)) or not all(isinstance(t, str) for t in share_texts):
        raise Invalid(_("shares must be a list of texts."), fields={"shares": _("Invalid value.")})
    lock_election(election)  # two count pages submitted at once open the ballots once
    round_ = current_round(election)
    if round_ is None or round_.status != "closed":
        raise DomainError(_("The ballots are opened after voting closes and before the count."), code="wrong_status")
    key = db.session.scalar(select(BallotKey).where(BallotKey.election_id == election.id,
                                                    BallotKey.round_no == round_.number)
                            .execution_options(populate_existing=True))
    if key is None or key.opened_at is not None:
        raise DomainError(_("This round's ballots are already open."), code="already_opened")
    shares = _read_shares(election, key, list(share_texts), field)
    result = open_round_ballots(actor, election, round_, key, shares, now)
    return result


def open_round_ballots(actor, election: Election, round_: ElectionRound, key: BallotKey,
                       shares: list[tuple[int, bytes]], now: datetime | None = None) -> dict:
    """Open, write shuffled together with the paper ballots, delete the sealed; in the caller's transaction
    (the demo seed calls it too). Refuses while paper sheets are not reconciled."""
    from community.elections.services.paper import paper_ballots

    paper = paper_ballots(election, round_)
    private = crypto.unwrap(key.wrapped_private_key, key.public_key, shares)
    if private is None:
        raise DomainError(_("These shares do not open the ballot key. Check that each one is copied exactly."),
                          code="shares_do_not_open")
    standing = round_candidate_ids(round_)
    sealed = db.session.execute(select(SealedBallot.id, SealedBallot.sealed).where(
        SealedBallot.election_id == election.id, SealedBallot.round_no == round_.number)).all()
    opened, found_receipts, unreadable = [], set(), 0
    for row in sealed:
        receipt, marks = crypto.open_ballot(private, row.sealed)
        if receipt is None:
            unreadable += 1
            continue
        found_receipts.add(receipt)
        void = len(set(marks)) != len(marks) or len(marks) > round_.seats or not set(marks) <= standing
        opened.append((void, [] if void else sorted(marks)))
    write_shuffled(election, round_.number, opened + paper)
    db.session.execute(delete(SealedBallot).where(SealedBallot.election_id == election.id,
                                                  SealedBallot.round_no == round_.number))
    board = set(db.session.scalars(select(BallotReceipt.receipt).where(
        BallotReceipt.election_id == election.id, BallotReceipt.round_no == round_.number)))
    key.opened_at, key.opened_by_id = now_or(now), getattr(actor, "id", None)
    key.opened_count, key.unreadable = len(opened), unreadable
    key.receipt_mismatches = len(board ^ found_receipts)
    key.wrapped_private_key = None  # the round is open: the key has nothing left to protect
    db.session.execute(update(KeyShare).where(KeyShare.election_id == election.id,
                                              KeyShare.round_no == round_.number).values(held=None))
    record(actor, "election.ballots_opened", election,
           summary=f"round {round_.number}: {len(opened)} opened, {unreadable} unreadable, {len(paper)} paper")
    return {"round": round_.number, "opened": len(opened), "paper": len(paper), "unreadable": unreadable,
            "receipt_mismatches": key.receipt_mismatches}


def write_shuffled(election: Election, round_no: int, ballots: list[tuple[bool, list[int]]]) -> None:
    """Store ballots (is_void, marks) with fresh random keys, in an order drawn from the system's random
    source: neither the storage order (PostgreSQL heap order, ctid) nor the keys follow the order in which
    people voted or the order of the sealed rows."""
    order = sorted(ballots, key=lambda _b: secrets.randbits(64))
    rows, marks = [], []
    for void, chosen in order:
        ballot_id = random_key()
        rows.append({"id": ballot_id, "election_id": election.id, "round_no": round_no, "is_void": void})
        marks += [{"ballot_id": ballot_id, "candidate_id": cid} for cid in chosen]
    if rows:
        db.session.execute(insert(Ballot), rows)
    if marks:
        marks.sort(key=lambda _m: secrets.randbits(64))
        db.session.execute(insert(BallotMark), marks)
