"""Pages of the roster: a branch's page (kind, rule, officers, pairings, members, join requests), setting
branches up, home-side organisations, adding members with the person picker, import and export; and the page
where a mobile party member asks to join a branch."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from branches import joining, roster, roster_excel
from branches.models import BRANCH_KINDS, Branch, BranchMember, HomeOrganisation, JoinRequest
from community.authz import can, require, scope_ids
from community.background import get_progress, start_job
from community.database import as_local, utcnow
from community.errors import DiskFull, DomainError
from community.files import save_upload
from community.listing import paginate
from community.people.forms import ImportForm
from community.people.models import mask_phone
from community.people.picker import picked_person
from community.places.models import Street

bp = Blueprint("roster", __name__, url_prefix="/admin/branches")
join_bp = Blueprint("branch_join", __name__, url_prefix="/branches")
PER_PAGE = 100  # members a roster page shows


def _today():
    return as_local(utcnow()).date()


def _branch(action: str, branch_id: int) -> Branch:
    """The branch, once the actor may do `action` in it (checked before the lookup)."""
    require(current_user, action, ("branch", branch_id))
    return roster.get_or_404(Branch, branch_id)


def _streets():
    ids = scope_ids(current_user, "branch.create", "street")
    statement = select(Street).order_by(Street.name)
    return db.session.scalars(statement if ids is None else statement.where(Street.id.in_(ids or [-1]))).all()


def _organisations():
    return db.session.scalars(select(HomeOrganisation).order_by(HomeOrganisation.region, HomeOrganisation.name)
                              .limit(500)).all()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Set up a branch of one's street."""
    require(current_user, "branch.create")
    error = None
    if request.method == "POST":
        try:
            branch = roster.create_branch(current_user, request.form.get("street_id", type=int), request.form)
        except DomainError as refused:
            if refused.status in (403, 404):
                raise
            error = refused
        else:
            flash(_("Branch “%(name)s” set up.", name=branch.name), "success")
            return redirect(url_for("roster.page", branch_id=branch.id))
    return render_template("branches/roster/edit.html", branch=None, streets=_streets(), kinds=BRANCH_KINDS,
                           form=request.form, error=error)


@bp.route("/<int:branch_id>/edit", methods=["GET", "POST"])
@login_required
def edit(branch_id: int):
    """Change a branch's name, kind, units, opening hours or services."""
    branch = _branch("branch.edit", branch_id)
    error = None
    if request.method == "POST":
        try:
            roster.update_branch(current_user, branch, request.form)
        except DomainError as refused:
            if refused.status in (403, 404):
                raise
            db.session.rollback()
            error = refused
        else:
            flash(_("Branch “%(name)s” saved.", name=branch.name), "success")
            return redirect(url_for("roster.page", branch_id=branch.id))
    form = request.form if request.method == "POST" else {
        "name": branch.name, "kind": branch.kind, "units": "\n".join(branch.units or []),
        "opening_hours": branch.opening_hours, "services": branch.services}
    return render_template("branches/roster/edit.html", branch=branch, streets=[], kinds=BRANCH_KINDS, form=form,
                           error=error)


def _page(branch: Branch, *, form=None, error=None, status: int = 200):
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    listing = paginate(db.session, roster.roster_query(branch.id, actor=current_user), page, PER_PAGE,
                       cursor=request.args.get("cursor"), keyset=True)
    members, total = listing
    full = roster.full_member_counts([branch.id])[branch.id]
    phones = roster.may_see_phone(current_user, branch)
    manage = can(current_user, "branch_member.manage", branch)
    return render_template(
        "branches/roster/page.html", branch=branch, members=members, full=full,
        meets=roster.meets_rule(branch, full), rule=roster.rule_message(branch, full),
        phone=(lambda m: m.person.phone) if phones else (lambda m: mask_phone(m.person.phone)),
        officers=roster.officers([branch.id])[branch.id], paired=roster.pairings([branch.id])[branch.id],
        organisations=_organisations(), requests=joining.pending_requests(branch.id) if manage else [],
        manage=manage, form=form or {}, error=error, total=total, page=page,
        pages=listing.pages, listing=listing), status


@bp.route("/<int:branch_id>")
@login_required
def page(branch_id: int):
    """A branch: its kind and rule, secretary and committee, pairings, roster and open join requests."""
    return _page(_branch("branch.list", branch_id))


