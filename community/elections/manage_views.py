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
    roll_counts,
)
from community.elections.views import _ints, run
from community.errors import DomainError
from community.pages import FormFailure, redirect_to_section
from community.people.models import Person
from community.places.models import Community, Grid
from community.places.services import communities_for
from community.roles.models import RoleGrant
from community.text_input import text_checked_by

bp = Blueprint("elections_manage", __name__, url_prefix="/elections")


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
    return page(election)


def page(election, failed: FormFailure | None = None, confirm: dict | None = None, status: int = 200):
    """The manage page; after a refused form, with its error beside the field and what was typed kept, or with
    a confirmation step (`confirm`: section, text, action, hidden fields, button) in its section."""
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
    steps = lifecycle.next_steps(election)
    return render_template(
        "elections/manage.html", election=election, registered=registered, excused=excused, grants=grants,
        people=people, applications=applications, objections=objections, candidates=cands.candidates(election),
        nominations=cands.nominations(election), proxies=voting.proxies(election), round=round_,
        committee=len(officials(election, "election_committee")), key=ballot_key.key_status(election),
        may_appoint=can(current_user, "election.appoint", election),
        reachable=[s for s, why in steps if why is None], blocked=[(s, why) for s, why in steps if why],
        failed=failed or FormFailure(), confirm=confirm, scope=("election", election.id),
        sheets=paper.sheets(election) if round_ and round_.status == "closed" else [],
        reminders=[(kind, due, REMINDER_AUDIENCE[kind]) for kind, due in reminder_moments(election)]), status


def act(election_id: int, form: str, anchor: str, action, *, main: str | None = "person", fields=(),
        need: str = "election.manage"):
    """Run one of the committee's forms: permission first (before any value of the form is looked up, so a
    stranger gets the same 403 whatever they post); then the action, which returns the sentence saying what
    happened (flashed, then back to the form's section), or a response of its own (a confirmation step). A
    refusal re-renders the page with the error beside the field (`main` for a rule naming no field)."""
    election = get_election(election_id)
    require(current_user, need, election)
    try:
        outcome = action(election)
    except DomainError as error:
        if error.status == 404:
            raise
        failed = FormFailure(form, error, request.form)
        failed.attach(main, (main, *fields) if main else fields)
        return page(election, failed, status=422 if error.status == 403 else error.status)
    if not isinstance(outcome, str):
        return outcome
    flash(outcome, "success")
    return after(election, anchor)


def after(election, anchor: str):
    """Back to the section; or, when the actor may no longer run the election (he left its committee to stand
    as a candidate), to the election's own page: never a success message over a refusal."""
    if can(current_user, "election.manage", election):
        return redirect_to_section(_back(election), anchor)
    flash(_("You are no longer on the election committee, so you no longer run this election."), "info")
    return redirect(url_for("elections.detail", election_id=election.id))


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


from community.elections import manage_forms  # noqa: E402,F401  (the committee's forms, on this blueprint)
