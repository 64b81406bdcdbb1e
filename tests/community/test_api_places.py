"""The /api/v1 core: streets and communities."""
from __future__ import annotations

from app import db
from community.places.models import Community, Street
from tests.community.api_support import API, count, error_of
from tests.community.people_support import audit_rows
from tests.factories import make_admin, make_street, token_for

# ---------------------------------------------------------------- places


def test_platform_admin_creates_street(client, platform):
    admin, headers = platform
    response = client.post(f"{API}/streets", json={"name": "丹西街道", "county": "宁海县"}, headers=headers)
    assert response.status_code == 201
    body = response.json
    assert body["id"] and body["name"] == "丹西街道" and body["county"] == "宁海县"
    db.session.expire_all()
    assert db.session.get(Street, body["id"]).county == "宁海县"
    assert any(e.object_id == body["id"] for e in audit_rows("street.create"))
    assert client.get(f"{API}/streets/{body['id']}", headers=headers).json["name"] == "丹西街道"
    duplicate = client.post(f"{API}/streets", json={"name": "丹西街道"}, headers=headers)
    error_of(duplicate, 409, "conflict")
    assert count(Street) == 2


def test_street_admin_cannot_create_street(client, places):
    admin = make_admin("street_admin", ("street", places["street"].id))
    headers = token_for(client, admin)
    error_of(client.post(f"{API}/streets", json={"name": "新街道"}, headers=headers), 403, "forbidden")
    assert count(Street) == 1


def test_street_body_validation(client, platform):
    _admin, headers = platform
    error = error_of(client.post(f"{API}/streets", json={"name": ""}, headers=headers), 400, "invalid")
    assert "name" in error["fields"]
    error = error_of(client.post(f"{API}/streets", json={"name": "街" * 61}, headers=headers), 400, "invalid")
    assert "name" in error["fields"]


def test_communities_by_street_admins(client, places):
    street, other_street = places["street"], make_street("丹西街道", "宁海县")
    admin = make_admin("street_admin", ("street", street.id))
    headers = token_for(client, admin)
    response = client.post(f"{API}/communities", json={"name": "北门社区", "street_id": street.id}, headers=headers)
    assert response.status_code == 201
    assert response.json["id"] and response.json["street_id"] == street.id and response.json["name"] == "北门社区"
    error_of(client.post(f"{API}/communities", json={"name": "丹城社区", "street_id": other_street.id},
                         headers=headers), 403, "forbidden")
    error_of(client.post(f"{API}/communities", json={"name": "无街社区", "street_id": 999999}, headers=headers),
             404, "not_found")
    error_of(client.post(f"{API}/communities", json={"name": "东门社区", "street_id": street.id}, headers=headers),
             409, "conflict")
    assert count(Community) == 3
    listed = client.get(f"{API}/communities?street_id={street.id}", headers=headers).json
    assert listed["total"] == 3
    assert {c["name"] for c in listed["items"]} == {"东门社区", "西门社区", "北门社区"}


def test_community_admin_cannot_create_community(client, places, east_admin):
    _admin, headers = east_admin
    error_of(client.post(f"{API}/communities", json={"name": "北门社区", "street_id": places["street"].id},
                         headers=headers), 403, "forbidden")


def test_same_community_name_in_another_street_is_fine(client, places, platform):
    _admin, headers = platform
    other = make_street("丹西街道", "宁海县")
    response = client.post(f"{API}/communities", json={"name": "东门社区", "street_id": other.id}, headers=headers)
    assert response.status_code == 201