@bp.route("/<int:branch_id>/members", methods=["POST"])
@login_required
def add_member(branch_id: int):
    """Add a member, chosen by name with the person picker."""
    branch = _branch("branch_member.add", branch_id)
    try:
        person = picked_person(current_user, request.form, ("branch", branch.id), "branch_member.add", "person")
        roster.add_member(current_user, branch, person, request.form, _today())
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        return _page(branch, form=request.form, error=refused, status=refused.status)
    flash(_("%(name)s is on the roster.", name=person.name), "success")
    return redirect(url_for("roster.page", branch_id=branch.id))


@bp.route("/<int:branch_id>/home-organisations", methods=["POST"])
@login_required
def pair(branch_id: int):
    """Pair the branch with a home-side organisation."""
    branch = _branch("branch.pair", branch_id)
    try:
        roster.pair(current_user, branch, request.form.get("home_organisation_id", type=int))
        flash(_("Paired."), "success")
    except DomainError as refused:
        if refused.status == 403:
            raise
        flash(refused.message, "danger")
    return redirect(url_for("roster.page", branch_id=branch.id))


@bp.route("/home-organisations", methods=["GET", "POST"])
@login_required
def organisations():
    """Home-side party organisations: the list, and a form to register one."""
    require(current_user, "home_organisation.create")
    error = None
    if request.method == "POST":
        try:
            made = roster.create_home_organisation(current_user, request.form.get("name"),
                                                   request.form.get("region"))
        except DomainError as refused:
            error = refused
        else:
            flash(_("“%(name)s” registered.", name=made.name), "success")
            return redirect(url_for("roster.organisations"))
    return render_template("branches/roster/organisations.html", organisations=_organisations(),
                           form=request.form, error=error)


@bp.route("/<int:branch_id>/positions", methods=["POST"])
@login_required
def add_position(branch_id: int):
    """Record a part-time position a member of the branch holds in a town or village."""
    branch = _branch("branch_member.manage", branch_id)
    member = db.session.get(BranchMember, request.form.get("member_id", type=int) or 0)
    try:
        if member is None or member.branch_id != branch.id:
            from community.errors import Invalid

            raise Invalid(_("Choose a member of this branch."), fields={"member_id": _("Choose a member.")})
        roster.add_position(current_user, member, request.form.get("title"), request.form.get("place"),
                            request.form.get("since"))
        flash(_("Position recorded."), "success")
    except DomainError as refused:
        db.session.rollback()
        flash(" ".join([refused.message, *refused.fields.values()]), "danger")
    return redirect(url_for("roster.page", branch_id=branch.id) + "#positions")


def _join_request(request_id: int) -> JoinRequest:
    require(current_user, "branch_member.manage")
    found = roster.get_or_404(JoinRequest, request_id)
    require(current_user, "branch_member.manage", found.branch)
    return found


@bp.route("/requests/<int:request_id>/accept", methods=["POST"])
@login_required
def accept(request_id: int):
    """Accept a request to join: the member goes on the roster and is told."""
    found = _join_request(request_id)
    try:
        joining.accept(current_user, found, _today())
        flash(_("%(name)s is on the roster; they have been told.", name=found.person.name), "success")
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    return redirect(url_for("roster.page", branch_id=found.branch_id))


@bp.route("/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(request_id: int):
    """Decline a request to join, with a reason the member reads."""
    found = _join_request(request_id)
    try:
        joining.decline(current_user, found, request.form.get("reason"))
        flash(_("Request declined; %(name)s has been told why.", name=found.person.name), "success")
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "danger")
    return redirect(url_for("roster.page", branch_id=found.branch_id))


# ------------------------------------------------------------------------------------------ import and export
@bp.route("/<int:branch_id>/export", methods=["POST"])
@login_required
def export(branch_id: int):
    """Export the roster to .xlsx (phones masked), in the background."""
    branch = _branch("branch_member.manage", branch_id)
    job_id = start_job(current_user.id, "branch_roster_export", current_user.id, branch.id)
    return redirect(url_for("roster.job", branch_id=branch.id, job_id=job_id))


