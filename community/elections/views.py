"""Residents' pages: elections, the timeline, voting on a phone, receipts, results and documents."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.authz import can
from community.database import as_local, utcnow
from community.elections import documents
from community.elections.models import Candidate, Election, Nomination, Recall, RollObjection
from community.elections.rules import nominations_close_at, objections_close_at
from community.elections.services import ballot_key, recall, roll, tally, voting
from community.elections.services import candidates as cands
from community.elections.services.common import (
    current_round,
    elections_query,
    get_election,
    get_or_404,
    status_label,
    voter_record,
)
from community.elections.services.introductions import introduction, introduction_day
from community.errors import DomainError, Invalid, NotFound
from community.errors import run_form_action as run
from community.listing import paginate
from community.people.picker import picked_person

bp = Blueprint("elections", __name__, url_prefix="/elections")
PER_PAGE = 20


def _ints(values) -> list[int] | None:
    """Ids from a form; None when any value is not a plain id (the service then refuses the input)."""
    ids = []
    for value in values:
        value = str(value).strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            return None
        ids.append(int(value))
    return ids


def code_label(code) -> str:
    """Words for the codes pages show: nomination kinds, rounds, reminder kinds, outcomes."""
    labels = {
        "voters": _("joint nomination by voters"), "group": _("nominated by a residents' group"),
        "committee": _("nominated by the committee"), "repeat": _("repeat the round"),
        "runoff": _("runoff among the tied"), "second": _("second round (另行选举)"),
        "roll_published": _("roll published"), "nominations_closing": _("nominations closing"),
        "voting_open": _("voting open"), "voting_closing": _("voting closes in 24 hours"),
        "results_published": _("results published"), "roll": _("everyone on the roll"),
        "roll_not_voted": _("voters who have not voted"), "upheld": _("upheld"), "rejected": _("rejected"),
        "turnout": _("half or fewer of the voters voted"),
        "more_ballots_than_voters": _("more ballots than voters"), "ok": _("valid"),
    }
    return labels.get(code, code or "")


@bp.app_context_processor
def _labels():
    return {"election_status": status_label, "election_label": code_label}


@bp.route("/")
@login_required
def index():
    """Elections of one's community and those one helps run."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    statement = elections_query(current_user).options(selectinload(Election.community))
    listing = paginate(db.session, statement, page, PER_PAGE)
    elections, total = listing
    return render_template("elections/index.html", elections=elections, total=total, page=page,
                           pages=listing.pages, listing=listing, may_create=can(current_user, "election.create"))


@bp.route("/<int:election_id>")
@login_required
def detail(election_id: int):
    """The timeline, one's place on the roll, the candidates and what one can do now."""
    return _detail_page(get_election(election_id))


def _detail_page(election: Election, nominate_form=None, nominate_error=None, status: int = 200):
    """The election's page; after a refused nomination, with the error beside the picker and the text kept."""
    from community.elections.ballot_views import kept_receipts

    manage = can(current_user, "election.manage", election)
    record = voter_record(election, current_user.id)
    show_candidates = manage or election.status not in ("draft", "roll_published", "nominating")
    candidates = cands.candidates(election) if show_candidates else []
    objections = db.session.scalars(select(RollObjection).where(RollObjection.election_id == election.id)
                                    .order_by(RollObjection.filed_at)).all() if roll.may_see_roll(
        current_user, election) else []
    eligible_problems = []
    if record is None and current_user.community_id == election.community_id:
        from community.elections.rules import eligibility_problems

        eligible_problems = eligibility_problems(current_user, election,
                                                 election.voting_day or as_local(utcnow()).date())
    return render_template(
        "elections/detail.html", election=election, manage=manage, record=record,
        candidates=candidates, intros={c.id: introduction(c, introduction_day(election)) for c in candidates},
        nominations=cands.nominations(election) if election.status in ("roll_published", "nominating") else [],
        objections=objections, round=current_round(election), voted=voting.has_voted(election, current_user.id),
        may_see_roll=roll.may_see_roll(current_user, election), nominations_close=nominations_close_at(election),
        objections_open=election.status != "draft" and bool(objections_close_at(election))
        and utcnow() <= objections_close_at(election),
        eligible_problems=eligible_problems, principals=voting.principals_of(election, current_user.id),
        key_share=ballot_key.my_share(current_user, election), now=utcnow(),
        kept_receipts=kept_receipts(election, election.current_round), nominate_form=nominate_form,
        nominate_error=nominate_error), status


def _results_or_404(election: Election) -> dict:
    if election.status != "published" and not (election.status == "counted"
                                               and can(current_user, "election.manage", election)):
        raise NotFound(_("The results are not published yet."))
    return tally.results(election)


@bp.route("/<int:election_id>/results")
@login_required
def results(election_id: int):
    """Each candidate's votes, turnout, every round, and the composition of those elected."""
    election = get_election(election_id)
    recalls = db.session.scalars(select(Recall).where(Recall.election_id == election.id).order_by(Recall.id)
                                 .options(selectinload(Recall.candidate).selectinload(Candidate.person))).all()
    return render_template("elections/results.html", election=election, result=_results_or_404(election),
                           recalls=[(r, recall.recall_supporters(r), recall.recall_state(election, r))
                                    for r in recalls],
                           on_roll=voter_record(election, current_user.id) is not None,
                           manage=can(current_user, "election.manage", election))


@bp.route("/<int:election_id>/announcement.pdf")
@login_required
def announcement(election_id: int):
    """The printable Chinese announcement."""
    election = get_election(election_id)
    pdf = documents.announcement_pdf(election, _results_or_404(election))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=election-{election.id}.pdf"})


