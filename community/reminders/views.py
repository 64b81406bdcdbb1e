"""Pages of the reminders: one's inbox (站内信), one's channels per kind, the calendar link, and the
administrators' view of the outbox."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import Length, Optional

from app import db
from community.authz import require
from community.database import as_local, utcnow
from community.errors import Invalid
from community.errors import run_form_action as run
from community.listing import paginate
from community.reminders import feed, inbox, oversight
from community.reminders.kinds import CHANNELS
from community.reminders.models import STATES
from community.safe_urls import safe_next
from community.text_input import CheckedForm

bp = Blueprint("reminders", __name__)
PER_PAGE = 20
FEED_TOKEN = "calendar_feed_token"  # the new link, shown once after it was made (post/redirect/get)


def channel_labels() -> dict:
    """Words for the channels, in the current language."""
    return {"inbox": _("In-app inbox"), "email": _("E-mail"), "webhook": _("SMS or WeChat")}


def state_labels() -> dict:
    """Words for the outbox's states, in the current language."""
    return {"pending": _("Waiting"), "sending": _("Sending"), "sent": _("Sent"), "cancelled": _("Cancelled"),
            "expired": _("Expired"), "failed": _("Failed")}


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.route("/inbox/")
@login_required
def index():
    """One's messages, newest first, unread ones marked; `?unread=1` for the unread ones only."""
    unread_only = request.args.get("unread") == "1"
    listing = paginate(db.session, inbox.messages_query(current_user, unread_only), _page(), PER_PAGE,
                       cursor=request.args.get("cursor"), keyset=True)
    messages, total = listing
    return render_template("reminders/inbox.html", messages=messages, total=total, page=_page(),
                           pages=listing.pages, listing=listing, unread_only=unread_only)


@bp.route("/inbox/<int:notification_id>")
@login_required
def open_message(notification_id: int):
    """Open one message: it is marked read and its link followed (or the message shown, when it has none)."""
    message = inbox.mark_read(current_user, notification_id)
    if message.url:
        return redirect(safe_next(message.url, "reminders.index"))
    return render_template("reminders/message.html", message=message)


@bp.route("/inbox/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """Mark one message read and come back to the same page of the inbox."""
    inbox.mark_read(current_user, notification_id)
    flash(_("Marked as read."), "success")
    return redirect(safe_next(request.form.get("next"), "reminders.index"))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every unread message read."""
    n = inbox.mark_all_read(current_user)
    flash(ngettext("%(num)d message marked as read.", "%(num)d messages marked as read.", n) if n
          else _("There were no unread messages."), "success")
    return redirect(url_for("reminders.index"))


class PreferencesForm(CheckedForm):
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254)],
                        description=_l("Needed for reminders by e-mail. SMS and WeChat go to your phone number."))


@bp.route("/inbox/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose the channels of each kind of reminder (the inbox is always on) and one's e-mail address."""
    kinds = inbox.kinds()
    form = PreferencesForm(obj=current_user if request.method == "GET" else None)
    chosen = inbox.preferences_of(current_user)
    status = 200
    if request.method == "POST":
        chosen = {kind: {"inbox"} | {c for c in inbox.optional_channels(spec)
                                     if request.form.get(f"{kind}:{c}") == "on"} for kind, spec in kinds.items()}
        if form.validate():
            try:
                result = inbox.set_preferences(current_user, chosen, form.email.data)
            except Invalid as error:
                for name, message in error.fields.items():
                    if name == "email":
                        form.email.errors = [message]
                if not form.email.errors:
                    flash(error.message, "danger")
                status = 400
            else:
                flash(_("Your reminder channels are saved.") + _describe(result), "success")
                return redirect(url_for("reminders.preferences"))
        else:
            status = 400
    return render_template("reminders/preferences.html", form=form, kinds=kinds, chosen=chosen,
                           channels=[c for c in CHANNELS if c != "inbox"], labels=channel_labels()), status


def _describe(result: dict) -> str:
    parts = []
    if result["added"]:
        parts.append(ngettext("%(num)d reminder already scheduled will also come on the new channel.",
                              "%(num)d reminders already scheduled will also come on the new channels.",
                              result["added"]))
    if result["cancelled"]:
        parts.append(ngettext("%(num)d reminder on a channel you switched off will not be sent.",
                              "%(num)d reminders on channels you switched off will not be sent.",
                              result["cancelled"]))
    return "".join(parts)


# --------------------------------------------------------------------------------------------- calendar
@bp.route("/calendar")
@login_required
def calendar():
    """The private link of one's calendar feed (shown once after it is made) and the button to renew it."""
    token = session.pop(FEED_TOKEN, None)
    link = url_for("reminders.calendar_feed", token=token, _external=True) if token else None
    return render_template("reminders/calendar.html", link=link, feed=feed.has_feed(current_user))


@bp.route("/calendar/renew", methods=["POST"])
@login_required
def renew_calendar():
    """Make a new private link; the old one stops working at once."""
    had = feed.has_feed(current_user) is not None
    session[FEED_TOKEN] = feed.renew_feed(current_user)
    flash(_("Your new calendar link is ready; the old one no longer works.") if had
          else _("Your calendar link is ready."), "success")
    return redirect(url_for("reminders.calendar"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The .ics feed of the link's owner: no sign-in (calendar apps cannot), the link is the key."""
    person = feed.person_for_token(token)
    if person is None:
        abort(404)
    response = Response(feed.ics(person, request.url_root), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="tongxin.ics"'
    return response


# --------------------------------------------------------------------------------------------- administrators
@bp.route("/admin/reminders/")
@login_required
def admin():
    """Counts by kind, channel and state; the failed and expired reminders with their reason, paged."""
    require(current_user, oversight.ACTION)
    state = request.args.get("state")
    states = (state,) if state in oversight.PROBLEMS else oversight.PROBLEMS
    counts = oversight.state_counts(current_user)
    listing, people = oversight.problems_page(current_user, _page(), PER_PAGE, states,
                                              cursor=request.args.get("cursor"))
    rows, total = listing
    kinds = inbox.kinds()
    return render_template("reminders/admin.html", counts=counts, rows=rows, total=total, people=people,
                           page=_page(), pages=listing.pages, listing=listing, states=STATES,
                           state_labels=state_labels(), labels=channel_labels(), state=state,
                           kind_labels={name: spec.label for name, spec in kinds.items()},
                           calendar_unknown=oversight.calendar_warning(as_local(utcnow()).date()),
                           year=as_local(utcnow()).year)


@bp.route("/admin/reminders/<int:reminder_id>/resend", methods=["POST"])
@login_required
def resend(reminder_id: int):
    """Send a failed reminder again (back to pending, attempts reset; audited)."""
    back = url_for("reminders.admin", state="failed")
    redirect_to, _row = run(lambda: oversight.resend(current_user, reminder_id),
                            _("The reminder will be sent again at the next dispatch."), back)
    return redirect_to or redirect(back)
