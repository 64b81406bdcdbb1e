"""JSON API of the meetings (shared/API.md): schedule, move, cancel, invite, attendance, minutes, resolutions."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response
from flask_babel import gettext as _

from community.apitools import api_blueprint, bearer_required, current_actor, document_errors, page_of, page_schema
from community.errors import Invalid
from community.meetings import records, services
from community.meetings import schemas as S
from community.meetings.ics import meeting_file

blp = api_blueprint("meetings_api", "Meetings (会议): branch life, discussion meetings, reminders")

SCOPE_FIELDS = {"branch": "branch_id", "community": "community_id", "election": "election_id"}


def detail(meeting) -> SimpleNamespace:
    """The meeting with its invitees, quorum, resolutions and history (a few queries)."""
    fields = {name: getattr(meeting, name) for name in S.MeetingOut().fields}
    return SimpleNamespace(**fields, invitees=records.invitees(meeting), quorum=records.quorum(meeting),
                           resolutions=records.resolutions(meeting), changes=services.changes(meeting),
                           chair_id=meeting.chair_id, recorder_id=meeting.recorder_id, topics=meeting.topics,
                           speeches=meeting.speeches, minutes_at=meeting.minutes_at)


def _viewable(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    services.require_view(current_actor(), meeting)
    return meeting


@blp.route("/meetings")
@bearer_required
@blp.arguments(S.MeetingArgs, location="query")
@blp.response(200, page_schema(S.MeetingOut, "MeetingPage"))
def list_meetings(args):
    """The meetings the caller organises or is invited to, newest first (`when`: upcoming or past; `kind`)."""
    return page_of(services.meetings_query(current_actor(), kind=args.get("kind"), when=args.get("when")), args)


@blp.route("/meetings", methods=["POST"])
@bearer_required
@blp.arguments(S.MeetingIn)
@blp.response(201, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def create_meeting(data):
    """Schedule a meeting: `kind` decides the scope field (branch_id, community_id or election_id); one entered
    after it began is marked as a late entry (补录)."""
    name = data.pop("kind")
    kind = services.kind_or_invalid(name)
    field = SCOPE_FIELDS.get(kind.scope_type, f"{kind.scope_type}_id")
    scope_id = data.pop(field, None)
    if scope_id is None:
        message = _("Missing data for required field.")
        raise Invalid(message, fields={field: message})
    for other in SCOPE_FIELDS.values():
        data.pop(other, None)
    return detail(services.create_meeting(current_actor(), name, scope_id, data))


@blp.route("/meetings/<int:meeting_id>")
@bearer_required
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 401, 403, 404)
def get_meeting(meeting_id):
    """One meeting, for its organisers and invitees."""
    return detail(_viewable(meeting_id))


@blp.route("/meetings/<int:meeting_id>.ics")
@bearer_required
@blp.response(200, content_type="text/calendar")
@document_errors(blp, 401, 403, 404)
def meeting_ics(meeting_id):
    """The meeting as an iCalendar file, for its organisers and invitees."""
    return Response(meeting_file(_viewable(meeting_id)), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=meeting-{meeting_id}.ics"})


@blp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@bearer_required
@blp.arguments(S.MeetingPatch)
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def move_meeting(data, meeting_id):
    """Move (time, place) or retitle: the change is recorded, the invitees told, the reminders moved."""
    return detail(services.move_meeting(current_actor(), services.get_meeting(meeting_id), data))


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@bearer_required
@blp.arguments(S.CancelIn)
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def cancel_meeting(data, meeting_id):
    """Cancel with a reason: recorded, the invitees told, the pending reminders cancelled."""
    return detail(services.cancel_meeting(current_actor(), services.get_meeting(meeting_id), data["reason"]))


@blp.route("/meetings/<int:meeting_id>/attendees", methods=["POST"])
@bearer_required
@blp.arguments(S.InviteIn)
@blp.response(201, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def invite(data, meeting_id):
    """Invite one person (`person_id`) or every member (`all_members: true`); reminders are scheduled for them."""
    meeting = services.get_meeting(meeting_id)
    if data.get("all_members"):
        records.invite_members(current_actor(), meeting)
    elif data.get("person_id"):
        records.invite(current_actor(), meeting, data["person_id"])
    else:
        services.require_manage(current_actor(), meeting)
        message = _("Missing data for required field.")
        raise Invalid(message, fields={"person_id": message})
    return detail(meeting)


@blp.route("/meetings/<int:meeting_id>/attendees/<int:person_id>", methods=["DELETE"])
@bearer_required
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 401, 403, 404)
def uninvite(meeting_id, person_id):
    """Withdraw an invitation; that person's pending reminders are cancelled."""
    meeting = services.get_meeting(meeting_id)
    records.uninvite(current_actor(), meeting, person_id)
    return detail(meeting)


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@bearer_required
@blp.arguments(S.AttendanceIn)
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404, 422)
def attendance(data, meeting_id):
    """Record present / absent / leave (a leave needs its reason) for invitees; a stranger is refused (422)."""
    meeting = services.get_meeting(meeting_id)
    entries = list(data.get("entries") or [])
    if data.get("person_id"):
        entries.append({"person_id": data["person_id"], "attendance": data.get("attendance", ""),
                        "leave_reason": data.get("leave_reason", "")})
    if not entries:
        services.require_manage(current_actor(), meeting)
        message = _("Missing data for required field.")
        raise Invalid(message, fields={"entries": message})
    records.record_attendance(current_actor(), meeting, {
        entry["person_id"]: (entry["attendance"], entry.get("leave_reason", "")) for entry in entries})
    return detail(meeting)


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@bearer_required
@blp.arguments(S.MinutesIn)
@blp.response(200, S.MeetingDetail)
@document_errors(blp, 400, 401, 403, 404)
def minutes(data, meeting_id):
    """Minutes: chair and recorder (invitees), topics, speeches."""
    return detail(records.record_minutes(current_actor(), services.get_meeting(meeting_id), data))


@blp.route("/meetings/<int:meeting_id>/resolutions", methods=["POST"])
@bearer_required
@blp.arguments(S.ResolutionIn)
@blp.response(201, S.ResolutionOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def add_resolution(data, meeting_id):
    """A resolution with its vote; `is_passed` by the kind's rule (a general meeting: yes votes from more than
    half of those entitled to attend)."""
    return records.add_resolution(current_actor(), services.get_meeting(meeting_id), data)
