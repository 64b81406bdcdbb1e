"""The election committee's pages: set up, roll, candidates, officials, proxies, status, paper ballots."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.authz import can, require
from community.database import as_local
from community.elections.forms import ElectionForm
from community.elections.models import Candidate, RollObjection, VoterRecord
from community.elections.rules import REMINDER_AUDIENCE, reminder_moments
from community.elections.services import ballot_key, lifecycle, paper, roll, setup, voting
from community.elections.services import candidates as cands
from community.elections.services.common import (
    current_round,
    get_election,
    get_or_404,
    officials,
    resident,
    roll_counts,
)
from community.elections.views import _ints, run
from community.errors import DomainError
from community.people.models import Person
from community.places.models import Community, Grid
from community.places.services import communities_for
from community.roles.models import RoleGrant
from community.text_input import text_checked_by

bp = Blueprint("elections_manage", __name__, url_prefix="/elections")


def _person_from_form(election, field: str = "phone") -> Person:
    """The resident a form names by phone number (or id)."""
    return resident(election, request.form.get(field), field)


def _back(election) -> str:
    return url_for("elections_manage.manage", election_id=election.id)


def grid_choices(communities) -> list[tuple[int, str]]:
    """Grids of these communities for the residents'-group choice (one query)."""
    names = {c.id: c.name for c in communities}
    grids = db.session.scalars(select(Grid).where(Grid.community_id.in_(list(names) or [-1]))
                               .order_by(Grid.community_id, Grid.name)).all()
    return [(0, str(_("The whole community")))] + [(g.id, f"{names[g.community_id]} · {g.name}") for g in grids]


@bp.route("/new", methods=["GET", "POST"])
@text_checked_by(ElectionForm)
@login_required
def create():
    """Create an election in draft, with the default rules shown and changeable."""
    require(current_user, "election.create")
    form = ElectionForm()
    communities = db.session.scalars(communities_for(current_user, "election.create")).all()
    form.community_id.choices = [(c.id, c.name) for c in communities]
    form.grid_id.choices = grid_choices(communities)
    if form.validate_on_submit():
        community = get_or_404(Community, form.community_id.data)
        try:
            election = setup.create_election(current_user, community, form.settings())
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash(error.message, "danger")
        else:
            flash(_("The election was created as a draft."), "success")
            return redirect(url_for("elections_manage.manage", election_id=election.id))
    return render_template("elections/form.html", form=form)


@bp.route("/<int:election_id>/manage")
@login_required
def manage(election_id: int):
    """Everything the committee does, by step."""
    election = get_election(election_id)
    require(current_user, "election.manage", election)
    registered, excused = roll_counts(election)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.scope_type == "election",
                                                        RoleGrant.scope_id == election.id)
                                .order_by(RoleGrant.role, RoleGrant.id)).all()
    people = {p.id: p for p in db.session.scalars(select(Person).where(
        Person.id.in_([g.person_id for g in grants] or [-1])))}
    applications = db.session.scalars(roll.roll_query(election).where(VoterRecord.status == "applied")).all()
    objections = db.session.scalars(select(RollObjection).where(RollObjection.election_id == election.id)
                                    .order_by(RollObjection.filed_at)).all()
    round_ = current_round(election)
    return render_template(
        "elections/manage.html", election=election, registered=registered, excused=excused, grants=grants,
        people=people, applications=applications, objections=objections, candidates=cands.candidates(election),
        nominations=cands.nominations(election), proxies=voting.proxies(election), round=round_,
        committee=len(officials(election, "election_committee")), key=ballot_key.key_status(election),
        may_appoint=can(current_user, "election.appoint", election),
        sheets=paper.sheets(election) if round_ and round_.status == "closed" else [],
        reminders=[(kind, due, REMINDER_AUDIENCE[kind]) for kind, due in reminder_moments(election)])


