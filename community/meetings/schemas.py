"""Marshmallow schemas of the meetings API (shared/API.md)."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from community.apitools import Id, PageArgs, StrictBoolean
from community.database import LOCAL_ZONE
from community.meetings.models import ATTENDANCE

F = ma.fields


def _time(**kwargs):
    return F.AwareDateTime(default_timezone=LOCAL_ZONE, **kwargs)


class MeetingIn(ma.Schema):
    kind = F.String(required=True, metadata={"description": "general_meeting, committee, group, lesson, party_day, "
                                                            "life_meeting, discussion, election_meeting"})
    branch_id = Id(metadata={"description": "for a branch's meetings"})
    community_id = Id(metadata={"description": "for a discussion meeting"})
    election_id = Id(metadata={"description": "for an election committee meeting"})
    title = F.String(required=True, validate=ma.validate.Length(min=1, max=120))
    starts_at = _time(required=True)
    ends_at = _time(required=True)
    place = F.String(required=True, validate=ma.validate.Length(min=1, max=200))
    agenda = F.List(F.String(validate=ma.validate.Length(max=200)), validate=ma.validate.Length(max=30))
    hometown = F.String(validate=ma.validate.Length(max=60), metadata={"description": "乡音说事: hometown group"})
    reminder_offsets_minutes = F.List(F.Integer(strict=True), metadata={
        "description": "minutes before the start at which invitees are reminded; default [1440, 60]"})


class MeetingPatch(ma.Schema):
    """Moving: only the fields sent change; the invitees are told and the reminders follow."""
    title = F.String(validate=ma.validate.Length(min=1, max=120))
    starts_at = _time()
    ends_at = _time()
    place = F.String(validate=ma.validate.Length(min=1, max=200))
    agenda = F.List(F.String(validate=ma.validate.Length(max=200)), validate=ma.validate.Length(max=30))
    reason = F.String(validate=ma.validate.Length(max=300))


class CancelIn(ma.Schema):
    reason = F.String(required=True, validate=ma.validate.Length(min=1, max=300))


class InviteIn(ma.Schema):
    person_id = Id(strict=True, metadata={"description": "one person; omit and send all_members: true instead"})
    all_members = StrictBoolean(metadata={"description": "invite every member of the branch / discussion group"})


class AttendanceEntry(ma.Schema):
    person_id = Id(required=True, strict=True)
    attendance = F.String(required=True, validate=ma.validate.OneOf(ATTENDANCE))
    leave_reason = F.String(validate=ma.validate.Length(max=200))


class AttendanceIn(ma.Schema):
    """Several invitees at once (`entries`), or one (`person_id`, `attendance`, `leave_reason`)."""
    entries = F.List(F.Nested(AttendanceEntry), validate=ma.validate.Length(max=2000))
    person_id = Id(strict=True)
    attendance = F.String(validate=ma.validate.OneOf(ATTENDANCE))
    leave_reason = F.String(validate=ma.validate.Length(max=200))


class MinutesIn(ma.Schema):
    chair_id = Id(strict=True, allow_none=True)
    recorder_id = Id(strict=True, allow_none=True)
    topics = F.String(validate=ma.validate.Length(max=5000))
    speeches = F.String(validate=ma.validate.Length(max=20000))

    @ma.validates_schema
    def _says_something(self, data, **kwargs):
        """Minutes posted with nothing in them (no body, or {}) are a mistake, not a silent "no change"."""
        if not data:
            raise ma.ValidationError(_("Send at least one of chair, recorder, topics or speeches."), "json")


class ResolutionIn(ma.Schema):
    text = F.String(required=True, validate=ma.validate.Length(min=1, max=500))
    votes_yes = F.Integer(strict=True, load_default=0)
    votes_no = F.Integer(strict=True, load_default=0)
    votes_abstain = F.Integer(strict=True, load_default=0)
    responsible = F.String(validate=ma.validate.Length(max=100))
    due_on = F.Date(allow_none=True)


class ResolutionOut(ma.Schema):
    id = F.Integer()
    text = F.String()
    votes_yes = F.Integer()
    votes_no = F.Integer()
    votes_abstain = F.Integer()
    is_passed = F.Boolean()
    responsible = F.String()
    due_on = F.Date(allow_none=True)


class InviteeOut(ma.Schema):
    person_id = F.Integer()
    name = F.Function(lambda row: row.person.name)
    is_voting = F.Boolean()
    attendance = F.String()
    leave_reason = F.String()


class ChangeOut(ma.Schema):
    change = F.String()
    before = F.Dict()
    after = F.Dict()
    reason = F.String()
    changed_by_id = F.Integer(allow_none=True)
    changed_at = F.AwareDateTime()


class QuorumOut(ma.Schema):
    rule = F.Function(lambda q: str(q.label))
    entitled = F.Integer()
    present = F.Integer()
    is_met = F.Boolean(allow_none=True)


class MeetingOut(ma.Schema):
    id = F.Integer()
    kind = F.String()
    scope_type = F.String()
    scope_id = F.Integer()
    title = F.String()
    starts_at = F.AwareDateTime()
    ends_at = F.AwareDateTime()
    place = F.String()
    hometown = F.String()
    agenda = F.List(F.String())
    status = F.String(metadata={"description": "scheduled or cancelled"})
    cancel_reason = F.String()
    is_late_entry = F.Boolean(metadata={"description": "补录: entered after the meeting began"})
    reminder_offsets_minutes = F.List(F.Integer())
    created_at = F.AwareDateTime()


class MeetingDetail(MeetingOut):
    invitees = F.List(F.Nested(InviteeOut))
    quorum = F.Nested(QuorumOut)
    resolutions = F.List(F.Nested(ResolutionOut))
    changes = F.List(F.Nested(ChangeOut))
    chair_id = F.Integer(allow_none=True)
    recorder_id = F.Integer(allow_none=True)
    topics = F.String()
    speeches = F.String()
    minutes_at = F.AwareDateTime(allow_none=True)


class MeetingArgs(PageArgs):
    kind = F.String()
    when = F.String(validate=ma.validate.OneOf(["upcoming", "past"]))
