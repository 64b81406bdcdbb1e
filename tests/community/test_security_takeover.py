"""Security issue #6, point 1: nobody takes over an account of wider rights than their own.

A community administrator may change the account and roles of the residents of their community (and of an
election committee member of an election there), but not of a street or platform administrator, nor of an
administrator of another community, even when that person lives in their community.
"""
from __future__ import annotations

import pytest

from app import db
from community.authz import covers
from community.people.models import Person
from community.roles.models import RoleGrant
from tests.community.elections.conftest import make_election
from tests.factories import grant, login, make_admin, make_person, token_for


@pytest.fixture
def east_admin_headers(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    return admin, token_for(client, admin)


def _superiors(places) -> dict:
    """People who live in 东门社区 but hold a role a 东门 administrator does not contain."""
    street_admin = make_person(places["east"], name="街道管理员")
    grant(street_admin, "street_admin", "street", places["street"].id)
    platform_admin = make_person(places["east"], name="平台管理员")
    grant(platform_admin, "platform_admin")
    west_admin = make_person(places["east"], name="西门管理员")
    grant(west_admin, "community_admin", "community", places["west"].id)
    return {"street": street_admin, "platform": platform_admin, "west": west_admin}


def test_community_admin_cannot_reset_or_edit_a_wider_role_holder_through_the_api(client, places,
                                                                                  east_admin_headers):
    _admin, headers = east_admin_headers
    for label, person in _superiors(places).items():
        hash_before = person.password_hash
        response = client.post(f"/api/v1/people/{person.id}/password", headers=headers)
        assert response.status_code == 403, label
        assert response.json["error"]["code"] == "forbidden"
        response = client.patch(f"/api/v1/people/{person.id}", headers=headers, json={"name": "被改了"})
        assert response.status_code == 403, label
        db.session.expire_all()
        again = db.session.get(Person, person.id)
        assert again.password_hash == hash_before and again.name != "被改了", label


def test_the_reported_takeover_no_longer_yields_a_street_token(client, places, east_admin_headers):
    """The report: reset the street administrator's password, sign in with it, hold street_admin."""
    _admin, headers = east_admin_headers
    street_admin = _superiors(places)["street"]
    response = client.post(f"/api/v1/people/{street_admin.id}/password", headers=headers)
    assert response.status_code == 403 and "one_time_password" not in response.get_data(as_text=True)


def test_community_admin_cannot_touch_a_wider_role_holder_on_the_pages(client, places, admin):
    superiors = _superiors(places)
    login(client, admin)
    for label, person in superiors.items():
        assert client.post(f"/admin/people/{person.id}/password").status_code == 403, label
        assert client.post(f"/admin/people/{person.id}/active").status_code == 403, label
        assert client.post(f"/admin/people/{person.id}/id-number").status_code == 403, label
        assert client.get(f"/admin/people/{person.id}/edit").status_code == 403, label
        detail = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
        assert f"/admin/people/{person.id}/password" not in detail, label  # no button that would fail
    db.session.expire_all()
    assert all(db.session.get(Person, p.id).is_active_account for p in superiors.values())


def test_community_admin_cannot_change_the_roles_of_a_wider_role_holder(client, places, east_admin_headers):
    _admin, headers = east_admin_headers
    superiors = _superiors(places)
    for label, person in superiors.items():
        response = client.post("/api/v1/roles", headers=headers, json={
            "person_id": person.id, "role": "discussion_member", "scope_type": "community",
            "scope_id": places["east"].id})
        assert response.status_code == 403, label
    # A role they hold inside the administrator's own community cannot be taken away either.
    kept = grant(superiors["west"], "discussion_member", "community", places["east"].id)
    assert client.delete(f"/api/v1/roles/{kept.id}", headers=headers).status_code == 403
    assert db.session.get(RoleGrant, kept.id) is not None


def test_community_admin_still_manages_residents_committee_members_and_fellow_admins(client, places, admin):
    election = make_election(places["east"], admin=admin, committee=1)
    member = db.session.scalars(db.select(RoleGrant).where(RoleGrant.scope_type == "election")).first().person
    resident = make_person(places["east"])
    fellow = make_admin("community_admin", ("community", places["east"].id), places["east"])
    discussion = make_person(places["east"])
    grant(discussion, "discussion_member", "community", places["east"].id)
    headers = token_for(client, admin)
    for person in (resident, member, fellow, discussion):
        response = client.post(f"/api/v1/people/{person.id}/password", headers=headers)
        assert response.status_code == 200, person.name
        assert client.patch(f"/api/v1/people/{person.id}", headers=headers,
                            json={"employer": "爵溪针织厂"}).status_code == 200
    assert election.id


def test_wider_administrators_cover_narrower_ones(places):
    superiors = _superiors(places)
    street_admin, platform_admin, west_admin = superiors["street"], superiors["platform"], superiors["west"]
    east_admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    assert covers(street_admin, east_admin) and covers(street_admin, west_admin)
    assert not covers(street_admin, platform_admin)
    assert covers(platform_admin, street_admin) and covers(platform_admin, platform_admin)
    other_street = make_admin("street_admin", ("street", places["street"].id + 999))
    assert not covers(other_street, west_admin)
    assert not covers(east_admin, west_admin) and not covers(east_admin, street_admin)


def test_street_admin_may_reset_a_community_admin_of_their_street(client, places):
    street_admin = make_admin("street_admin", ("street", places["street"].id), places["east"])
    east_admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    headers = token_for(client, street_admin)
    assert client.post(f"/api/v1/people/{east_admin.id}/password", headers=headers).status_code == 200
    platform = make_person(places["east"])
    grant(platform, "platform_admin")
    assert client.post(f"/api/v1/people/{platform.id}/password", headers=headers).status_code == 403