def _post(election_id: int, action, success: str, need: str = "election.manage"):
    """Run a committee form's action; permission is checked first, before any form value is looked up,
    so a stranger gets the same 403 whatever they post (no phone-number oracle)."""
    election = get_election(election_id)
    require(current_user, need, election)
    redirect_to, _result = run(lambda: action(election), success, _back(election))
    return redirect_to or redirect(_back(election))


@bp.route("/<int:election_id>/manage/status", methods=["POST"])
@login_required
def status(election_id: int):
    """Take the next step (rules checked by the service)."""
    data = {key: request.form.get(key) or None for key in ("opens_at", "closes_at")}
    for key, value in list(data.items()):
        if value:
            from datetime import datetime

            try:
                data[key] = datetime.fromisoformat(value)
            except ValueError:
                data[key] = None
    return _post(election_id, lambda e: lifecycle.change_status(current_user, e, request.form.get("status", ""),
                                                                 data=data), _("Done."))


@bp.route("/<int:election_id>/manage/build-roll", methods=["POST"])
@login_required
def build_roll(election_id: int):
    """Add every eligible local resident."""
    election = get_election(election_id)
    require(current_user, "election.manage", election)
    redirect_to, result = run(lambda: roll.build_roll(current_user, election), None, _back(election))
    if redirect_to:
        return redirect_to
    flash(_("%(n)d voters added. Not added: %(skipped)s", n=result["added"],
            skipped=", ".join(f"{k} {v}" for k, v in result["skipped"].items()) or "—"), "success")
    return redirect(_back(election))


@bp.route("/<int:election_id>/manage/voters", methods=["POST"])
@login_required
def add_voter(election_id: int):
    """Add (or approve the application of) one resident."""
    return _post(election_id, lambda e: roll.add_voter(
        current_user, e, _person_from_form(e), promise_signed=bool(request.form.get("promise")),
        household=request.form.get("household")), _("Added to the roll."))


@bp.route("/<int:election_id>/manage/voters/<int:person_id>/excuse", methods=["POST"])
@login_required
def excuse(election_id: int, person_id: int):
    """Mark a voter as excused."""
    return _post(election_id, lambda e: roll.excuse_voter(current_user, e, person_id), _("Recorded."))


@bp.route("/<int:election_id>/manage/voters/<int:person_id>/remove", methods=["POST"])
@login_required
def remove_voter(election_id: int, person_id: int):
    """Take a person off the roll."""
    return _post(election_id, lambda e: roll.remove_voter(current_user, e, person_id,
                                                           request.form.get("reason", "")), _("Removed."))


@bp.route("/<int:election_id>/manage/objections/<int:objection_id>", methods=["POST"])
@login_required
def answer(election_id: int, objection_id: int):
    """Answer an objection."""
    return _post(election_id, lambda e: roll.answer_objection(
        current_user, e, get_or_404(RollObjection, objection_id), request.form.get("answer"),
        request.form.get("outcome")), _("Answered."))


@bp.route("/<int:election_id>/manage/officials", methods=["POST"])
@login_required
def appoint(election_id: int):
    """Appoint a committee member or a counter."""
    return _post(election_id, lambda e: setup.appoint(current_user, e, _person_from_form(e),
                                                       request.form.get("role", "")), _("Appointed."),
                 need="election.appoint")


@bp.route("/<int:election_id>/manage/candidates", methods=["POST"])
@login_required
def add_candidate(election_id: int):
    """Put a nominee or the committee's own nominee on the list."""
    return _post(election_id, lambda e: cands.add_candidate(current_user, e, _person_from_form(e)),
                 _("Added to the candidate list."))


@bp.route("/<int:election_id>/manage/candidates/<int:candidate_id>/remove", methods=["POST"])
@login_required
def remove_candidate(election_id: int, candidate_id: int):
    """Withdraw a candidate before the list is published."""
    return _post(election_id, lambda e: cands.remove_candidate(current_user, e, get_or_404(Candidate, candidate_id)),
                 _("Removed."))


