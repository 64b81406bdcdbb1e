"""Pages of two-place management: a liaison's members, and the monthly report (for the liaison, and for a
host branch's secretary for each paired organisation)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from branches import liaison as L
from branches.dues import month_start, parse_month
from branches.liaison_report import report_files
from branches.models import Branch, BranchHomeOrganisation
from community.authz import can, grants_of, require
from community.background import get_progress, start_job
from community.database import utcnow
from community.errors import DomainError, NotFound

bp = Blueprint("branch_liaison", __name__)
PER_PAGE = 50


def may_report(actor, organisation_id: int, branch_id: int | None) -> bool:
    """A liaison for their organisation; a host branch's secretary for an organisation paired with the branch."""
    if branch_id is None:
        return can(actor, "home_report.make", ("home_organisation", organisation_id))
    if not can(actor, "home_report.branch", ("branch", branch_id)):
        return False
    return db.session.scalar(db.select(BranchHomeOrganisation.id).where(
        BranchHomeOrganisation.branch_id == branch_id,
        BranchHomeOrganisation.home_organisation_id == organisation_id)) is not None


def _month() -> date:
    """The month asked for (?month=YYYY-MM or the form's), else this month."""
    value = request.values.get("month", "")
    try:
        return parse_month(value, "month") if value else month_start(utcnow().date())
    except DomainError:
        return month_start(utcnow().date())


@bp.route("/liaison/")
@login_required
def home():
    """The organisations the signed-in liaison follows; straight to the members when there is one."""
    require(current_user, "home_member.list")
    ids = sorted({g.scope_id for g in grants_of(current_user) if g.role == "liaison"
                  and g.scope_type == "home_organisation"})
    if len(ids) == 1:
        return redirect(url_for("branch_liaison.members", organisation_id=ids[0]))
    from branches.models import HomeOrganisation

    organisations = db.session.scalars(db.select(HomeOrganisation).where(HomeOrganisation.id.in_(ids))
                                       .order_by(HomeOrganisation.name)).all() if ids else []
    return render_template("branches/liaison/home.html", organisations=organisations)


@bp.route("/liaison/<int:organisation_id>/")
@login_required
def members(organisation_id: int):
    """The organisation's members in every branch: attendance, dues, flags, the last meetings attended (one
    page, a few queries whatever its length)."""
    require(current_user, "home_member.list", ("home_organisation", organisation_id))  # before the lookup
    organisation = L.get_organisation(organisation_id)
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10000))
    today = utcnow().date()
    lines, total = L.members_page(organisation.id, today, page, PER_PAGE)
    from community.meetings.kinds import meeting_kinds

    kinds = meeting_kinds()
    return render_template("branches/liaison/members.html", organisation=organisation, lines=lines, total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)), month=month_start(today),
                           today=today, kind_labels={k: kinds[k].label for k in L.BRANCH_MEETING_KINDS if k in kinds})


@bp.route("/liaison/<int:organisation_id>/report", methods=["POST"])
@login_required
def report(organisation_id: int):
    """Make the organisation's monthly report (.xlsx and PDF) on the task queue."""
    require(current_user, "home_report.make", ("home_organisation", organisation_id))  # before the lookup
    L.get_organisation(organisation_id)
    job_id = start_job(current_user.id, "branches.home_report", current_user.id, organisation_id,
                       _month().isoformat(), None)
    return redirect(url_for("branch_liaison.report_job", job_id=job_id))


@bp.route("/admin/branches/<int:branch_id>/home-organisations")
@login_required
def paired(branch_id: int):
    """The secretary's page: the organisations paired with the branch, each with its monthly report."""
    require(current_user, "home_report.branch", ("branch", branch_id))
    branch = db.session.get(Branch, branch_id) or abort(404)
    organisations = L.paired_organisations(branch.id)
    found = L.counts_in_branch(branch.id)
    counts = {o.id: found.get(o.id, 0) for o in organisations}
    return render_template("branches/liaison/paired.html", branch=branch, organisations=organisations,
                           counts=counts, month=month_start(utcnow().date()))


@bp.route("/admin/branches/<int:branch_id>/home-organisations/<int:organisation_id>/report", methods=["POST"])
@login_required
def branch_report(branch_id: int, organisation_id: int):
    """The host branch's report to a paired organisation: its members in this branch."""
    require(current_user, "home_report.branch", ("branch", branch_id))
    if not may_report(current_user, organisation_id, branch_id):
        raise NotFound(_("This organisation is not paired with the branch."))
    job_id = start_job(current_user.id, "branches.home_report", current_user.id, organisation_id,
                       _month().isoformat(), branch_id)
    return redirect(url_for("branch_liaison.report_job", job_id=job_id))


def _own_job(job_id: str) -> dict:
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or progress.get("kind") != "branches.home_report":
        abort(404)
    return progress


@bp.route("/liaison/reports/<job_id>")
@login_required
def report_job(job_id: str):
    """The report's progress; when done, its two downloads (the page works without JavaScript: reload it)."""
    return render_template("branches/liaison/report.html", job_id=job_id, progress=_own_job(job_id))


@bp.route("/liaison/reports/<job_id>.<any(xlsx, pdf):kind>")
@login_required
def report_download(job_id: str, kind: str):
    """A finished report file, for the person who asked for it."""
    progress = _own_job(job_id)
    path = report_files(job_id)[kind]
    if progress.get("state") != "done" or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"两地管理月报.{kind}")
