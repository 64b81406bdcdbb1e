"""The buttons' routes of the points and activities exports: each queues its job and sends the asker to the job
page of the uses of points (volunteers/redemptions_views.py), which shows the download to them alone."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app import db
from community.authz import require
from community.database import valid_id
from community.errors import DomainError, NotFound
from community.pages import redirect_to_section
from community.places.models import Street
from volunteers import activities_services as S
from volunteers import exports as X
from volunteers import organisations as O

bp = Blueprint("volunteer_exports", __name__)


def _to_job(job_id: str):
    return redirect_to_section(url_for("volunteer_uses.export_job", job_id=job_id))


@bp.route("/points/organisations/<int:organisation_id>/export", methods=["POST"])
@login_required
def grants(organisation_id: int):
    """Export a scoring organisation's grants and quotas to .xlsx, on the task queue."""
    organisation = O.get_organisation(current_user, organisation_id, "points.export_grants")
    return _to_job(X.start_grants_export(current_user, organisation))


@bp.route("/activities/<int:activity_id>/export", methods=["POST"])
@login_required
def roster(activity_id: int):
    """Export an activity's roster to .xlsx, on the task queue."""
    return _to_job(X.start_roster_export(current_user, S.get_activity(activity_id)))


@bp.route("/points/streets/<int:street_id>/export", methods=["POST"])
@login_required
def summary(street_id: int):
    """Export the street's points per person for a month or a year to .xlsx, on the task queue."""
    from flask_babel import gettext as _

    require(current_user, "points.export_summary")
    street = db.session.get(Street, street_id) if valid_id(street_id) else None
    if street is None:
        raise NotFound(_("The street was not found."))
    try:
        return _to_job(X.start_summary_export(current_user, street, request.form.get("period")))
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(url_for("points.leaderboard", where="street"))
