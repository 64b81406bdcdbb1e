"""Meetings (会议): one model for every meeting of the platform, with kinds that packages register.

The core registers the discussion meeting (议事会, community scope; a 乡音说事 session carries a hometown) and
the election committee's meeting; branches/ registers the organisational life of a branch (三会一课…) in
branches/meetings.py. Reminders before a meeting and notices of a move or cancellation go through the outbox
(community.reminders); the meetings a person is invited to or organises feed their personal calendar.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "meeting.manage_discussion": {"community_admin", "street_admin", "discussion_member"},
}


def _discussion_group(community_id: int) -> dict[int, bool]:
    """The community's discussion group (议事团): everyone holding discussion_member there, all voting."""
    from sqlalchemy import select

    from app import db
    from community.roles.models import RoleGrant

    return {pid: True for pid in db.session.scalars(select(RoleGrant.person_id).where(
        RoleGrant.role == "discussion_member", RoleGrant.scope_type == "community",
        RoleGrant.scope_id == community_id))}


def _election_committee(election_id: int) -> dict[int, bool]:
    from sqlalchemy import select

    from app import db
    from community.roles.models import RoleGrant

    return {pid: True for pid in db.session.scalars(select(RoleGrant.person_id).where(
        RoleGrant.role == "election_committee", RoleGrant.scope_type == "election",
        RoleGrant.scope_id == election_id))}


def init_app(app: Flask) -> None:
    """Register the meeting kinds of the core, the reminder kinds, pages, API, menu, calendar and access rows."""
    from community.meetings import access, models  # noqa: F401  (tables)
    from community.meetings import reminders as meeting_reminders
    from community.meetings.api import blp
    from community.meetings.calendar import calendar_events
    from community.meetings.demo import seed_discussion_meeting
    from community.meetings.kinds import MORE_THAN_HALF_OF_COMMITTEE, MeetingKind
    from community.meetings.views import bp
    from community.registry import registry

    reg = registry(app)
    from community.meetings import audit_kinds

    audit_kinds.register(reg)
    reg.actions_of("meetings", ACTIONS, picking=set(ACTIONS))  # invitees are chosen with the person picker
    reg.meeting_kind("discussion", MeetingKind(
        label=_l("Discussion meeting"), scope_type="community", manage_action="meeting.manage_discussion",
        resolution=None, members=_discussion_group, members_label=_l("Invite the whole discussion group"),
        has_hometown=True,
        description=_l("The community's discussion group (议事团) decides residents' requests; a hometown "
                       "session (乡音说事) names the hometown group it serves.")))
    reg.meeting_kind("election_meeting", MeetingKind(
        label=_l("Election committee meeting"), scope_type="election", manage_action="election.manage",
        quorum=MORE_THAN_HALF_OF_COMMITTEE, members=_election_committee,
        members_label=_l("Invite the whole election committee")))
    reg.reminder_kind(meeting_reminders.REMINDER, meeting_reminders.REMINDER_KIND)
    reg.reminder_kind(meeting_reminders.CHANGED, meeting_reminders.CHANGED_KIND)
    reg.calendar_source(calendar_events)
    reg.blueprint(bp)
    reg.api_blueprint(blp)
    reg.menu_link(_l("Meetings"), "meetings.index")
    reg.demo_step(seed_discussion_meeting)
    reg.access(access.ACCESS_ROWS)