@bp.route("/<int:election_id>/manage/nominations", methods=["POST"])
@login_required
def nominate(election_id: int):
    """Nominate on behalf of a residents' group or the committee."""
    return _post(election_id, lambda e: cands.nominate(current_user, e, _person_from_form(e),
                                                       request.form.get("kind", "committee"),
                                                       request.form.get("group_name", "")), _("Nominated."))


@bp.route("/<int:election_id>/manage/proxies", methods=["POST"])
@login_required
def approve_proxy(election_id: int):
    """Record an approved written proxy."""
    return _post(election_id, lambda e: voting.approve_proxy(current_user, e, _person_from_form(e, "principal"),
                                                             _person_from_form(e, "proxy"),
                                                             request.form.get("note", "")), _("Proxy approved."))


@bp.route("/<int:election_id>/manage/paper-issued", methods=["POST"])
@login_required
def issue_paper(election_id: int):
    """Tick off a voter who took a paper ballot."""
    return _post(election_id, lambda e: paper.issue_paper_ballot(current_user, e, _person_from_form(e),
                                                                 request.form.get("box", "hall")),
                 _("Recorded: the voter took a paper ballot."))


@bp.route("/<int:election_id>/paper", methods=["GET", "POST"])
@login_required
def paper_entry(election_id: int):
    """Counters type in paper sheets; differences are flagged until the committee resolves them."""
    election = get_election(election_id)
    if not can(current_user, "election.enter_paper", election):
        require(current_user, "election.manage", election)
    back = url_for("elections_manage.paper_entry", election_id=election.id)
    if request.method == "POST":
        ids = _ints(request.form.getlist("candidate_id"))
        sheet_no = request.form.get("sheet_no", type=int) or 0
        box, blank = request.form.get("box", "hall"), bool(request.form.get("blank"))
        if request.form.get("resolve"):
            action = lambda: paper.resolve_sheet(current_user, election, box, sheet_no, ids, blank)  # noqa: E731
        else:
            action = lambda: paper.enter_paper_ballot(current_user, election, box, sheet_no, ids, blank)  # noqa: E731
        redirect_to, _row = run(action, _("Sheet saved."), back)
        return redirect_to or redirect(back)
    round_ = current_round(election)
    standing = db.session.scalars(select(Candidate).where(Candidate.id.in_(
        [t.candidate_id for t in round_.tallies] if round_ else [-1])).options(selectinload(Candidate.person))
        .order_by(Candidate.id)).all()
    return render_template("elections/paper.html", election=election, round=round_, standing=standing,
                           sheets=paper.sheets(election) if round_ else [],
                           may_resolve=can(current_user, "election.manage", election))


@bp.route("/<int:election_id>/manage/settings", methods=["GET", "POST"])
@text_checked_by(ElectionForm)
@login_required
def settings(election_id: int):
    """Change the seats, schedule and rule settings while the election is a draft."""
    election = get_election(election_id)
    require(current_user, "election.manage", election)
    form = ElectionForm(obj=election)
    form.community_id.choices = [(election.community_id, election.community.name)]
    form.grid_id.choices = grid_choices([election.community])
    if request.method == "GET":
        form.grid_id.data = election.grid_id or 0
    if request.method == "GET":
        for name in ("voting_opens_at", "voting_closes_at"):
            moment = getattr(election, name)
            getattr(form, name).data = as_local(moment).replace(tzinfo=None) if moment else None
    if form.validate_on_submit():
        data = form.settings()
        if election.status != "draft":
            data = {k: v for k, v in data.items() if k in ("title", "voting_closes_at")}
        try:
            setup.update_settings(current_user, election, data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            flash(error.message, "danger")
        else:
            flash(_("Saved."), "success")
            return redirect(_back(election))
    return render_template("elections/form.html", form=form, election=election)
