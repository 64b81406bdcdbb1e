"""Pages of redemptions: the resident's catalogue and applications, the street's catalogue, the approver's
pending work (redemptions and objections), and the .xlsx export on the task queue."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from community.authz import can, require, scope_ids
from community.background import get_progress, start_job
from community.errors import DomainError
from community.pages import FormFailure, redirect_to_section
from community.places.models import Street
from volunteers import allocation as A
from volunteers import redemptions as R
from volunteers.exports import DOWNLOAD_NAMES
from volunteers.ledger import balance, balances
from volunteers.redemptions_excel import ALLOCATION_TASK, REDEMPTIONS_TASK, export_file

bp = Blueprint("volunteer_uses", __name__, url_prefix="/volunteers")
LIMIT = 100
# Every export this job page serves, with its download's name (the points' and activities' ones too).
EXPORTS = {REDEMPTIONS_TASK: "积分兑换.xlsx", ALLOCATION_TASK: "排序名单.xlsx", **DOWNLOAD_NAMES}


def _refused(error: DomainError) -> None:
    if error.status in (403, 404):
        raise error
    db.session.rollback()


@bp.route("/redeem")
@login_required
def redeem(failure: FormFailure | None = None):
    """The resident's catalogue (their street's items, with stock), their balance and their applications."""
    street_id = R.street_of(current_user)
    items = db.session.scalars(R.catalogue_query([street_id] if street_id else []).limit(LIMIT)).all()
    mine = db.session.scalars(R.mine_query(current_user.id).limit(LIMIT)).all()
    return render_template("volunteers/redemptions/redeem.html", items=items, mine=mine,
                           balance=balance(current_user.id), kinds=R.KINDS, states=R.STATES,
                           failure=failure or FormFailure())


@bp.route("/redeem/<int:item_id>", methods=["POST"])
@login_required
def apply(item_id: int):
    """Apply to redeem points for an item (quantity from the form)."""
    item = R.get_item(item_id)
    try:
        R.apply(current_user, item, request.form.get("quantity", "1"), request.form.get("note", ""))
    except DomainError as error:
        _refused(error)
        return redeem(FormFailure(f"item-{item.id}", error, request.form)), error.status
    flash(_("Applied for %(item)s; an administrator will answer.", item=item.name), "success")
    return redirect_to_section(url_for("volunteer_uses.redeem"), "mine")


@bp.route("/redemptions/<int:redemption_id>/withdraw", methods=["POST"])
@login_required
def withdraw(redemption_id: int):
    """The applicant withdraws a pending application."""
    redemption = R.get_redemption(current_user, redemption_id)
    try:
        R.withdraw(current_user, redemption)
    except DomainError as error:
        _refused(error)
        flash(error.message, "danger")
    else:
        flash(_("Withdrawn: %(item)s.", item=redemption.item.name), "success")
    return redirect_to_section(url_for("volunteer_uses.redeem"), "mine")


# ------------------------------------------------------------------------------------------ the street's catalogue
def _managed_streets() -> list[Street]:
    ids = scope_ids(current_user, "redemption_item.manage", "street")
    statement = select(Street).order_by(Street.name)
    if ids is not None:
        statement = statement.where(Street.id.in_(sorted(ids) or [-1]))
    return db.session.scalars(statement.limit(LIMIT)).all()


@bp.route("/catalogue")
@login_required
def catalogue(failure: FormFailure | None = None):
    """The street administrator's catalogue: every item with its price and stock, a form to add one."""
    require(current_user, "redemption_item.manage")
    streets = _managed_streets()
    items = db.session.scalars(R.catalogue_query([s.id for s in streets], active_only=False).limit(500)).all()
    return render_template("volunteers/redemptions/catalogue.html", streets=streets, items=items, kinds=R.KINDS,
                           failure=failure or FormFailure())


@bp.route("/catalogue", methods=["POST"])
@login_required
def add_item():
    """Add an item to a street's catalogue."""
    require(current_user, "redemption_item.manage")
    street = db.session.get(Street, request.form.get("street_id", type=int) or 0)
    try:
        if street is None:
            raise DomainError(_("Choose the street."), fields={"street_id": _("Choose the street.")})
        item = R.create_item(current_user, street, request.form)
    except DomainError as error:
        _refused(error)
        return catalogue(FormFailure("new", error, request.form)), error.status
    flash(_("Added to the catalogue: %(item)s.", item=item.name), "success")
    return redirect_to_section(url_for("volunteer_uses.catalogue"), "items")