@bp.route("/<int:branch_id>/import", methods=["GET", "POST"])
@login_required
def import_roster(branch_id: int):
    """Upload a roster workbook and see every bad row before anything is written."""
    branch = _branch("branch_member.manage", branch_id)
    form = ImportForm()
    if form.validate_on_submit():
        token = secrets.token_urlsafe(12)
        path = roster_excel.work_folder() / f"{current_user.id}-{token}.xlsx"
        try:
            save_upload(form.file.data, path, field="file")
        except DiskFull as error:  # said beside the file field; no file and no job are left behind
            form.file.errors.append(error.message)
            return render_template("branches/roster/import.html", branch=branch, form=form, summary=None,
                                   columns=roster_excel.COLUMNS), 507
        job_id = start_job(current_user.id, "branch_roster_check", current_user.id, branch.id, str(path))
        progress = get_progress(job_id, owner_id=current_user.id)
        if progress["state"] not in ("done", "failed"):
            return redirect(url_for("roster.job", branch_id=branch.id, job_id=job_id))
        return _show_check(branch, form, progress)
    return render_template("branches/roster/import.html", branch=branch, form=form, summary=None,
                           columns=roster_excel.COLUMNS)


@bp.route("/<int:branch_id>/import/check/<job_id>")
@login_required
def import_check(branch_id: int, job_id: str):
    """The result of checking an upload: every bad row, or a preview and the confirm button."""
    branch = _branch("branch_member.manage", branch_id)
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or progress["kind"] != "branch_roster_check":
        abort(404)
    if progress["state"] not in ("done", "failed"):
        return redirect(url_for("roster.job", branch_id=branch.id, job_id=job_id))
    return _show_check(branch, ImportForm(), progress)


@bp.route("/<int:branch_id>/jobs/<job_id>")
@login_required
def job(branch_id: int, job_id: str):
    """The progress of a roster's check, import or export (only its owner learns it exists)."""
    branch = _branch("branch_member.manage", branch_id)
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or not progress["kind"].startswith("branch_roster_"):
        abort(404)
    return render_template("branches/roster/job.html", branch=branch, job_id=job_id, progress=progress)


def _show_check(branch: Branch, form, progress: dict):
    summary = roster_excel.load_check(progress.get("file")) if progress["state"] == "done" else None
    if progress["state"] == "failed":
        flash(progress["error"], "danger")
    elif summary is None:
        flash(_("The uploaded file has expired. Please upload it again."), "danger")
    return render_template("branches/roster/import.html", branch=branch, form=form, summary=summary,
                           columns=roster_excel.COLUMNS)


@bp.route("/<int:branch_id>/import/<token>", methods=["POST"])
@login_required
def confirm_import(branch_id: int, token: str):
    """Write a checked roster, all rows or none, in the background."""
    branch = _branch("branch_member.manage", branch_id)
    path = roster_excel.work_folder() / f"{current_user.id}-{Path(token).name}.xlsx"
    claimed = path.with_name(f"{path.stem}-confirmed.xlsx")
    path.with_suffix(".json").unlink(missing_ok=True)
    try:  # of two confirmations of one upload, only one finds the file
        path.rename(claimed)
    except OSError:
        flash(_("The uploaded file has expired. Please upload it again."), "danger")
        return redirect(url_for("roster.import_roster", branch_id=branch.id))
    job_id = start_job(current_user.id, "branch_roster_import", current_user.id, branch.id, str(claimed))
    return redirect(url_for("roster.job", branch_id=branch.id, job_id=job_id))


# ------------------------------------------------------------------------------------------ asking to join
@join_bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    """A party member living here asks a branch of their street to take them in, with their card."""
    street_id = current_user.community.street_id if current_user.community else None
    branches = db.session.scalars(select(Branch).where(Branch.street_id == (street_id or -1))
                                  .order_by(Branch.name)).all()
    error = None
    if request.method == "POST":
        branch = next((b for b in branches if b.id == request.form.get("branch_id", type=int)), None)
        try:
            if branch is None:
                from community.errors import Invalid

                raise Invalid(_("Choose a branch of your street."),
                              fields={"branch_id": _("Choose a branch of your street.")})
            joining.ask_to_join(current_user, branch, request.form.get("card_number"),
                                request.form.get("home_organisation_id", type=int), request.form.get("note"))
        except DomainError as refused:
            db.session.rollback()
            error = refused
        else:
            flash(_("Your request has gone to the secretary of %(branch)s; you will be told the answer.",
                    branch=branch.name), "success")
            return redirect(url_for("branch_join.join"))
    mine = db.session.scalars(select(JoinRequest).where(JoinRequest.person_id == current_user.id)
                              .order_by(JoinRequest.created_at.desc()).limit(10)).all()
    return render_template("branches/roster/join.html", branches=branches, organisations=_organisations(),
                           mine=mine, member=roster.current_membership(current_user.id), form=request.form,
                           error=error)
