"""The street's page of quantified points: its items per level with their caps, and awarding them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import db
from community.authz import can, require
from community.database import valid_id
from community.errors import DomainError, NotFound
from community.pages import FormFailure
from community.people.picker import picked_person
from community.places.models import Street
from volunteers import quantified as Q

bp = Blueprint("quantified", __name__, url_prefix="/admin/points")


def _street(street_id: int, action: str) -> Street:
    require(current_user, action)
    street = db.session.get(Street, street_id) if valid_id(street_id) else None
    if street is None:
        raise NotFound(_("The street was not found."))
    require(current_user, action, street)
    return street


def _page(street: Street, failure: FormFailure | None = None, status: int = 200):
    return render_template("volunteers/points/quantified.html", street=street, items=Q.items_of(street.id),
                           levels=Q.LEVEL_LABELS, caps=Q.LEVEL_CAPS, total=Q.TOTAL_CAP,
                           failure=failure or FormFailure(),
                           may_configure=can(current_user, "quantified.configure", street)), status


@bp.route("/streets/<int:street_id>/quantified")
@login_required
def page(street_id: int):
    """The street's items of quantified points, the form to add one and the form to award one."""
    return _page(_street(street_id, "quantified.award"))


@bp.route("/streets/<int:street_id>/quantified/items", methods=["POST"])
@login_required
def add_item(street_id: int):
    """Configure an item of a level with its cap."""
    street = _street(street_id, "quantified.configure")
    form = request.form
    try:
        item = Q.add_item(current_user, street, form.get("level"), form.get("name", ""),
                          form.get("max_points", "").strip() or None)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        failure = FormFailure("item", refused, form)
        failure.attach("name", ("level", "name", "max_points"))
        return _page(street, failure, 422)
    flash(ngettext("Item added: %(name)s, at most %(num)d point.", "Item added: %(name)s, at most %(num)d points.",
                   item.max_points, name=item.name), "success")
    return redirect(url_for("quantified.page", street_id=street.id))


@bp.route("/streets/<int:street_id>/quantified/awards", methods=["POST"])
@login_required
def award(street_id: int):
    """Award an item's points to a person of the street (the item's, the level's and the 300 caps hold)."""
    street = _street(street_id, "quantified.award")
    form = request.form
    try:
        person = picked_person(current_user, form, ("street", street.id), "quantified.award", "person")
        item = Q.get_item(current_user, form.get("item_id", type=int))
        if item.street_id != street.id:
            raise NotFound(_("The item was not found."))
        Q.award(current_user, item, person, form.get("points", "").strip() or None, form.get("note", ""))
    except DomainError as refused:
        if refused.status == 403:
            raise
        db.session.rollback()
        failure = FormFailure("award", refused, form)
        failure.attach("points", ("person", "points", "item_id"))
        return _page(street, failure, 422)
    points = int(form.get("points", "0").strip())
    flash(ngettext("%(name)s received %(num)d quantified point for %(item)s.",
                   "%(name)s received %(num)d quantified points for %(item)s.", points, name=person.name,
                   item=item.name), "success")
    return redirect(url_for("quantified.page", street_id=street.id))
