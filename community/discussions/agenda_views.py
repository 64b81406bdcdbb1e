"""The agenda page of a discussion meeting: the community's queue, the items put on the agenda, and per item the
resolution form (decision, responsible unit and/or person chosen with the picker, deadline). Attendance and
minutes stay on the meeting's own page (community/meetings)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.discussions import agenda as A
from community.discussions.mediation_forms import ResolutionItemForm
from community.discussions.mediation_views import errors_to
from community.errors import DomainError

bp = Blueprint("discussion_agenda", __name__, url_prefix="/discussions/meetings")


def _page(meeting, status: int = 200, item_id=None, form=None, picker_error=None, remove_error=None):
    """The agenda page; the form of one item shown as posted (with its errors). Each item's form has its own
    prefix, so the fields' ids stay unique on the page."""
    items = A.items(meeting)
    forms = {item.id: form if item.id == item_id and form is not None
             else ResolutionItemForm(formdata=None, prefix=f"item{item.id}")
             for item in items if item.decided_at is None}
    return render_template("discussions/agenda/page.html", meeting=meeting, items=items, queue=A.waiting(meeting),
                           posted_item=item_id, forms=forms, picker_error=picker_error,
                           remove_error=remove_error), status


def _back(meeting, anchor: str = "agenda"):
    return redirect(url_for("discussion_agenda.page", meeting_id=meeting.id) + f"#{anchor}")


@bp.route("/<int:meeting_id>/agenda")
@login_required
def page(meeting_id: int):
    """A discussion meeting's agenda and queue, for those who manage the meeting."""
    return _page(A.discussion_meeting(current_user, meeting_id))


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add(meeting_id: int):
    """Put a request from the queue on the agenda (it moves to on_agenda; its people are told)."""
    meeting = A.discussion_meeting(current_user, meeting_id)
    try:
        item = A.add_item(current_user, meeting, request.form.get("request_id", type=int))
    except DomainError as error:
        if error.status == 403:
            raise
        flash(error.message, "danger")
        return _back(meeting, "queue")
    flash(_("“%(title)s” is on the agenda; its submitter and supporters are told.", title=item.request.title),
          "success")
    return _back(meeting)


# No @text_checked_by: the form's fields carry the item's prefix, so control characters get the site-wide 400.
@bp.route("/<int:meeting_id>/agenda/<int:item_id>/resolution", methods=["POST"])
@login_required
def resolve(meeting_id: int, item_id: int):
    """Record the meeting's resolution on one item (it moves to decided)."""
    from community.people.picker import picked_person

    meeting = A.discussion_meeting(current_user, meeting_id)
    item = A.get_item(current_user, meeting, item_id)
    form, picker_error = ResolutionItemForm(prefix=f"item{item.id}"), None
    if form.validate_on_submit():
        try:
            person = None
            if (request.form.get("responsible_person") or "").strip():
                person = picked_person(current_user, request.form, meeting.authz_scope, "meeting.manage_discussion",
                                       "responsible_person")
            A.resolve_item(current_user, meeting, item, {
                "decision": form.decision.data, "responsible": form.responsible.data or "",
                "deadline": form.deadline.data}, responsible_person=person)
        except DomainError as error:
            errors_to(form, error)
            picker_error = error if "responsible_person" in (error.fields or {}) else None
        else:
            flash(_("The resolution is recorded; “%(title)s” is decided.", title=item.request.title), "success")
            return _back(meeting, f"item-{item.id}")
    return _page(meeting, 422, item_id=item.id, form=form, picker_error=picker_error)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@login_required
def remove(meeting_id: int, item_id: int):
    """Take an undecided item off the agenda with a reason, after a confirmation step: it returns to the queue."""
    from community.confirm import ask, is_confirmed

    meeting = A.discussion_meeting(current_user, meeting_id)
    item = A.get_item(current_user, meeting, item_id)
    note = (request.form.get("note") or "").strip()
    try:
        if not is_confirmed():
            A.check_removable(current_user, meeting, item, note)
            return ask(_("Take it off the agenda"), _(
                "“%(title)s” leaves the agenda of %(meeting)s and returns to the queue; its submitter and "
                "supporters are told why.", title=item.request.title, meeting=meeting.title),
                _("Yes, take it off"), url_for("discussion_agenda.page", meeting_id=meeting.id) + f"#item-{item.id}",
                undoable=True)
        title = item.request.title
        A.remove_item(current_user, meeting, item, note)
    except DomainError as error:
        if error.status == 403:
            raise
        return _page(meeting, 422, item_id=item.id, remove_error=error)
    flash(_("“%(title)s” is back in the queue; its submitter and supporters are told.", title=title), "success")
    return _back(meeting, "queue")


@bp.route("/<int:meeting_id>/hometown-invite", methods=["POST"])
@login_required
def invite_hometown(meeting_id: int):
    """A 乡音说事 session: invite the group's members from its hometown."""
    meeting = A.discussion_meeting(current_user, meeting_id)
    try:
        count = A.invite_hometown(current_user, meeting)
    except DomainError as error:
        if error.status == 403:
            raise
        flash(error.message, "danger")
    else:
        flash(_("%(count)s more people invited; their reminders are scheduled.", count=count), "success")
    return _back(meeting, "hometown")
