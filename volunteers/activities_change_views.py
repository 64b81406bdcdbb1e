"""The organiser's pages to move an activity or call it off (routes on the activities blueprint): a form with
its errors beside the fields and what was typed kept; the cancellation asks for its reason on a page of its own,
which is the confirmation step. Both return to the activity's page, where everyone reads what changed."""
from __future__ import annotations

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from community.authz import require
from community.errors import DomainError
from community.pages import redirect_to_section
from community.text_input import text_checked_by
from volunteers import activities_changes as X
from volunteers import activities_services as S
from volunteers.activities_forms import ActivityCancelForm, ActivityMoveForm
from volunteers.activities_views import _errors_to, bp


def _managed(activity_id: int):
    activity = S.get_activity(activity_id)
    require(current_user, "activity.manage", activity)
    return activity


@bp.route("/<int:activity_id>/change", methods=["GET", "POST"])
@text_checked_by(ActivityMoveForm)
@login_required
def change(activity_id: int):
    """Move the activity (time, place): the volunteers are told and their reminders follow."""
    activity = _managed(activity_id)
    form = ActivityMoveForm(data={"starts_at": activity.starts_at, "ends_at": activity.ends_at,
                                  "place": activity.place})
    if form.validate_on_submit():
        try:
            X.move_activity(current_user, activity, {"starts_at": form.starts_at.data, "ends_at": form.ends_at.data,
                                                     "place": form.place.data, "reason": form.reason.data or ""})
        except DomainError as error:
            db.session.rollback()
            _errors_to(form, error)
        else:
            flash(_("The activity was moved; everyone signed up or waiting is told, and their reminders "
                    "follow."), "success")
            return redirect_to_section(url_for("activities.detail", activity_id=activity.id), "changes")
    return render_template("volunteers/activities/change.html", activity=S.get_activity(activity_id), form=form), \
        422 if form.errors else 200


@bp.route("/<int:activity_id>/cancel-activity", methods=["GET", "POST"])
@text_checked_by(ActivityCancelForm)
@login_required
def cancel_activity(activity_id: int):
    """Call the activity off, on a page that asks for the reason and says what will happen."""
    activity = _managed(activity_id)
    form = ActivityCancelForm()
    if form.validate_on_submit():
        try:
            X.cancel_activity(current_user, activity, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            _errors_to(form, error)
        else:
            flash(_("The activity is cancelled; everyone signed up or waiting is told."), "success")
            return redirect_to_section(url_for("activities.detail", activity_id=activity.id), "changes")
    return render_template("volunteers/activities/cancel.html", activity=S.get_activity(activity_id), form=form), \
        422 if form.errors else 200
