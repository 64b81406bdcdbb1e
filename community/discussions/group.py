"""The discussion group (同心圆议事团) of a community: its members and their role in the group (mobile party
member, community worker, mediator, 新乡贤), and its 乡音说事 hometown sessions.

A member holds the authorisation role `discussion_member` in the community (it lets them organise discussion
meetings and follow requests up); a member whose group role is mediator also holds `mediator` there. Both are
granted and revoked through community.roles' own services, in the same unit of work as the membership row,
so the authorisation rules for roles (nobody acts on someone above them) apply unchanged.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.authz import require
from community.database import transactional, utcnow, valid_id
from community.discussions.mediation_models import GROUP_ROLES, GroupMember
from community.errors import Conflict, Invalid, NotFound
from community.meetings.models import Meeting
from community.people.models import Person
from community.places.models import Community
from community.roles.models import RoleGrant

GROUP_ROLE_LABELS = {
    "party_member": _l("Mobile party member"),
    "community_worker": _l("Community worker"),
    "mediator": _l("Mediator (老娘舅)"),
    "xiangxian": _l("New village worthy (新乡贤)"),
}


def get_community(actor, action: str, community_id) -> Community:
    """The community, once the actor may do `action` there (checked first)."""
    if not valid_id(community_id):
        raise NotFound(_("The page or object was not found."))
    require(actor, action, ("community", community_id))
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound(_("The page or object was not found."))
    return community


def members(community_id: int) -> list[tuple[Person, str | None]]:
    """Everyone holding `discussion_member` in the community with their group role (None: not set yet), by
    name (one query)."""
    rows = db.session.execute(
        select(Person, GroupMember.group_role).join(RoleGrant, and_(
            RoleGrant.person_id == Person.id, RoleGrant.role == "discussion_member",
            RoleGrant.scope_type == "community", RoleGrant.scope_id == community_id))
        .outerjoin(GroupMember, and_(GroupMember.person_id == Person.id, GroupMember.community_id == community_id))
        .order_by(Person.name_key, Person.id))
    return [(person, role) for person, role in rows]


def hometown_sessions(community_id: int, limit: int = 20) -> list[Meeting]:
    """The community's 乡音说事 sessions (discussion meetings that carry a hometown group), newest first."""
    return db.session.scalars(select(Meeting).where(
        Meeting.kind == "discussion", Meeting.scope_type == "community", Meeting.scope_id == community_id,
        Meeting.hometown != "").order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)).all()


def _grant(actor, person: Person, role: str, community_id: int) -> None:
    from community.roles.services import grant_role

    held = db.session.scalar(select(RoleGrant.id).where(
        RoleGrant.person_id == person.id, RoleGrant.role == role, RoleGrant.scope_type == "community",
        RoleGrant.scope_id == community_id))
    if held is None:
        grant_role(actor, person, role, "community", community_id)


def _revoke(actor, person_id: int, role: str, community_id: int) -> None:
    from community.roles.services import revoke_role

    grant = db.session.scalar(select(RoleGrant).where(
        RoleGrant.person_id == person_id, RoleGrant.role == role, RoleGrant.scope_type == "community",
        RoleGrant.scope_id == community_id))
    if grant is not None:
        revoke_role(actor, grant)


def _role(value) -> str:
    if value not in GROUP_ROLES:
        message = _("Choose the member's role in the group.")
        raise Invalid(message, fields={"group_role": message})
    return value


@transactional
def set_member(actor, community_id: int, person: Person, group_role: str, *,
               now: datetime | None = None) -> GroupMember:
    """Add a person to the group with a role, or change a member's role; grants `discussion_member` (and
    `mediator` for a mediator, revoked again when a mediator's role changes)."""
    require(actor, "discussion_group.manage", ("community", community_id))
    group_role = _role(group_role)
    if person.community_id != community_id and not db.session.scalar(select(RoleGrant.id).where(
            RoleGrant.person_id == person.id, RoleGrant.scope_type == "community",
            RoleGrant.scope_id == community_id)):
        message = _("%(name)s does not live in this community.", name=person.name)
        raise Invalid(message, fields={"person": message})
    row = db.session.scalar(select(GroupMember).where(GroupMember.community_id == community_id,
                                                      GroupMember.person_id == person.id))
    before = row.group_role if row else None
    _grant(actor, person, "discussion_member", community_id)
    if group_role == "mediator":
        _grant(actor, person, "mediator", community_id)
    elif before == "mediator":
        _revoke(actor, person.id, "mediator", community_id)
    if row is None:
        row = GroupMember(community_id=community_id, person_id=person.id, group_role=group_role,
                          added_by_id=actor.id, created_at=now or utcnow())
        db.session.add(row)
    row.group_role = group_role
    db.session.flush()
    record(actor, "discussion_group.set", row, person.name, {"group_role": group_role, "before": before})
    return row


@transactional
def remove_member(actor, community_id: int, person_id) -> None:
    """Take someone out of the group: their group role, `discussion_member` and (for a mediator) `mediator`.
    A mediator with open cases stays until the cases are closed or handed over."""
    require(actor, "discussion_group.manage", ("community", community_id))
    from community.discussions.mediation_models import MediationCase

    person = db.session.get(Person, person_id) if valid_id(person_id) else None
    if person is None:
        raise NotFound(_("This person is not in the discussion group."))
    row = db.session.scalar(select(GroupMember).where(GroupMember.community_id == community_id,
                                                      GroupMember.person_id == person.id))
    held = db.session.scalar(select(RoleGrant.id).where(
        RoleGrant.person_id == person.id, RoleGrant.role == "discussion_member",
        RoleGrant.scope_type == "community", RoleGrant.scope_id == community_id))
    if row is None and held is None:
        raise NotFound(_("This person is not in the discussion group."))
    if row is not None and row.group_role == "mediator":
        open_cases = db.session.scalar(select(MediationCase.id).where(
            MediationCase.mediator_id == person.id, MediationCase.community_id == community_id,
            MediationCase.outcome.is_(None)).limit(1))
        if open_cases:
            raise Conflict(_("%(name)s still mediates open cases here; close them first.", name=person.name),
                           code="open_cases")
        _revoke(actor, person.id, "mediator", community_id)
    _revoke(actor, person.id, "discussion_member", community_id)
    if row is not None:
        db.session.delete(row)
    record(actor, "discussion_group.remove", None, person.name, {"person_id": person.id},
           object_type="discussion_group_member", object_id=person.id)


def members_with_hometown(community_id: int, hometown: str) -> dict[int, bool]:
    """The group's members whose hometown starts with the session's (贵州 finds 贵州省毕节市), all voting:
    whom a 乡音说事 session invites (one query)."""
    from community.database import prefix_match

    hometown = (hometown or "").strip()
    if not hometown:
        return {}
    return {pid: True for pid in db.session.scalars(select(Person.id).join(RoleGrant, and_(
        RoleGrant.person_id == Person.id, RoleGrant.role == "discussion_member",
        RoleGrant.scope_type == "community", RoleGrant.scope_id == community_id)).where(
        prefix_match(Person.hometown, hometown)))}


def load_member(community_id: int, person_id: int) -> GroupMember | None:
    """A member's group row with the person (for the API's answer)."""
    return db.session.scalar(select(GroupMember).options(joinedload(GroupMember.person)).where(
        GroupMember.community_id == community_id, GroupMember.person_id == person_id))
