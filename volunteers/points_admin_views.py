"""The street administrator's pages for scoring authority: organisations, their quotas and members, the caps."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from community.authz import community_condition, require, scope_ids
from community.confirm import ask, is_confirmed
from community.database import as_local, utcnow, valid_id
from community.errors import DomainError, NotFound
from community.listing import paginate
from community.pages import FormFailure
from community.people.picker import picked_person
from community.places.models import Community, Street
from volunteers import organisations as O
from volunteers.ledger import CATEGORIES
from volunteers.points_models import ORGANISATION_KINDS, OrganisationMember
from volunteers.points_views import CATEGORY_LABELS

bp = Blueprint("points_admin", __name__, url_prefix="/admin/points")
PER_PAGE = 50
KIND_LABELS = {"enterprise": _l("Enterprise"), "community": _l("Community"), "grid": _l("Grid")}


def _communities():
    """The communities where the actor may register organisations, by name (for the form's choice)."""
    condition = community_condition(current_user, "organisation.create", Community.id)
    statement = select(Community).order_by(Community.name)
    return db.session.scalars(statement.where(condition) if condition is not None else statement).all()


def _list_page(failure: FormFailure | None = None, status: int = 200):
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100000)
    listing = paginate(db.session, O.organisations_query(current_user, "organisation.manage"), page, PER_PAGE)
    rows, total = listing
    left = O.remaining_by_organisation([o.id for o in rows], as_local(utcnow()).date())
    streets = scope_ids(current_user, "points_rules.set", "street")
    street_rows = db.session.scalars(select(Street).where(Street.id.in_(sorted(streets))) if streets is not None
                                     else select(Street).order_by(Street.name).limit(50)).all()
    return render_template("volunteers/points/organisations.html", organisations=rows, total=total, page=page,
                           pages=listing.pages, listing=listing, left=left, communities=_communities(),
                           kinds=KIND_LABELS, failure=failure or FormFailure(), streets=street_rows), status


@bp.route("/organisations")
@login_required
def organisations():
    """The street's scoring organisations with their quota left, and the form to register one."""
    require(current_user, "organisation.manage")
    return _list_page()


@bp.route("/organisations", methods=["POST"])
@login_required
def create():
    """Register a scoring organisation."""
    require(current_user, "organisation.create")
    data = {"name": request.form.get("name", ""), "kind": request.form.get("kind"),
            "community_id": request.form.get("community_id", type=int)}
    try:
        organisation = O.create_organisation(current_user, data)
    except DomainError as refused:
        if refused.status in (403, 404) and not refused.fields:
            raise
        db.session.rollback()
        failure = FormFailure("create", refused, request.form)
        failure.attach("name", ("name", "kind", "community_id"))
        return _list_page(failure, 422)
    flash(_("%(name)s is registered. Give it a quota next.", name=organisation.name), "success")
    return redirect(url_for("points_admin.organisation", organisation_id=organisation.id))


def _detail(organisation, failure: FormFailure | None = None, status: int = 200):
    members = []
    if not organisation.counts_residents:  # the query loads each member's person with it
        members = db.session.scalars(O.members_query(organisation).limit(200)).all()
    return render_template("volunteers/points/organisation.html", organisation=organisation,
                           quotas=O.quotas_of(organisation), members=members, kinds=KIND_LABELS,
                           failure=failure or FormFailure()), status


@bp.route("/organisations/<int:organisation_id>")
@login_required
def organisation(organisation_id: int):
    """An organisation: its quotas per period, the form to set one, and (enterprise, grid) its members."""
    return _detail(O.get_organisation(current_user, organisation_id, "organisation.manage"))


@bp.route("/organisations/<int:organisation_id>/quotas", methods=["POST"])
@login_required
def set_quota(organisation_id: int):
    """Give the organisation a quota for a period, or change that period's quota."""
    organisation = O.get_organisation(current_user, organisation_id, "quota.set")
    try:
        quota, created = O.set_quota(current_user, organisation, request.form.get("period"),
                                     request.form.get("points", "").strip() or None)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        failure = FormFailure("quota", refused, request.form)
        failure.attach("points", ("period", "points"))
        return _detail(organisation, failure, 422)
    flash(ngettext("Quota for %(period)s: %(num)d point.", "Quota for %(period)s: %(num)d points.", quota.points,
                   period=quota.period), "success")
    return redirect(url_for("points_admin.organisation", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/members", methods=["POST"])
@login_required
def add_member(organisation_id: int):
    """Register a member (an employee, a household of the grid), chosen with the person picker."""
    organisation = O.get_organisation(current_user, organisation_id, "organisation.manage")
    try:
        person = picked_person(current_user, request.form, organisation.authz_scope, "organisation.manage")
        O.add_member(current_user, organisation, person)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        return _detail(organisation, FormFailure("member", refused, request.form), 422)
    flash(_("%(name)s is a member of %(org)s.", name=person.name, org=organisation.name), "success")
    return redirect(url_for("points_admin.organisation", organisation_id=organisation.id))


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(member_id: int):
    """Take a person off the member list (the points they received stay)."""
    require(current_user, "organisation.manage")
    member = db.session.get(OrganisationMember, member_id) if valid_id(member_id) else None
    if member is None:
        raise NotFound(_("The member was not found."))
    require(current_user, "organisation.manage", member)
    organisation_id, name = member.organisation_id, member.person.name
    back = url_for("points_admin.organisation", organisation_id=organisation_id)
    if not is_confirmed():
        return ask(_("Remove a member"), _("Take %(name)s off the member list? The points they received stay.",
                                           name=name), _("Remove the member"), back, undoable=True)
    O.remove_member(current_user, member)
    flash(_("%(name)s is no longer a member.", name=name), "success")
    return redirect(url_for("points_admin.organisation", organisation_id=organisation_id))


def _street(street_id: int) -> Street:
    require(current_user, "points_rules.set")
    street = db.session.get(Street, street_id) if valid_id(street_id) else None
    if street is None:
        raise NotFound(_("The street was not found."))
    require(current_user, "points_rules.set", street)
    return street


@bp.route("/streets/<int:street_id>/caps", methods=["GET", "POST"])
@login_required
def caps(street_id: int):
    """The street's caps: per grant, per person a day and a year, and per category a day and a year."""
    street = _street(street_id)
    failure = FormFailure()
    if request.method == "POST":
        form = request.form
        data = {name: form.get(name, "").strip() or None for name in ("max_per_grant", "person_daily",
                                                                        "person_yearly")}
        data["caps"] = {c: (form.get(f"{c}_daily", "").strip(), form.get(f"{c}_yearly", "").strip())
                        for c in CATEGORIES}
        try:
            O.set_rules(current_user, street, data)
        except DomainError as refused:
            if refused.status in (403, 404):
                raise
            db.session.rollback()
            failure = FormFailure("caps", refused, form)
            failure.attach("max_per_grant", list(data) + [f"{c}_{s}" for c in CATEGORIES for s in ("daily",
                                                                                                      "yearly")])
        else:
            flash(_("The caps of %(street)s are saved.", street=street.name), "success")
            return redirect(url_for("points_admin.caps", street_id=street.id))
    return render_template("volunteers/points/caps.html", street=street, rules=O.rules_of(street.id),
                           caps=O.category_caps(street.id), categories=CATEGORY_LABELS, failure=failure,
                           kinds=ORGANISATION_KINDS), 422 if failure else 200
