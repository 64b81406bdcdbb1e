"""A branch's organisational life (三会一课 and more) as kinds of meeting (community.meetings), and a demo one.

Registered from branches/__init__.py: the general meeting (quorum: more than half of the voting members, i.e.
full members, since probationary members have no vote; a resolution passes with yes votes from more than half
of those entitled to attend), the committee (quorum: more than half of the committee), the party group, the
party lesson, the themed party day and the life meeting, each with its required frequency (shared/DOMAIN.md).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

ACTIONS = {"meeting.manage_branch": {"secretary", "branch_committee", "street_admin"}}


def branch_members(branch_id: int) -> dict[int, bool]:
    """Every current member of the branch (those who left are not); full members vote, probationary ones
    (预备党员) do not — the general meeting's quorum and resolutions count full current members only."""
    from app import db
    from branches.models import BranchMember

    return dict(db.session.execute(select(BranchMember.person_id, BranchMember.status == "full")
                                   .where(BranchMember.branch_id == branch_id, BranchMember.left_on.is_(None))).all())


def branch_committee(branch_id: int) -> dict[int, bool]:
    """The secretary and the committee members (支委), all voting."""
    from app import db
    from community.roles.models import RoleGrant

    return {pid: True for pid in db.session.scalars(select(RoleGrant.person_id).where(
        RoleGrant.role.in_(("secretary", "branch_committee")), RoleGrant.scope_type == "branch",
        RoleGrant.scope_id == branch_id))}


def register(app: Flask) -> None:
    """The branch's kinds of meeting and the action that manages them."""
    from community.meetings.kinds import (
        MORE_THAN_HALF_OF_COMMITTEE,
        MORE_THAN_HALF_PRESENT,
        YES_FROM_MORE_THAN_HALF_ENTITLED,
        MeetingKind,
    )
    from community.registry import registry

    reg = registry(app)
    reg.actions_of("branch meetings", ACTIONS, picking=set(ACTIONS))  # invitees: the person picker
    everyone = {"scope_type": "branch", "manage_action": "meeting.manage_branch", "members": branch_members,
                "members_label": _l("Invite all members of the branch")}
    no_vote = {**everyone, "invitees_vote": False, "resolution": None}
    reg.meeting_kind("general_meeting", MeetingKind(
        label=_l("Branch general meeting"), quorum=MORE_THAN_HALF_PRESENT,
        resolution=YES_FROM_MORE_THAN_HALF_ENTITLED, frequency="quarterly", **everyone,
        description=_l("All members; full members vote. Quarterly.")))
    reg.meeting_kind("committee", MeetingKind(
        label=_l("Branch committee meeting"), scope_type="branch", manage_action="meeting.manage_branch",
        quorum=MORE_THAN_HALF_OF_COMMITTEE, resolution=YES_FROM_MORE_THAN_HALF_ENTITLED, frequency="monthly",
        members=branch_committee, members_label=_l("Invite the whole branch committee"),
        description=_l("The secretary and the committee members. Monthly.")))
    reg.meeting_kind("group", MeetingKind(label=_l("Party group meeting"), frequency="monthly", **no_vote))
    reg.meeting_kind("lesson", MeetingKind(label=_l("Party lesson"), frequency="quarterly", **no_vote))
    reg.meeting_kind("party_day", MeetingKind(label=_l("Themed party day"), frequency="monthly", **no_vote))
    reg.meeting_kind("life_meeting", MeetingKind(label=_l("Organisational life meeting"), frequency="yearly",
                                                 **no_vote))
    reg.demo_step(seed_general_meeting)


def seed_general_meeting(context: dict) -> None:
    """A mobile branch in Juexi with a secretary and members, and its quarterly general meeting next week."""
    from app import db
    from branches.models import Branch, BranchMember
    from community.meetings.demo import next_weekday_at
    from community.meetings.records import invite_members
    from community.meetings.services import create_meeting
    from community.people.models import Person
    from community.roles.models import RoleGrant

    street, admin = context["street"], context["admin"]
    branch = db.session.scalar(select(Branch).where(Branch.street_id == street.id).limit(1))
    if branch is None:
        branch = Branch(street_id=street.id, name="爵溪街道流动党员第一党支部")
        db.session.add(branch)
        db.session.flush()
    dongmen = context["communities"][0]
    secretary = Person(name="陈书记", phone="13800000005", password_hash=context["password_hash"],
                       hukou_place="贵州省遵义市湄潭县", hometown="湄潭县", community_id=dongmen.id, gender="M")
    db.session.add(secretary)
    db.session.flush()
    db.session.add(RoleGrant(person_id=secretary.id, role="secretary", scope_type="branch", scope_id=branch.id,
                             granted_by_id=admin.id))
    context["demo_logins"].append(("支部书记 branch secretary", secretary))
    # The roster's demo step may have put these people in branches already: one current branch per person.
    taken = set(db.session.scalars(select(BranchMember.person_id).where(BranchMember.left_on.is_(None))))
    members = [secretary, *[p for p in context["people"] if p.hometown and p.id not in taken][:11]]
    db.session.add_all([BranchMember(branch_id=branch.id, person_id=p.id) for p in members])
    db.session.flush()
    starts = next_weekday_at(5, 14, 30)
    meeting = create_meeting(admin, "general_meeting", branch.id, {
        "title": "支部党员大会（第四季度）", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
        "place": "爵溪街道党群服务中心",
        "agenda": ["学习传达上级会议精神", "讨论预备党员转正", "流动党员党费收缴情况"]})
    invite_members(admin, meeting)
