"""The ballot on a phone: tick, confirm, cast (post/redirect/get), the receipt, and the receipts board.

The receipt is kept for its voter only in their own signed session cookie, never on the server: the
board lists receipts, the roll lists who took part, and nothing the server keeps joins the two
(docs/security.md, "The receipt in the voter's browser").
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.elections.models import Candidate, Election
from community.elections.services import voting
from community.elections.services.common import current_round, get_election, get_or_404
from community.elections.services.introductions import introduction, introduction_day
from community.elections.views import _ints, bp
from community.errors import DomainError, NotFound
from community.listing import paginate
from community.people.models import Person

RECEIPTS = "ballot_receipts"  # session key: {"<election id>": [[round, receipt, cast as proxy], ...]}
KEPT_ELECTIONS = 20  # a cookie stays small: the receipts of the last 20 elections one voted in


def remember_receipt(election: Election, round_no: int, receipt: str, proxy: bool) -> None:
    """Keep a receipt in this browser's signed session cookie (only there) for its voter to see again."""
    kept = {key: list(value) for key, value in (session.get(RECEIPTS) or {}).items()}
    rows = [row for row in kept.pop(str(election.id), []) if row[1] != receipt]
    kept[str(election.id)] = (rows + [[round_no, receipt, proxy]])[-10:]
    session[RECEIPTS] = dict(list(kept.items())[-KEPT_ELECTIONS:])


def kept_receipts(election: Election, round_no: int | None = None) -> list[dict]:
    """The receipts this browser cast in an election (of one round if given), from the session cookie."""
    rows = (session.get(RECEIPTS) or {}).get(str(election.id)) or []
    return [{"round": row[0], "receipt": row[1], "proxy": bool(row[2])} for row in rows
            if isinstance(row, list) and len(row) == 3 and (round_no is None or row[0] == round_no)]


def _standing(round_) -> list[Candidate]:
    """The candidates of a round with their people, in one query."""
    if round_ is None:
        return []
    return db.session.scalars(select(Candidate).where(Candidate.id.in_(
        [t.candidate_id for t in round_.tallies])).options(selectinload(Candidate.person))
        .order_by(Candidate.id)).all()


def _ballot(election: Election, chosen=(), principal_id=None, error: str = "", status: int = 200):
    """The ballot form, with the given ticks kept and a refusal beside the list."""
    round_ = current_round(election)
    standing = _standing(round_)
    day = introduction_day(election)
    return render_template("elections/vote.html", election=election, round=round_, standing=standing,
                           intros={c.id: introduction(c, day) for c in standing}, chosen=set(chosen or ()),
                           principal_id=principal_id, error=error,
                           voted=voting.has_voted(election, current_user.id),
                           principals=voting.principals_of(election, current_user.id)), status


@bp.route("/<int:election_id>/vote", methods=["GET", "POST"])
@login_required
def vote(election_id: int):
    """The ballot: tick at most `seats` names, confirm the summary, cast; then the receipt page (GET)."""
    election = get_election(election_id)
    if request.method == "GET":
        return _ballot(election)
    chosen = _ints(request.form.getlist("candidate_id"))
    principal_id = request.form.get("on_behalf_of", type=int)
    principal = get_or_404(Person, principal_id) if principal_id else None
    if request.form.get("change"):  # 返回修改 on the summary: back to the ballot, ticks kept
        return _ballot(election, chosen or (), principal_id)
    confirmed = request.form.get("confirm") == "1"
    if chosen is None:  # not a list of plain ids: a tampered form; nothing was chosen from the list
        return _ballot(election, (), principal_id, _("Please tick candidates from the list."), 400)
    try:
        if confirmed:
            receipt = voting.cast_ballot(current_user, election, chosen, on_behalf_of=principal)
        else:
            chosen = voting.review_ballot(current_user, election, chosen, on_behalf_of=principal)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if error.code == "already_voted":  # one message, on the page that shows the receipt if kept
            flash(_("You have already voted in this round. A ballot cannot be changed once cast."), "info")
            return redirect(url_for("elections.receipt", election_id=election.id), 303)
        return _ballot(election, chosen or (), principal_id, error.message, error.status)
    if not confirmed:
        names = {c.id: c.person.name for c in _standing(current_round(election))}
        return render_template("elections/confirm.html", election=election, chosen=chosen,
                               names=[names[c] for c in chosen], principal=principal)
    remember_receipt(election, election.current_round, receipt, principal is not None)
    return redirect(url_for("elections.receipt", election_id=election.id), 303)


@bp.route("/<int:election_id>/receipt")
@login_required
def receipt(election_id: int):
    """The receipt of one's ballot in this round, from this browser's session: refreshing casts nothing."""
    election = get_election(election_id)
    return render_template("elections/receipt.html", election=election,
                           kept=kept_receipts(election, election.current_round),
                           voted=voting.has_voted(election, current_user.id))


RECEIPTS_PER_PAGE = 400  # two columns of 200 on a phone: a city election's board is 250 pages, never one


@bp.route("/<int:election_id>/receipts")
@login_required
def receipts(election_id: int):
    """The public receipts board, one's own receipts marked, and a box to check any receipt."""
    election = get_election(election_id)
    if not voting.receipts_public(election):
        raise NotFound(_("The receipts board opens when voting opens."))
    checked = None
    wanted = (request.args.get("receipt") or "").strip()
    if wanted:
        try:
            checked = voting.check_receipt(current_user, election, wanted[:40])
        except NotFound as error:
            flash(error.message, "danger")
            checked = False
    kept = {row["receipt"]: row["proxy"] for row in kept_receipts(election)}
    mine = {r: kept[r] for r in voting.on_board(election, list(kept))}  # shown first, whichever page holds them
    listing = paginate(db.session, voting.receipts_query(election), request.args.get("page", 1, type=int),
                       RECEIPTS_PER_PAGE, cursor=request.args.get("cursor"), keyset=True)
    return render_template("elections/receipts.html", election=election, listing=listing, checked=checked,
                           wanted=wanted, mine=mine)