@bp.route("/<int:election_id>/results.xlsx")
@login_required
def results_xlsx(election_id: int):
    """The results as a workbook."""
    election = get_election(election_id)
    data = documents.results_xlsx(election, _results_or_404(election))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=election-{election.id}.xlsx"})


@bp.route("/<int:election_id>/roll")
@login_required
def roll_page(election_id: int):
    """The published roll (names only), with excused voters marked."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_user, election):
        raise NotFound(_("The roll is not published yet."))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    listing = paginate(db.session, roll.roll_query(election), page, 100)
    rows, total = listing
    roll.mark_excuses(election, rows)
    return render_template("elections/roll.html", election=election, rows=rows, total=total, page=page,
                           pages=listing.pages, listing=listing, manage=can(current_user, "election.manage", election))


@bp.route("/<int:election_id>/proxies")
@login_required
def proxies(election_id: int):
    """The published list of who delegated their vote to whom (to those who may see the roll)."""
    election = get_election(election_id)
    if not roll.may_see_roll(current_user, election):
        raise NotFound(_("The roll is not published yet."))
    return render_template("elections/proxies.html", election=election, proxies=voting.proxies(election))


@bp.route("/<int:election_id>/apply", methods=["POST"])
@login_required
def apply(election_id: int):
    """A migrant applies to be on the roll."""
    election = get_election(election_id)
    back = url_for("elections.detail", election_id=election.id)
    redirect_to, _row = run(lambda: roll.apply_for_roll(current_user, election, bool(request.form.get("promise"))),
                            _("Your application was sent to the election committee."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/objections", methods=["POST"])
@login_required
def object_to_roll(election_id: int):
    """File an objection to the roll."""
    election = get_election(election_id)
    back = url_for("elections.detail", election_id=election.id)
    redirect_to, _row = run(lambda: roll.file_objection(current_user, election, request.form.get("text", "")),
                            _("Your objection was filed; the committee will answer it."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/nominations/<int:nomination_id>/support", methods=["POST"])
@login_required
def support(election_id: int, nomination_id: int):
    """Join a joint nomination."""
    election = get_election(election_id)
    back = url_for("elections.detail", election_id=election.id)
    nomination = get_or_404(Nomination, nomination_id)
    redirect_to, _n = run(lambda: cands.support_nomination(current_user, election, nomination),
                          _("You support this nomination."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/nominations", methods=["POST"])
@login_required
def nominate(election_id: int):
    """A voter starts a joint nomination of another voter on the roll, chosen by name with the person picker."""
    election = get_election(election_id)
    try:  # the picker checks that the actor may nominate before it looks the typed name up
        nominee = picked_person(current_user, request.form, ("election", election.id), cands.NOMINEE_PICKER,
                                "nominee")
        cands.nominate(current_user, election, nominee, "voters")
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if not error.fields.get("nominee"):  # a rule (not on the roll, already nominated): beside the field too
            error = Invalid(error.message, fields={"nominee": error.message})
        return _detail_page(election, nominate_form=request.form, nominate_error=error, status=error.status)
    flash(_("%(name)s is nominated; other voters can now support the nomination.", name=nominee.name), "success")
    return redirect(url_for("elections.detail", election_id=election.id, _anchor="nominate"))


@bp.route("/<int:election_id>/recalls", methods=["POST"])
@login_required
def propose_recall(election_id: int):
    """A voter proposes to recall a representative."""
    election = get_election(election_id)
    back = url_for("elections.results", election_id=election.id)
    candidate = get_or_404(Candidate, request.form.get("candidate_id", type=int))
    redirect_to, _r = run(lambda: recall.propose_recall(current_user, election, candidate,
                                                        request.form.get("reason", "")),
                          _("Recall proposed; at least one fifth of the voters must support it."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/recalls/<int:recall_id>/support", methods=["POST"])
@login_required
def support_recall(election_id: int, recall_id: int):
    """Support a recall proposal."""
    election = get_election(election_id)
    back = url_for("elections.results", election_id=election.id)
    row = get_or_404(Recall, recall_id)
    redirect_to, _n = run(lambda: recall.support_recall(current_user, election, row),
                          _("You support this recall."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/recalls/<int:recall_id>/result", methods=["POST"])
@login_required
def decide_recall(election_id: int, recall_id: int):
    """The committee enters the recall vote."""
    election = get_election(election_id)
    back = url_for("elections.results", election_id=election.id)
    row = get_or_404(Recall, recall_id)
    cast, for_ = request.form.get("votes_cast", type=int), request.form.get("votes_for", type=int)
    redirect_to, _n = run(lambda: recall.decide_recall(current_user, election, row, cast, for_),
                          _("The recall vote was recorded."), back)
    return redirect_to or redirect(back)


@bp.route("/<int:election_id>/recalls/<int:recall_id>/vote", methods=["POST"])
@login_required
def open_recall_vote(election_id: int, recall_id: int):
    """The committee opens the recall vote on the platform (secret ballot), from now until the time given."""
    from datetime import datetime

    election = get_election(election_id)
    back = url_for("elections.results", election_id=election.id)
    row = get_or_404(Recall, recall_id)
    try:
        closes_at = datetime.fromisoformat(request.form.get("closes_at", ""))
    except ValueError:
        closes_at = None  # the service names the field
    redirect_to, _r = run(lambda: recall.open_recall_vote(current_user, election, row, None, closes_at),
                          _("The recall vote is open."), back)
    return redirect_to or redirect(url_for("elections.vote", election_id=election.id))


from community.elections import ballot_views  # noqa: E402,F401  (the ballot's routes on the same blueprint)
