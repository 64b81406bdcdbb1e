"""Who may read and change a roster: the branch's secretary; not another branch's secretary, not a resident;
a liaison sees only their own organisation's members, with phones masked. Page lists stay flat in SQL."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app import db
from branches import roster
from branches.models import BranchMember
from tests.factories import count_statements, login, token_for

TODAY = date(2026, 12, 3)


def _members(juexi, n: int = 3):
    wang, branch = juexi["wang"], juexi["guizhou"]
    homes = [juexi["zunyi"], juexi["fuyang"]]
    for i, person in enumerate(juexi["people"][:n]):
        roster.add_member(wang, branch, person, {"status": "full", "relationship": "card", "card_number": f"流字{i}",
                                                 "home_organisation_id": homes[i % 2].id}, TODAY)
    db.session.commit()


def test_another_branchs_secretary_can_neither_read_nor_change(juexi, client):
    _members(juexi)
    branch, li = juexi["guizhou"], juexi["li"]
    headers = token_for(client, li)
    assert client.get(f"/api/v1/branches/{branch.id}/members", headers=headers).status_code == 403
    body = {"person_id": juexi["people"][5].id, "status": "full", "relationship": "transferred"}
    assert client.post(f"/api/v1/branches/{branch.id}/members", json=body, headers=headers).status_code == 403
    login(client, li)
    assert client.get(f"/admin/branches/{branch.id}").status_code == 403
    assert client.post(f"/admin/branches/{branch.id}/members", data={"person": "党员5"}).status_code == 403
    assert client.post(f"/admin/branches/{branch.id}/export").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(BranchMember)) == 3


def test_a_resident_sees_no_roster(juexi, client):
    _members(juexi)
    branch = juexi["guizhou"]
    headers = token_for(client, juexi["resident"])
    assert client.get(f"/api/v1/branches/{branch.id}/members", headers=headers).status_code == 403
    login(client, juexi["resident"])
    assert client.get(f"/admin/branches/{branch.id}").status_code == 403
    assert client.get("/branches/join").status_code == 200


def test_the_secretary_sees_phones_and_a_liaison_only_their_members_masked(juexi, client):
    _members(juexi)
    branch = juexi["guizhou"]
    roster_ = client.get(f"/api/v1/branches/{branch.id}/members", headers=token_for(client, juexi["wang"])).json
    assert roster_["total"] == 3 and all("*" not in m["phone"] for m in roster_["items"])
    seen = client.get(f"/api/v1/branches/{branch.id}/members", headers=token_for(client, juexi["liaison"])).json
    zunyi = juexi["zunyi"].id
    assert seen["total"] == 2 and all(m["home_organisation_id"] == zunyi for m in seen["items"])
    assert all("*" in m["phone"] for m in seen["items"])


def test_adding_a_member_by_name_on_the_page(juexi, client):
    login(client, juexi["wang"])
    branch, person = juexi["guizhou"], juexi["people"][7]
    response = client.post(f"/admin/branches/{branch.id}/members", data={
        "person": person.name, "status": "full", "relationship": "card", "card_number": "",
        "home_organisation_id": str(juexi["zunyi"].id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "流动党员活动证编号" in page and person.name in page  # typed text kept
    response = client.post(f"/admin/branches/{branch.id}/members", data={
        "person": person.name, "status": "full", "relationship": "card", "card_number": "流字9",
        "home_organisation_id": str(juexi["zunyi"].id)})
    assert response.status_code == 302
    assert roster.current_membership(person.id).card_number == "流字9"


def test_the_branch_page_and_list_run_a_flat_number_of_statements(juexi, client):
    login(client, juexi["wang"])
    _members(juexi, 3)
    few, _page = count_statements(client, f"/admin/branches/{juexi['guizhou'].id}")
    for i, person in enumerate(juexi["people"][3:25]):
        roster.add_member(juexi["wang"], juexi["guizhou"], person, {"status": "full"}, TODAY)
        roster.add_position(juexi["wang"], roster.current_membership(person.id), "网格员", f"村{i}", None)
    db.session.commit()
    many, page = count_statements(client, f"/admin/branches/{juexi['guizhou'].id}")
    assert many == few and "网格员" in page
    login(client, juexi["admin"])
    assert count_statements(client, "/admin/branches/")[0] <= few


def test_a_liaison_cannot_tell_a_branch_without_her_members_from_an_unknown_id(juexi, client):
    _members(juexi)
    headers = token_for(client, juexi["liaison"])
    other = client.get(f"/api/v1/branches/{juexi['anhui'].id}/members", headers=headers)  # exists, none of hers
    unknown = client.get("/api/v1/branches/999999/members", headers=headers)
    assert other.status_code == unknown.status_code == 404
    assert other.get_json() == unknown.get_json()
    assert client.get(f"/api/v1/branches/{juexi['guizhou'].id}/members", headers=headers).status_code == 200
