"""Pages of ranked allocations: the list, one allocation (its rule, applying, the public list, objections and
their answers), and the street administrator's steps (open, rank and publish, answer, make final, export)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from community.authz import can, require, scope_ids
from community.background import start_job
from community.database import parse_local, utcnow
from community.errors import DomainError, Invalid
from community.listing import paginate
from community.pages import FormFailure, redirect_to_section
from community.places.models import Street
from volunteers import allocation as A
from volunteers.redemptions_excel import ALLOCATION_TASK

bp = Blueprint("volunteer_allocations", __name__, url_prefix="/volunteers/allocations")
SHOWN = 500
PER_PAGE = 100


def _refused(error: DomainError) -> None:
    if error.status in (403, 404):
        raise error
    db.session.rollback()


def _moment(name: str) -> datetime | None:
    """A datetime-local field (naive: Asia/Shanghai)."""
    value = (request.form.get(name) or "").strip()
    try:
        return parse_local(datetime.fromisoformat(value)) if value else None
    except ValueError:
        raise Invalid(_("Give a date and time."), fields={name: _("Give a date and time.")}) from None


@bp.route("/")
@login_required
def index(failure: FormFailure | None = None):
    """Allocations of the resident's street (or the streets one manages), newest first; the form to open one."""
    managed = scope_ids(current_user, "allocation.manage", "street") if can(current_user, "allocation.manage") \
        else set()
    allocations = db.session.scalars(A.list_query(A.visible_street_ids(current_user)).limit(100)).all()
    streets = []
    if can(current_user, "allocation.manage"):
        statement = select(Street).order_by(Street.name)
        if managed is not None:
            statement = statement.where(Street.id.in_(sorted(managed) or [-1]))
        streets = db.session.scalars(statement.limit(100)).all()
    return render_template("volunteers/allocations/index.html", allocations=allocations, streets=streets,
                           kinds=A.KINDS, states=A.STATES, failure=failure or FormFailure())


@bp.route("/", methods=["POST"])
@login_required
def create():
    """Open an allocation of a street: title, kind, places and the application window."""
    require(current_user, "allocation.manage")
    street = db.session.get(Street, request.form.get("street_id", type=int) or 0)
    try:
        if street is None:
            raise Invalid(_("Choose the street."), fields={"street_id": _("Choose the street.")})
        data = {**request.form.to_dict(), "opens_at": _moment("opens_at"), "closes_at": _moment("closes_at")}
        allocation = A.create_allocation(current_user, street, data)
    except DomainError as error:
        _refused(error)
        return index(FormFailure("new", error, request.form)), error.status
    flash(_("Opened: %(title)s.", title=allocation.title), "success")
    return redirect_to_section(url_for("volunteer_allocations.page", allocation_id=allocation.id))


@bp.route("/<int:allocation_id>")
@login_required
def page(allocation_id: int, failure: FormFailure | None = None):
    """One allocation: the stated ranking rule, applying, the (public) list, objections and answers."""
    allocation = A.get_allocation(allocation_id)
    manages = can(current_user, "allocation.manage", allocation)
    page_number = min(max(request.args.get("page", 1, type=int) or 1, 1), 100000)
    listing = paginate(db.session, A.ranked_query(allocation.id), page_number, PER_PAGE)
    applications, total = listing
    mine = A._own_application(current_user, allocation)  # one query, whichever page shows it
    objections = db.session.scalars(A.objections_query(allocation.id).limit(SHOWN)).all()
    if not manages:  # others see their own objections only; everyone sees the answered count
        objections = [o for o in objections if o.application.person_id == current_user.id]
    return render_template("volunteers/allocations/page.html", allocation=allocation, manages=manages,
                           applications=applications, total=total, page=page_number,
                           pages=listing.pages, listing=listing, mine=mine, objections=objections, now=utcnow(),
                           open_objections=A.open_objections(allocation.id), kinds=A.KINDS, states=A.STATES,
                           tie_breaker=A.TIE_BREAKER, masked=A.masked_name, failure=failure or FormFailure())


def _step(allocation_id: int, form: str, action, success, anchor: str):
    allocation = A.get_allocation(allocation_id)
    try:
        action(allocation)
    except DomainError as error:
        _refused(error)
        return page(allocation.id, FormFailure(form, error, request.form)), error.status
    flash(success(allocation), "success")
    return redirect_to_section(url_for("volunteer_allocations.page", allocation_id=allocation.id), anchor)


@bp.route("/<int:allocation_id>/apply", methods=["POST"])
@login_required
def apply(allocation_id: int):
    """A resident applies, within the window."""
    return _step(allocation_id, "apply", lambda a: A.apply(current_user, a, request.form.get("note", "")),
                 lambda a: _("You have applied for %(title)s.", title=a.title), "apply")


@bp.route("/<int:allocation_id>/rank", methods=["POST"])
@login_required
def rank(allocation_id: int):
    """Rank the applications and publish the list for 7 days."""
    return _step(allocation_id, "steps", lambda a: A.publish_ranking(current_user, a),
                 lambda a: _("The list is published until %(until)s.", until=A._local(a.notice_until)), "list")


@bp.route("/<int:allocation_id>/objections", methods=["POST"])
@login_required
def object_to(allocation_id: int):
    """An applicant objects to the list during the notice."""
    return _step(allocation_id, "object", lambda a: A.object_to(current_user, a, request.form.get("text", "")),
                 lambda a: _("Your objection is recorded; the street will answer it."), "objections")


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
@login_required
def answer(objection_id: int):
    """The street administrator answers an objection."""
    objection = A.get_objection(objection_id)
    require(current_user, "allocation.manage", objection.allocation)
    return _step(objection.allocation_id, f"objection-{objection.id}",
                 lambda a: A.answer_objection(current_user, objection, request.form.get("answer", "")),
                 lambda a: _("The answer is recorded and the objector told."), "objections")


@bp.route("/<int:allocation_id>/final", methods=["POST"])
@login_required
def final(allocation_id: int):
    """After the notice, with every objection answered: the final list."""
    return _step(allocation_id, "steps", lambda a: A.finalise(current_user, a),
                 lambda a: _("The list of %(title)s is final.", title=a.title), "list")


@bp.route("/<int:allocation_id>/export", methods=["POST"])
@login_required
def export(allocation_id: int):
    """Export the ranked list to .xlsx on the task queue."""
    allocation = A.get_allocation(allocation_id)
    require(current_user, "allocation.manage", allocation)
    job_id = start_job(current_user.id, ALLOCATION_TASK, current_user.id, allocation.id)
    return redirect_to_section(url_for("volunteer_uses.export_job", job_id=job_id))
