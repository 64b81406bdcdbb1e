"""The /api/v1 core: granting and revoking roles."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db
from community.roles.models import RoleGrant
from tests.community.api_support import API, count, error_of
from tests.community.people_support import audit_rows
from tests.factories import grant, make_admin, make_person, token_for

# ---------------------------------------------------------------- roles


def test_community_admin_grants_and_revokes_in_own_community(client, places, east_admin):
    admin, headers = east_admin
    person = make_person(places["east"])
    east_id = places["east"].id
    for role in ("organiser", "discussion_member"):
        response = client.post(f"{API}/roles", json={"person_id": person.id, "role": role, "scope_type": "community",
                                                     "scope_id": east_id}, headers=headers)
        assert response.status_code == 201, response.json
        assert response.json["id"] and response.json["role"] == role and response.json["scope_id"] == east_id
    assert len(audit_rows("role.grant")) == 2
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person.id)).all()
    assert {g.role for g in grants} == {"organiser", "discussion_member"}
    assert all(g.granted_by_id == admin.id for g in grants)
    listed = client.get(f"{API}/roles?person_id={person.id}", headers=headers).json
    assert listed["total"] == 2

    duplicate = client.post(f"{API}/roles", json={"person_id": person.id, "role": "organiser",
                                                  "scope_type": "community", "scope_id": east_id}, headers=headers)
    error_of(duplicate, 409, "conflict")

    grant_id = grants[0].id
    response = client.delete(f"{API}/roles/{grant_id}", headers=headers)
    assert response.status_code == 204
    db.session.expire_all()
    assert db.session.get(RoleGrant, grant_id) is None
    assert len(audit_rows("role.revoke")) == 1


@pytest.mark.parametrize("role,scope", [
    ("community_admin", "east"), ("street_admin", "street"), ("organiser", "west"),
    ("discussion_member", "west"), ("platform_admin", "platform"),
])
def test_community_admin_cannot_grant_up_or_elsewhere(client, places, east_admin, role, scope):
    _admin, headers = east_admin
    person = make_person(places["east"])
    scope_type = {"east": "community", "west": "community", "street": "street", "platform": "platform"}[scope]
    scope_id = {"east": places["east"].id, "west": places["west"].id, "street": places["street"].id,
                "platform": 0}[scope]
    before = count(RoleGrant)
    response = client.post(f"{API}/roles", json={"person_id": person.id, "role": role, "scope_type": scope_type,
                                                 "scope_id": scope_id}, headers=headers)
    error_of(response, 403, "forbidden")
    assert count(RoleGrant) == before


def test_community_admin_cannot_revoke_elsewhere_or_upwards(client, places, east_admin):
    _admin, headers = east_admin
    person = make_person(places["west"])
    west_grant = grant(person, "organiser", "community", places["west"].id)
    peer = make_person(places["east"])
    peer_admin = grant(peer, "community_admin", "community", places["east"].id)
    error_of(client.delete(f"{API}/roles/{west_grant.id}", headers=headers), 403, "forbidden")
    error_of(client.delete(f"{API}/roles/{peer_admin.id}", headers=headers), 403, "forbidden")
    assert count(RoleGrant) == 3


@pytest.mark.parametrize("role,scope_type", [
    ("community_admin", "street"), ("organiser", "election"), ("street_admin", "community"),
    ("liaison", "community"), ("platform_admin", "community"),
])
def test_role_in_the_wrong_scope_type_is_400(client, places, platform, role, scope_type):
    _admin, headers = platform
    person = make_person(places["east"])
    scope_id = places["street"].id if scope_type == "street" else places["east"].id
    error = error_of(client.post(f"{API}/roles", json={"person_id": person.id, "role": role,
                                                       "scope_type": scope_type, "scope_id": scope_id},
                                 headers=headers), 400, "invalid")
    assert "scope_type" in error["fields"]


def test_role_body_validation(client, places, platform):
    _admin, headers = platform
    person = make_person(places["east"])
    error = error_of(client.post(f"{API}/roles", json={"person_id": person.id, "role": "king",
                                                       "scope_type": "community", "scope_id": 1}, headers=headers),
                     400, "invalid")
    assert "role" in error["fields"]
    error = error_of(client.post(f"{API}/roles", json={"person_id": person.id, "role": "organiser",
                                                       "scope_type": "community", "scope_id": 999999},
                                 headers=headers), 400, "invalid")
    assert "scope_id" in error["fields"]
    error_of(client.post(f"{API}/roles", json={"person_id": 999999, "role": "organiser",
                                               "scope_type": "community", "scope_id": places["east"].id},
                         headers=headers), 404, "not_found")


def test_street_admin_appoints_community_admins(client, places):
    admin = make_admin("street_admin", ("street", places["street"].id))
    headers = token_for(client, admin)
    person = make_person(places["east"])
    response = client.post(f"{API}/roles", json={"person_id": person.id, "role": "community_admin",
                                                 "scope_type": "community", "scope_id": places["east"].id},
                           headers=headers)
    assert response.status_code == 201
    error_of(client.post(f"{API}/roles", json={"person_id": person.id, "role": "street_admin",
                                               "scope_type": "street", "scope_id": places["street"].id},
                         headers=headers), 403, "forbidden")


def test_last_platform_admin_cannot_be_revoked(client, places, platform):
    admin, headers = platform
    only = db.session.scalar(select(RoleGrant).where(RoleGrant.role == "platform_admin"))
    error_of(client.delete(f"{API}/roles/{only.id}", headers=headers), 409, "conflict")
    assert count(RoleGrant) == 1
    second = make_person(places["east"])
    response = client.post(f"{API}/roles", json={"person_id": second.id, "role": "platform_admin",
                                                 "scope_type": "platform", "scope_id": 0}, headers=headers)
    assert response.status_code == 201
    assert client.delete(f"{API}/roles/{only.id}", headers=headers).status_code == 204
    other_headers = token_for(client, second)
    last = db.session.scalar(select(RoleGrant).where(RoleGrant.role == "platform_admin"))
    error_of(client.delete(f"{API}/roles/{last.id}", headers=other_headers), 409, "conflict")
