"""Administrator pages for streets, communities and grids."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.authz import can, require
from community.errors import run_form_action
from community.places import services
from community.places.models import Community, Street

bp = Blueprint("places", __name__, url_prefix="/admin/places")


@bp.route("/")
@login_required
def index():
    """Streets with their communities and grids, as far as the person administers them."""
    require(current_user, "person.list")
    streets = db.session.scalars(
        select(Street).order_by(Street.name)
        .options(selectinload(Street.communities).selectinload(Community.grids))).all()
    streets = [s for s in streets if can(current_user, "street.edit", s)
               or any(can(current_user, "community.edit", c) for c in s.communities)]
    return render_template("places/index.html", streets=streets)


@bp.route("/streets", methods=["POST"])
@login_required
def create_street():
    """Add a street."""
    return _run(lambda: services.create_street(current_user, request.form.get("name"), request.form.get("county")),
                _("Street added."))


@bp.route("/streets/<int:street_id>/communities", methods=["POST"])
@login_required
def create_community(street_id: int):
    """Add a community to a street."""
    require(current_user, "community.create")  # before any lookup
    street = services.get_or_404(Street, street_id)
    return _run(lambda: services.create_community(current_user, street, request.form.get("name")),
                _("Community added."))


@bp.route("/communities/<int:community_id>/grids", methods=["POST"])
@login_required
def create_grid(community_id: int):
    """Add a grid to a community."""
    require(current_user, "grid.manage")
    community = services.get_or_404(Community, community_id)
    return _run(lambda: services.create_grid(current_user, community, request.form.get("name")),
                _("Grid added."))


def _run(action, success: str):
    back = url_for("places.index")
    return run_form_action(action, success, back)[0] or redirect(back)
