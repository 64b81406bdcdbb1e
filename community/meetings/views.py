"""Pages of the meetings: the calendar list, scheduling, a meeting's page and its sections' forms.

Every form posts, then redirects back to its section of the meeting's page (an anchor); a refused form is shown
again with its errors beside the fields and what was typed kept.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from community.authz import scope_names
from community.database import as_local, utcnow
from community.errors import DomainError
from community.meetings import records, services
from community.meetings.forms import CancelForm, MeetingForm, MinutesForm, MoveForm, ResolutionForm
from community.meetings.ics import meeting_file
from community.meetings.kinds import FREQUENCY_LABELS, meeting_kinds
from community.text_input import text_checked_by

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
PER_PAGE = 30


@bp.app_template_filter("iso_local")
def _iso_local(value: str) -> str:
    """A stored ISO time (a change's before/after) shown in Asia/Shanghai."""
    from datetime import datetime

    try:
        return as_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def _errors_to(form, error: DomainError) -> None:
    """Put a service's field errors beside the form's fields (the rest is flashed)."""
    placed = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*(field.errors or []), message]
            placed = True
    if not placed:
        flash(error.message, "danger")


def _refused(error: DomainError) -> None:
    if error.status in (403, 404):
        raise error


@bp.route("/")
@login_required
def index():
    """The meetings the person organises or is invited to: upcoming first, or past; filtered by kind."""
    kinds = meeting_kinds()
    kind = request.args.get("kind") if request.args.get("kind") in kinds else None
    when = "past" if request.args.get("when") == "past" else "upcoming"
    page = request.args.get("page", 1, type=int) or 1
    statement = services.meetings_query(current_user, kind=kind, when=when)
    from community.listing import paginate

    listing = paginate(db.session, statement, page, PER_PAGE)
    rows, total = listing
    names = scope_names({(m.scope_type, m.scope_id) for m in rows})
    return render_template("meetings/index.html", meetings=rows, kinds=kinds, kind=kind, when=when, names=names,
                           page=page, pages=listing.pages, listing=listing, total=total,
                           may_create=bool(services.managed_kinds(current_user)))


@bp.route("/new", methods=["GET", "POST"])
@text_checked_by(MeetingForm)
@login_required
def create():
    """Schedule a meeting: first the kind, which decides where it is organised, then its details."""
    managed = services.managed_kinds(current_user)
    if not managed:
        from community.errors import Forbidden

        raise Forbidden(_("You do not have permission to do this."))
    kinds = meeting_kinds()
    name = request.values.get("kind")
    if name not in managed:
        return render_template("meetings/choose_kind.html", kinds=[(k, kinds[k]) for k in managed])
    kind = kinds[name]
    form = MeetingForm()
    form.scope_id.choices = services.scope_choices(current_user, kind)
    chosen = request.args.get("scope_id", type=int)  # a link such as a branch's "schedule the party lesson"
    if request.method == "GET" and chosen in dict(form.scope_id.choices):
        form.scope_id.data = chosen
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(current_user, name, form.scope_id.data, form.data_for_service())
        except DomainError as error:
            _refused(error)
            _errors_to(form, error)
        else:
            flash(_("The meeting is scheduled. Now invite the participants."), "success")
            if meeting.is_late_entry:
                flash(_("It began before it was entered, so it is marked as a late entry (补录)."), "info")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#invitees")
    return render_template("meetings/form.html", form=form, kind=kind, kind_name=name)


def _page(meeting, status: int = 200, **forms):
    """The meeting's page; forms given are shown as posted (with their errors)."""
    manager = services.may_manage(current_user, meeting)
    invitees = records.invitees(meeting)
    local = {"starts_at": as_local(meeting.starts_at).replace(tzinfo=None),
             "ends_at": as_local(meeting.ends_at).replace(tzinfo=None), "place": meeting.place}
    move = forms.get("move") or MoveForm(formdata=None, data=local)
    minutes = forms.get("minutes") or MinutesForm(formdata=None, data={
        "chair_id": meeting.chair_id or 0, "recorder_id": meeting.recorder_id or 0,
        "topics": meeting.topics, "speeches": meeting.speeches})
    choices = [(0, "—")] + [(row.person_id, row.person.name) for row in invitees]
    minutes.chair_id.choices = minutes.recorder_id.choices = choices
    kind = meeting_kinds().get(meeting.kind)
    return render_template(
        "meetings/detail.html", meeting=meeting, kind=kind, manager=manager, invitees=invitees,
        quorum=records.quorum(meeting), resolutions=records.resolutions(meeting), changes=services.changes(meeting),
        scope=scope_names([(meeting.scope_type, meeting.scope_id)]).get((meeting.scope_type, meeting.scope_id), ""),
        move=move, minutes=minutes, invite_posted=forms.get("invite_posted"), invite_error=forms.get("invite_error"),
        resolution=forms.get("resolution") or ResolutionForm(formdata=None),
        attendance_errors=forms.get("attendance_errors", {}), attendance_posted=forms.get("attendance_posted"),
        frequency=FREQUENCY_LABELS.get(kind.frequency) if kind else None, now=utcnow()), status


def _managed(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    services.require_manage(current_user, meeting)
    return meeting


def _back(meeting, section: str):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + f"#{section}")


