"""Pages of mediation: the list of one's cases, opening a case, a case with its parties, sessions and outcome.

Thin over community/discussions/mediation.py: every form posts, then redirects back to its section; a refused
form is shown again with its errors beside the fields and what was typed kept.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from community.authz import can, require, scope_names
from community.confirm import ask, is_confirmed
from community.discussions import mediation as M
from community.discussions.mediation_forms import (
    KIND_LABELS,
    OUTCOME_LABELS,
    PARTY_ROWS,
    CaseForm,
    OutcomeForm,
    SessionForm,
)
from community.errors import DomainError
from community.listing import paginate
from community.text_input import text_checked_by

bp = Blueprint("mediation", __name__, url_prefix="/mediation")
PER_PAGE = 30


def errors_to(form, error: DomainError) -> dict:
    """Put a service's field errors beside the form's fields; returns those that fit no field (flashed once)."""
    if error.status in (403, 404) and not error.fields:
        raise error
    rest = {}
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*(field.errors or []), message]
        else:
            rest[name] = message
    if not error.fields:
        flash(error.message, "danger")
    return rest


@bp.route("/")
@login_required
def index():
    """The cases the person mediates, or all cases of the communities they administer; open ones or by outcome."""
    outcome = request.args.get("outcome") or ""
    community_id = request.args.get("community_id", type=int)
    page = request.args.get("page", 1, type=int) or 1
    statement = M.cases_query(current_user, community_id=community_id, outcome=outcome)
    listing = paginate(db.session, statement, page, PER_PAGE)
    rows, total = listing
    names = scope_names({("community", c.community_id) for c in rows})
    return render_template("discussions/mediation/index.html", cases=rows, names=names, total=total, page=page,
                           pages=listing.pages, listing=listing, outcome=outcome, kinds=KIND_LABELS,
                           outcomes=OUTCOME_LABELS, may_open=can(current_user, "mediation.open"))


def _party_values() -> list[dict]:
    return [{key: request.form.get(f"party_{i}_{key}", "") for key in ("name", "phone", "side")}
            for i in range(PARTY_ROWS)]


@bp.route("/new", methods=["GET", "POST"])
@text_checked_by(CaseForm)
@login_required
def new():
    """Open a case: first the community (when the person serves several), then the dispute and its parties."""
    require(current_user, "mediation.open")
    communities = M.communities_for(current_user)
    chosen = request.values.get("community_id", type=int)
    if chosen not in dict(communities):
        if len(communities) != 1:
            return render_template("discussions/mediation/choose_community.html", communities=communities)
        chosen = communities[0][0]
    assign = can(current_user, "mediation.assign", ("community", chosen))
    form, problems, picker_error = CaseForm(), {}, None
    if form.validate_on_submit():
        data = {"kind": form.kind.data, "title": form.title.data, "summary": form.summary.data or "",
                "opened_on": form.opened_on.data, "parties": _party_values()}
        try:
            if assign:
                from community.people.picker import picked_person

                data["mediator_id"] = picked_person(current_user, request.form, ("community", chosen),
                                                    "mediation.assign", "mediator").id
            case = M.open_case(current_user, chosen, data)
        except DomainError as error:
            problems = errors_to(form, error)
            picker_error = error if "mediator" in (error.fields or {}) else None
        else:
            flash(_("The case is opened. Record its sessions as they happen."), "success")
            return redirect(url_for("mediation.detail", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return render_template("discussions/mediation/new.html", form=form, community_id=chosen,
                           community=dict(communities)[chosen], assign=assign, parties=_party_values(),
                           problems=problems, picker_error=picker_error, rows=PARTY_ROWS), status


def _page(case, status: int = 200, session_form=None, outcome_form=None):
    """The case's page; forms given are shown as posted (with their errors)."""
    return render_template(
        "discussions/mediation/detail.html", case=case, parties=M.parties(case), sessions=M.sessions(case),
        community=scope_names([case.authz_scope]).get(case.authz_scope, ""), kinds=KIND_LABELS,
        outcomes=OUTCOME_LABELS, session_form=session_form or SessionForm(formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None)), status


@bp.route("/<int:case_id>")
@login_required
def detail(case_id: int):
    """A case, for its mediator and the administrators over it: parties, sessions, outcome."""
    return _page(M.view_case(current_user, case_id))


@bp.route("/<int:case_id>/sessions", methods=["POST"])
@text_checked_by(SessionForm)
@login_required
def add_session(case_id: int):
    """Record a session: date, place, notes."""
    case = M.get_case(current_user, case_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            M.add_session(current_user, case, {"held_on": form.held_on.data, "place": form.place.data,
                                               "notes": form.notes.data or ""})
        except DomainError as error:
            errors_to(form, error)
        else:
            flash(_("The session is recorded."), "success")
            return redirect(url_for("mediation.detail", case_id=case.id) + "#sessions")
    return _page(case, 422, session_form=form)


@bp.route("/<int:case_id>/outcome", methods=["POST"])
@text_checked_by(OutcomeForm)
@login_required
def outcome(case_id: int):
    """Close the case with its outcome, after a confirmation step (an outcome is not changed afterwards)."""
    case = M.get_case(current_user, case_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        if not is_confirmed():
            back = url_for("mediation.detail", case_id=case.id) + "#case-outcome"
            return ask(_("Close the case"), _("Close “%(title)s” as: %(outcome)s.", title=case.title,
                                             outcome=OUTCOME_LABELS[form.outcome.data]),
                       _("Yes, close the case"), back)
        try:
            M.record_outcome(current_user, case, {"outcome": form.outcome.data,
                                                  "outcome_note": form.outcome_note.data or "",
                                                  "referred_to": form.referred_to.data or ""})
        except DomainError as error:
            errors_to(form, error)
            db.session.refresh(case)
        else:
            flash(_("The case is closed: %(outcome)s.", outcome=OUTCOME_LABELS[case.outcome]), "success")
            return redirect(url_for("mediation.detail", case_id=case.id) + "#case-outcome")
    return _page(case, 422, outcome_form=form)