@bp.route("/catalogue/<int:item_id>", methods=["POST"])
@login_required
def edit_item(item_id: int):
    """Change an item's price, stock or whether it is offered."""
    item = R.get_item(item_id)
    data = {**request.form.to_dict(), "is_active": request.form.get("is_active") == "1"}
    try:
        R.update_item(current_user, item, data)
    except DomainError as error:
        _refused(error)
        return catalogue(FormFailure(f"item-{item.id}", error, request.form)), error.status
    flash(ngettext("Saved: %(item)s, %(num)d in stock.", "Saved: %(item)s, %(num)d in stock.", item.stock,
                   item=item.name), "success")
    return redirect_to_section(url_for("volunteer_uses.catalogue"), f"item-{item.id}")


# ------------------------------------------------------------------------------------------ pending work
@bp.route("/approvals")
@login_required
def approvals(failure: FormFailure | None = None):
    """The approver's pending work: redemptions waiting in their scope, and open objections to their lists."""
    if not (can(current_user, "redemption.decide") or can(current_user, "allocation.manage")):
        require(current_user, "redemption.decide")
    waiting = db.session.scalars(R.scope_query(current_user).limit(LIMIT)).all() \
        if can(current_user, "redemption.decide") else []
    held = balances([r.person_id for r in waiting])
    objections = []
    if can(current_user, "allocation.manage"):
        streets = scope_ids(current_user, "allocation.manage", "street")
        statement = (select(A.AllocationObjection).join(A.Allocation)
                     .where(A.AllocationObjection.answered_at.is_(None))
                     .order_by(A.AllocationObjection.created_at).limit(LIMIT))
        if streets is not None:
            statement = statement.where(A.Allocation.street_id.in_(sorted(streets) or [-1]))
        objections = db.session.scalars(statement).all()
    return render_template("volunteers/redemptions/approvals.html", waiting=waiting, balances=held,
                           objections=objections, failure=failure or FormFailure())


@bp.route("/redemptions/<int:redemption_id>/approve", methods=["POST"])
@login_required
def approve(redemption_id: int):
    """Approve a redemption: points and stock are deducted together."""
    redemption = R.get_redemption(current_user, redemption_id)
    try:
        R.approve(current_user, redemption)
    except DomainError as error:
        _refused(error)
        return approvals(FormFailure(f"redemption-{redemption.id}", error, request.form)), error.status
    flash(ngettext("Approved: %(item)s for %(name)s; %(num)d point deducted.",
                   "Approved: %(item)s for %(name)s; %(num)d points deducted.", redemption.points,
                   item=redemption.item.name, name=redemption.person.name), "success")
    return redirect_to_section(url_for("volunteer_uses.approvals"), "redemptions")


@bp.route("/redemptions/<int:redemption_id>/decline", methods=["POST"])
@login_required
def decline(redemption_id: int):
    """Decline a redemption with a reason the applicant reads."""
    redemption = R.get_redemption(current_user, redemption_id)
    try:
        R.decline(current_user, redemption, request.form.get("reason", ""))
    except DomainError as error:
        _refused(error)
        return approvals(FormFailure(f"redemption-{redemption.id}", error, request.form)), error.status
    flash(_("Declined: %(item)s for %(name)s.", item=redemption.item.name, name=redemption.person.name),
          "success")
    return redirect_to_section(url_for("volunteer_uses.approvals"), "redemptions")


# ------------------------------------------------------------------------------------------ exports
@bp.route("/redemptions/export", methods=["POST"])
@login_required
def export():
    """Export the redemptions of the actor's scope to .xlsx, on the task queue."""
    require(current_user, "redemption.export")
    state = request.form.get("state") if request.form.get("state") in R.STATES else None
    job_id = start_job(current_user.id, REDEMPTIONS_TASK, current_user.id, state)
    return redirect_to_section(url_for("volunteer_uses.export_job", job_id=job_id))


def _own_export(job_id: str) -> dict:
    progress = get_progress(job_id, owner_id=current_user.id)
    if not progress or progress.get("kind") not in EXPORTS:
        abort(404)
    return progress


@bp.route("/exports/<job_id>")
@login_required
def export_job(job_id: str):
    """An export's progress; when done, its download (reload the page to look again)."""
    return render_template("volunteers/redemptions/export.html", job_id=job_id, progress=_own_export(job_id))


@bp.route("/exports/<job_id>.xlsx")
@login_required
def export_download(job_id: str):
    """The finished workbook, for the person who asked for it."""
    progress = _own_export(job_id)
    path = export_file(job_id)
    if progress.get("state") != "done" or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=EXPORTS[progress["kind"]])