@bp.route("/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    """A meeting: time and place, invitees, attendance, minutes, resolutions, history."""
    meeting = services.get_meeting(meeting_id)
    services.require_view(current_user, meeting)
    return _page(meeting)


@bp.route("/<int:meeting_id>.ics")
@login_required
def ics(meeting_id: int):
    """The meeting as a calendar file, for its organisers and invitees."""
    meeting = services.get_meeting(meeting_id)
    services.require_view(current_user, meeting)
    return Response(meeting_file(meeting), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=meeting-{meeting.id}.ics"})


@bp.route("/<int:meeting_id>/move", methods=["POST"])
@text_checked_by(MoveForm)
@login_required
def move(meeting_id: int):
    """Move the meeting (time, place): the invitees are told and their reminders follow."""
    meeting = _managed(meeting_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            services.move_meeting(current_user, meeting, {
                "starts_at": form.starts_at.data, "ends_at": form.ends_at.data, "place": form.place.data,
                "reason": form.reason.data or ""})
        except DomainError as error:
            _refused(error)
            db.session.refresh(meeting)
            _errors_to(form, error)
        else:
            flash(_("The meeting was moved; the invitees are told and their reminders follow."), "success")
            return _back(meeting, "time")
    return _page(meeting, 422, move=form)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@text_checked_by(CancelForm)
@login_required
def cancel(meeting_id: int):
    """Cancel the meeting, after a confirmation step that asks for the reason."""
    meeting = _managed(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_meeting(current_user, meeting, form.reason.data)
        except DomainError as error:
            _refused(error)
            _errors_to(form, error)
        else:
            flash(_("The meeting is cancelled; the invitees are told."), "success")
            return _back(meeting, "time")
    return render_template("meetings/cancel.html", meeting=meeting, form=form), 422 if form.errors else 200


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@login_required
def invite(meeting_id: int):
    """Invite every member of the group, or one person chosen by name with the person picker."""
    from community.people.picker import picked_person

    meeting = _managed(meeting_id)
    try:
        if request.form.get("all_members"):
            count = records.invite_members(current_user, meeting)
            flash(_("%(count)s more people invited; their reminders are scheduled.", count=count), "success")
        else:
            kind = meeting_kinds()[meeting.kind]
            person = picked_person(current_user, request.form, meeting.authz_scope, kind.manage_action, "person")
            row = records.invite(current_user, meeting, person.id)
            flash(_("%(name)s is invited.", name=row.person.name), "success")
    except DomainError as error:
        if error.status == 403:
            raise
        if "person" not in (error.fields or {}):
            error.fields = {**(error.fields or {}), "person": error.message}
        return _page(meeting, 422, invite_posted=request.form, invite_error=error)
    return _back(meeting, "invitees")


@bp.route("/<int:meeting_id>/uninvite/<int:person_id>", methods=["POST"])
@login_required
def uninvite(meeting_id: int, person_id: int):
    """Withdraw one invitation (and that person's reminders)."""
    meeting = _managed(meeting_id)
    records.uninvite(current_user, meeting, person_id)
    flash(_("The invitation is withdrawn."), "success")
    return _back(meeting, "invitees")


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(meeting_id: int):
    """One form for every invitee: present, absent or on leave with the reason."""
    meeting = _managed(meeting_id)
    entries = {}
    for key, value in request.form.items():
        if key.startswith("attendance-") and key[11:].isdigit():
            person_id = int(key[11:])
            entries[person_id] = (value, request.form.get(f"reason-{person_id}", ""))
    try:
        records.record_attendance(current_user, meeting, entries)
    except DomainError as error:
        _refused(error)
        flash(error.message, "danger")
        return _page(meeting, 422, attendance_errors=error.fields, attendance_posted=request.form)
    flash(_("Attendance is recorded."), "success")
    return _back(meeting, "attendance")


@bp.route("/<int:meeting_id>/minutes", methods=["POST"])
@text_checked_by(MinutesForm)
@login_required
def minutes(meeting_id: int):
    """Minutes: chair, recorder, topics and speeches."""
    meeting = _managed(meeting_id)
    form = MinutesForm()
    form.chair_id.choices = form.recorder_id.choices = [(0, "—")] + [
        (row.person_id, row.person.name) for row in records.invitees(meeting)]
    if form.validate_on_submit():
        try:
            records.record_minutes(current_user, meeting, {
                "chair_id": form.chair_id.data or None, "recorder_id": form.recorder_id.data or None,
                "topics": form.topics.data or "", "speeches": form.speeches.data or ""})
        except DomainError as error:
            _refused(error)
            _errors_to(form, error)
        else:
            flash(_("The minutes are saved."), "success")
            return _back(meeting, "minutes")
    return _page(meeting, 422, minutes=form)


@bp.route("/<int:meeting_id>/resolutions", methods=["POST"])
@text_checked_by(ResolutionForm)
@login_required
def resolution(meeting_id: int):
    """A resolution with its vote; whether it passed follows the kind's rule."""
    meeting = _managed(meeting_id)
    form = ResolutionForm()
    if form.validate_on_submit():
        try:
            row = records.add_resolution(current_user, meeting, {
                "text": form.text.data, "votes_yes": form.votes_yes.data or 0, "votes_no": form.votes_no.data or 0,
                "votes_abstain": form.votes_abstain.data or 0, "responsible": form.responsible.data or "",
                "due_on": form.due_on.data})
        except DomainError as error:
            _refused(error)
            _errors_to(form, error)
        else:
            flash(_("The resolution passed.") if row.is_passed else _("The resolution did not pass."), "success")
            return _back(meeting, "resolutions")
    return _page(meeting, 422, resolution=form)
