"""Pages of check-in: the organiser's code screen (refreshed by static/js/checkin-code.js), the volunteer's scan
page, the hand roster and the roster's confirmation (a confirmation step, no JavaScript)."""
from __future__ import annotations

import base64
from datetime import datetime

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.authz import require
from community.confirm import ask, is_confirmed
from community.database import as_local
from community.errors import DomainError
from community.pages import redirect_to_section
from volunteers import activities_confirm as C
from volunteers import activities_services as S
from volunteers import checkin as K

bp = Blueprint("activity_checkin", __name__, url_prefix="/activities")
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data: address (allowed by the CSP's img-src)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def scan_url(code: str) -> str:
    """What the QR code holds: the volunteer's scan page with the code filled in."""
    return url_for("activity_checkin.scan", code=code, _external=True)


@bp.route("/<int:activity_id>/code")
@login_required
def code_screen(activity_id: int):
    """The organiser's screen: a QR code and its text that change every few seconds (the page asks by itself)."""
    activity = S.get_activity(activity_id)
    issued = K.issue_code(current_user, activity)
    return render_template("volunteers/activities/code.html", activity=activity, issued=issued,
                           qr=qr_data_uri(scan_url(issued.code)), refresh=max(3, issued.seconds // 3),
                           poll_url=url_for("volunteer_activities_api.checkin_code", activity_id=activity.id))


@bp.route("/scan", methods=["GET", "POST"])
@login_required
def scan():
    """The volunteer's page: scan the organiser's QR code with the phone's camera (it opens this page with the
    code filled in) or type the code shown under it; the first checks in, a later one checks out."""
    code = (request.values.get("code") or "")[:200]
    error = None
    if request.method == "POST":
        try:
            done = K.scan(current_user, code)
        except DomainError as refused:
            error = refused.message
        else:
            hours = done.checkin.hours
            flash(_("Checked in at %(time)s. Scan again when you leave.",
                    time=as_local(done.checkin.checked_in_at).strftime("%H:%M")) if done.action == "in" else
                  _("Checked out: %(hours)s hours of service.", hours=hours), "success")
            return redirect_to_section(url_for("activities.detail", activity_id=done.checkin.activity_id),
                                       "signup")
    return render_template("volunteers/activities/scan.html", code=code, error=error), 422 if error else 200


def _moment(value: str):
    try:
        return datetime.strptime(value, TIME_FORMAT) if value else None
    except ValueError:
        return "bad"


@bp.route("/<int:activity_id>/roster", methods=["POST"])
@login_required
def tick(activity_id: int):
    """The organiser records a volunteer's check-in and check-out by hand."""
    activity = S.get_activity(activity_id)
    require(current_user, "activity.manage", activity)
    url = url_for("activities.detail", activity_id=activity.id)
    person_id = request.form.get("person_id", type=int)
    came, left = _moment(request.form.get("checked_in_at", "")), _moment(request.form.get("checked_out_at", ""))
    try:
        K.record_by_hand(current_user, activity, person_id or 0, came, left)
    except DomainError as error:
        if error.status in (403,):
            raise
        flash(error.message, "danger")
    else:
        flash(_("The roster is updated."), "success")
    return redirect_to_section(url, "roster")


@bp.route("/<int:activity_id>/confirm", methods=["POST"])
@login_required
def confirm(activity_id: int):
    """Confirm the roster (after a confirmation step): points are posted once per volunteer."""
    activity = S.get_activity(activity_id)
    require(current_user, "activity.manage", activity)
    url = url_for("activities.detail", activity_id=activity.id)
    if not is_confirmed():
        return ask(_("Confirm the roster"),
                   _("The points of every volunteer checked in and out are posted to their accounts. Those "
                     "still checked in get nothing until you record their check-out and confirm again."),
                   _("Confirm and post the points"), url + "#roster")
    try:
        done = C.confirm_roster(current_user, activity)
    except DomainError as error:
        if error.status == 403:
            raise
        flash(error.message, "danger")
    else:
        flash(_("Confirmed: points posted for %(posted)s, already posted for %(already)s, still checked in: "
                "%(open)s.", posted=done.posted, already=done.already, open=done.open), "success")
    return redirect_to_section(url, "roster")
