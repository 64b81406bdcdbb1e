"""The discussion group: members with their group roles on top of the role discussion_member (mediators also
hold mediator), removal, and the 乡音说事 sessions' hometown invitations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.authz import forget_grants
from community.discussions import agenda as A
from community.discussions import group as G
from community.discussions import mediation as M
from community.discussions.mediation_models import GroupMember
from community.errors import Conflict, Forbidden, Invalid
from community.meetings.models import MeetingInvitee
from community.meetings.services import create_meeting
from community.roles.models import RoleGrant
from tests.community.discussions.mediation_support import NOW, case_data
from tests.factories import login, make_person


def _roles(person) -> set[str]:
    return set(db.session.scalars(select(RoleGrant.role).where(RoleGrant.person_id == person.id,
                                                               RoleGrant.scope_type == "community")))


def test_a_member_gets_a_group_role_and_the_roles_it_needs(mworld):
    newcomer = make_person(mworld.a, name="吴书记", hometown="贵州省毕节市")
    G.set_member(mworld.admin_a, mworld.a.id, newcomer, "party_member")
    assert _roles(newcomer) == {"discussion_member"}
    G.set_member(mworld.admin_a, mworld.a.id, newcomer, "mediator")
    assert _roles(newcomer) == {"discussion_member", "mediator"}
    G.set_member(mworld.admin_a, mworld.a.id, newcomer, "xiangxian")
    forget_grants()
    assert _roles(newcomer) == {"discussion_member"}
    listed = dict((p.name, role) for p, role in G.members(mworld.a.id))
    assert listed == {"吴书记": "xiangxian", "孙委员": None}
    assert db.session.scalar(select(GroupMember.group_role).where(GroupMember.person_id == newcomer.id)) == "xiangxian"


def test_only_administrators_manage_the_group_and_roles_are_checked(mworld):
    newcomer = make_person(mworld.a, name="吴书记")
    for refused in (mworld.member, mworld.mediator, mworld.resident, mworld.admin_b):
        with pytest.raises(Forbidden):
            G.set_member(refused, mworld.a.id, newcomer, "party_member")
    with pytest.raises(Invalid):
        G.set_member(mworld.admin_a, mworld.a.id, newcomer, "chairman")
    stranger = make_person(mworld.b, name="外人")
    with pytest.raises(Invalid):
        G.set_member(mworld.admin_a, mworld.a.id, stranger, "party_member")
    assert _roles(newcomer) == set() and db.session.scalar(select(GroupMember.id)) is None


def test_a_mediator_with_open_cases_stays_until_they_are_closed(mworld):
    G.set_member(mworld.admin_a, mworld.a.id, mworld.mediator, "mediator")
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    with pytest.raises(Conflict):
        G.remove_member(mworld.admin_a, mworld.a.id, mworld.mediator.id)
    assert "mediator" in _roles(mworld.mediator)
    M.record_outcome(mworld.mediator, case, {"outcome": "referred", "referred_to": "派出所"}, now=NOW)
    G.remove_member(mworld.admin_a, mworld.a.id, mworld.mediator.id)
    assert _roles(mworld.mediator) == set()


def test_a_hometown_session_invites_the_members_from_that_hometown(mworld):
    guizhou = [make_person(mworld.a, name=f"黔{i}", hometown="贵州省毕节市") for i in range(2)]
    anhui = make_person(mworld.a, name="皖一", hometown="安徽省阜阳市")
    for someone in (*guizhou, anhui):
        G.set_member(mworld.admin_a, mworld.a.id, someone, "party_member")
    meeting = create_meeting(mworld.admin_a, "discussion", mworld.a.id, {
        "title": "乡音说事·贵州专场", "starts_at": NOW + timedelta(days=2), "ends_at": NOW + timedelta(days=2, hours=1),
        "place": "东门社区议事厅", "hometown": "贵州"}, now=NOW)
    assert A.invite_hometown(mworld.member, meeting, now=NOW) == 2
    invited = set(db.session.scalars(select(MeetingInvitee.person_id).where(MeetingInvitee.meeting_id == meeting.id)))
    assert invited == {p.id for p in guizhou}
    assert A.invite_hometown(mworld.member, meeting, now=NOW) == 0
    assert [m.id for m in G.hometown_sessions(mworld.a.id)] == [meeting.id]


def test_the_group_page_adds_a_member_chosen_by_name(app, client, mworld):
    newcomer = make_person(mworld.a, name="郑乡贤")
    login(client, mworld.admin_a)
    refused = client.post(f"/discussions/group/{mworld.a.id}/members", data={"person": "郑乡贤", "group_role": ""})
    assert refused.status_code == 422 and "郑乡贤" in refused.text
    added = client.post(f"/discussions/group/{mworld.a.id}/members",
                        data={"person": "郑乡贤", "person_id": str(newcomer.id), "group_role": "xiangxian"})
    assert added.status_code == 302
    page = client.get(f"/discussions/group/{mworld.a.id}")
    assert page.status_code == 200 and "郑乡贤" in page.text
    client.post("/logout")
    login(client, mworld.resident)
    assert client.get(f"/discussions/group/{mworld.a.id}").status_code == 403


def test_the_group_api(app, client, mworld):
    from community.accounts.services import issue_token

    newcomer = make_person(mworld.a, name="郑乡贤", hometown="象山")
    admin = {"Authorization": f"Bearer {issue_token(mworld.admin_a)[0]}"}
    added = client.post(f"/api/v1/communities/{mworld.a.id}/discussion-group", headers=admin,
                        json={"person_id": newcomer.id, "group_role": "xiangxian"})
    assert added.status_code == 201
    assert {"person_id": newcomer.id, "name": "郑乡贤", "hometown": "象山", "group_role": "xiangxian"} \
        in added.json["members"]
    bad = client.post(f"/api/v1/communities/{mworld.a.id}/discussion-group", headers=admin,
                      json={"person_id": newcomer.id, "group_role": "boss"})
    assert bad.status_code == 400 and "group_role" in bad.json["error"]["fields"]
    member = {"Authorization": f"Bearer {issue_token(mworld.member)[0]}"}
    assert client.get(f"/api/v1/communities/{mworld.a.id}/discussion-group", headers=member).status_code == 200
    assert client.post(f"/api/v1/communities/{mworld.a.id}/discussion-group", headers=member,
                       json={"person_id": newcomer.id, "group_role": "mediator"}).status_code == 403
