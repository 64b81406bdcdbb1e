"""The /api/v1 core: errors, auth, places, people, roles, /me, the catalogue and the OpenAPI document."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.people.models import Person
from community.places.models import Community, Street
from community.roles.models import RoleGrant
from tests.factories import grant, make_admin, make_person, make_street, token_for

API = "/api/v1"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def person_body(community, **overrides) -> dict:
    body = {"name": "李晓", "phone": "13812345678", "password": "abcd12345", "birth_date": "1999-03-02",
            "community_id": community.id, "hukou_place": "贵州省毕节市", "living_since": "2023-05-01"}
    body.update(overrides)
    return body


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


@pytest.fixture
def platform(client, places):
    admin = make_admin()
    return admin, token_for(client, admin)


@pytest.fixture
def east_admin(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id))
    return admin, token_for(client, admin)


# ---------------------------------------------------------------- errors and auth


def test_malformed_json_is_400_invalid(client, east_admin):
    _admin, headers = east_admin
    before = count(Person)
    response = client.post(f"{API}/people", data='{"name": "李晓", ', content_type="application/json",
                           headers=headers)
    error_of(response, 400, "invalid")
    assert count(Person) == before


def test_json_that_is_not_an_object_is_400(client, east_admin):
    _admin, headers = east_admin
    response = client.post(f"{API}/people", json=["not", "an", "object"], headers=headers)
    error_of(response, 400, "invalid")


@pytest.mark.parametrize("field,value", [
    ("community_id", "abc"), ("community_id", "1"), ("name", 123), ("birth_date", "02/03/1999"),
    ("living_since", 20230501), ("gender", "X"), ("has_political_rights", "maybe"), ("grid_id", 1.5),
])
def test_wrong_types_name_the_field(client, places, east_admin, field, value):
    _admin, headers = east_admin
    before = count(Person)
    response = client.post(f"{API}/people", json=person_body(places["east"], **{field: value}), headers=headers)
    error = error_of(response, 400, "invalid")
    assert field in error["fields"]
    assert count(Person) == before


def test_missing_required_fields_are_named(client, east_admin):
    _admin, headers = east_admin
    error = error_of(client.post(f"{API}/people", json={}, headers=headers), 400, "invalid")
    assert {"name", "phone", "community_id", "hukou_place"} <= set(error["fields"])


def test_unknown_field_is_400(client, places, east_admin):
    _admin, headers = east_admin
    response = client.post(f"{API}/people", json=person_body(places["east"], favourite_colour="红"),
                           headers=headers)
    error = error_of(response, 400, "invalid")
    assert "favourite_colour" in error["fields"]
    assert count(Person) == 1


def test_bad_phone_is_400_naming_phone(client, places, east_admin):
    _admin, headers = east_admin
    error = error_of(client.post(f"{API}/people", json=person_body(places["east"], phone="12345"), headers=headers),
                     400, "invalid")
    assert "phone" in error["fields"]


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "},
    {"Authorization": "Bearer"},
])
def test_missing_or_invalid_bearer_is_401(client, places, headers):
    for method, path in (("get", "/me"), ("get", "/people"), ("post", "/streets"), ("get", "/catalogue")):
        body = {"name": "x"} if method == "post" else None
        response = getattr(client, method)(f"{API}{path}", headers=headers, json=body)
        error_of(response, 401, "unauthorised")


def test_token_of_a_deactivated_person_stops_working(client, places):
    person = make_person(places["east"])
    headers = token_for(client, person)
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    person.is_active_account = False
    db.session.commit()
    error_of(client.get(f"{API}/me", headers=headers), 401, "unauthorised")


@pytest.mark.parametrize("method,path", [
    ("get", "/people/999999"), ("patch", "/people/999999"), ("get", "/streets/999999"),
    ("get", "/communities/999999"), ("delete", "/roles/999999"), ("get", "/no-such-endpoint"),
])
def test_unknown_ids_are_404_in_the_error_format(client, platform, method, path):
    _admin, headers = platform
    kwargs = {"json": {"name": "新名字"}} if method == "patch" else {}
    error_of(getattr(client, method)(f"{API}{path}", headers=headers, **kwargs), 404, "not_found")


def test_wrong_method_is_405_json(client, platform):
    _admin, headers = platform
    error_of(client.put(f"{API}/people", headers=headers, json={}), 405, "method_not_allowed")


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


# ---------------------------------------------------------------- people


def test_community_admin_creates_person(client, places, east_admin):
    admin, headers = east_admin
    response = client.post(f"{API}/people", json=person_body(places["east"]), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert isinstance(body["id"], int)
    assert body["phone"] == "138****5678"
    assert body["is_migrant"] is True
    assert body["birth_date"] == "1999-03-02" and body["living_since"] == "2023-05-01"
    db.session.expire_all()
    person = db.session.get(Person, body["id"])
    assert person.phone == "13812345678" and person.community_id == places["east"].id
    assert any(e.actor_id == admin.id and e.object_id == person.id for e in audit_rows("person.create"))
    assert client.post(f"{API}/auth/token", json={"phone": "13812345678", "password": "abcd12345"}).status_code == 200


def test_create_person_with_id_number_returns_it_masked(client, places, east_admin):
    _admin, headers = east_admin
    number = "330225199005171235"
    body = "33022519900517123"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=False)) % 11]
    response = client.post(f"{API}/people", json=person_body(places["east"], id_number=number, birth_date=None)
                           | {"birth_date": "1990-05-17"}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert number not in response.get_data(as_text=True)
    again = client.post(f"{API}/people", json=person_body(places["east"], phone="13912345678", id_number=number,
                                                          birth_date="1990-05-17"), headers=headers)
    error = error_of(again, 409, "conflict")
    assert "id_number" in error["fields"]


def test_create_person_refusals(client, places, east_admin):
    _admin, headers = east_admin
    make_person(places["east"], phone="13812345678")
    before = count(Person)
    error_of(client.post(f"{API}/people", json=person_body(places["west"], phone="13912345678"), headers=headers),
             403, "forbidden")
    error = error_of(client.post(f"{API}/people", json=person_body(places["east"]), headers=headers), 409, "conflict")
    assert "phone" in error["fields"]
    error = error_of(client.post(f"{API}/people", json=person_body(places["east"], phone="13912345678",
                                                                    name="李" * 51), headers=headers),
                     400, "invalid")
    assert "name" in error["fields"]
    error = error_of(client.post(f"{API}/people", json=person_body(places["east"], phone="13912345678",
                                                                    community_id=999999), headers=headers),
                     400, "invalid")
    assert "community_id" in error["fields"]
    assert count(Person) == before


def test_resident_cannot_create_or_list_people(client, places):
    resident = make_person(places["east"])
    headers = token_for(client, resident)
    error_of(client.post(f"{API}/people", json=person_body(places["east"]), headers=headers), 403, "forbidden")
    error_of(client.get(f"{API}/people", headers=headers), 403, "forbidden")


def test_people_list_pagination_masking_and_scope(client, places, east_admin):
    _admin, headers = east_admin
    east = [make_person(places["east"], name=f"东{n:02d}", phone=f"1380000{n:04d}") for n in range(25)]
    west = make_person(places["west"], name="西边人", phone="13811112222")
    first = client.get(f"{API}/people?per_page=10", headers=headers)
    assert first.status_code == 200
    assert first.json["total"] == 25 and first.json["page"] == 1 and len(first.json["items"]) == 10
    third = client.get(f"{API}/people?per_page=10&page=3", headers=headers).json
    assert third["page"] == 3 and len(third["items"]) == 5
    ids = set()
    for page in (1, 2, 3):
        ids |= {p["id"] for p in client.get(f"{API}/people?per_page=10&page={page}", headers=headers).json["items"]}
    assert ids == {p.id for p in east}
    assert west.id not in ids
    text = first.get_data(as_text=True)
    for item in first.json["items"]:
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", item["phone"])
    assert all(p.phone not in text for p in east)
    beyond = client.get(f"{API}/people?per_page=10&page=9", headers=headers).json
    assert beyond["items"] == [] and beyond["total"] == 25
    west_only = client.get(f"{API}/people?community_id={places['west'].id}", headers=headers).json
    assert west_only["items"] == [] and west_only["total"] == 0


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "per_page=abc", "page=-1"])
def test_bad_paging_is_400(client, places, east_admin, query):
    _admin, headers = east_admin
    error = error_of(client.get(f"{API}/people?{query}", headers=headers), 400, "invalid")
    assert set(error["fields"]) & {"per_page", "page"}


def test_people_list_filters(client, places, platform):
    _admin, headers = platform
    make_person(places["east"], name="王本地", hukou_place="浙江省宁波市象山县")
    migrant = make_person(places["east"], name="李外地", hukou_place="贵州省毕节市", phone="13955556666")
    body = client.get(f"{API}/people?is_migrant=true", headers=headers).json
    assert [p["name"] for p in body["items"]] == ["李外地"]
    body = client.get(f"{API}/people?q=李", headers=headers).json
    assert [p["id"] for p in body["items"]] == [migrant.id]
    body = client.get(f"{API}/people?q=139555", headers=headers).json
    assert [p["id"] for p in body["items"]] == [migrant.id]


def test_get_person_is_audited(client, places, east_admin):
    admin, headers = east_admin
    person = make_person(places["east"], name="被看的人")
    response = client.get(f"{API}/people/{person.id}", headers=headers)
    assert response.status_code == 200
    assert response.json["name"] == "被看的人" and "****" in response.json["phone"]
    entries = audit_rows("person.view")
    assert len(entries) == 1 and entries[0].actor_id == admin.id and entries[0].object_id == person.id
    west = make_person(places["west"])
    error_of(client.get(f"{API}/people/{west.id}", headers=headers), 403, "forbidden")
    assert len(audit_rows("person.view")) == 1


def test_a_person_may_read_their_own_record(client, places):
    person = make_person(places["east"])
    headers = token_for(client, person)
    assert client.get(f"{API}/people/{person.id}", headers=headers).status_code == 200
    assert audit_rows("person.view") == []
    other = make_person(places["east"])
    error_of(client.get(f"{API}/people/{other.id}", headers=headers), 403, "forbidden")


def test_patch_person(client, places, east_admin):
    admin, headers = east_admin
    person = make_person(places["east"], hukou_place="浙江省宁波市象山县")
    other = make_person(places["east"])
    response = client.patch(f"{API}/people/{person.id}", json={"hukou_place": "湖南省邵阳市隆回县",
                                                               "employer": "东海渔业合作社"}, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["is_migrant"] is True and response.json["employer"] == "东海渔业合作社"
    db.session.expire_all()
    row = db.session.get(Person, person.id)
    assert row.hukou_place == "湖南省邵阳市隆回县" and row.is_migrant is True
    assert len(audit_rows("person.update")) == 1
    error_of(client.patch(f"{API}/people/{person.id}", json={"phone": other.phone}, headers=headers), 409,
             "conflict")
    error = error_of(client.patch(f"{API}/people/{person.id}", json={"nickname": "x"}, headers=headers), 400,
                     "invalid")
    assert "nickname" in error["fields"]
    error = error_of(client.patch(f"{API}/people/{person.id}", json={"name": ""}, headers=headers), 400, "invalid")
    assert "name" in error["fields"]
    error_of(client.patch(f"{API}/people/{person.id}", json={"community_id": places["west"].id}, headers=headers),
             403, "forbidden")
    west = make_person(places["west"])
    error_of(client.patch(f"{API}/people/{west.id}", json={"name": "改名"}, headers=headers), 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(Person, person.id).community_id == places["east"].id
    assert db.session.get(Person, west.id).name != "改名"
    assert len(audit_rows("person.update")) == 1


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
    ("scorer", "community"), ("platform_admin", "community"),
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


# ---------------------------------------------------------------- /me, catalogue, OpenAPI


def test_me_includes_roles_and_full_phone(client, places, east_admin):
    admin, headers = east_admin
    body = client.get(f"{API}/me", headers=headers).json
    assert body["id"] == admin.id and body["phone"] == admin.phone
    assert [(r["role"], r["scope_type"], r["scope_id"]) for r in body["roles"]] == [
        ("community_admin", "community", places["east"].id)]


def test_me_of_a_resident_has_no_roles(client, places):
    person = make_person(places["east"])
    body = client.get(f"{API}/me", headers=token_for(client, person)).json
    assert body["roles"] == [] and body["name"] == person.name


def test_catalogue(client, places, east_admin):
    _admin, headers = east_admin
    body = client.get(f"{API}/catalogue", headers=headers).json
    expected = {"platform_admin", "street_admin", "community_admin", "secretary", "branch_committee", "liaison",
                "organiser", "scorer", "discussion_member", "election_committee", "counter"}
    assert expected <= set(body["roles"])
    assert body["roles"]["community_admin"]["scope_types"] == ["community"]
    assert set(body["roles"]["organiser"]["scope_types"]) == {"street", "community", "organisation"}
    assert all(entry["label"] for entry in body["roles"].values())
    assert {"street", "community", "branch", "organisation", "election"} <= set(body["scope_types"])


def test_catalogue_in_english(client, places, east_admin):
    _admin, headers = east_admin
    body = client.get(f"{API}/catalogue", headers=headers | {"Accept-Language": "en"}).json
    assert body["roles"]["community_admin"]["label"] == "Community administrator"


def test_openapi_document_is_complete(client, app):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    paths = spec["paths"]
    for path in ("/api/v1/people", "/api/v1/people/{person_id}", "/api/v1/roles", "/api/v1/roles/{grant_id}",
                 "/api/v1/auth/token", "/api/v1/me", "/api/v1/streets", "/api/v1/communities",
                 "/api/v1/catalogue"):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/people"])
    assert "patch" in paths["/api/v1/people/{person_id}"]
    assert "delete" in paths["/api/v1/roles/{grant_id}"]
    assert {"post", "delete"} <= set(paths["/api/v1/auth/token"])
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert paths["/api/v1/auth/token"]["post"].get("security") == []
    # every API route of the application is described
    documented = set()
    for path, operations in paths.items():
        for method in operations:
            documented.add((path, method.upper()))
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/openapi"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)


def test_openapi_documents_error_responses(client):
    spec = client.get(f"{API}/openapi.json").json
    post_people = spec["paths"]["/api/v1/people"]["post"]["responses"]
    assert {"201", "400", "403", "409"} <= set(post_people)
    patch = spec["paths"]["/api/v1/people/{person_id}"]["patch"]["requestBody"]["content"]["application/json"]
    name = patch["schema"]["$ref"].rsplit("/", 1)[1]
    assert not spec["components"]["schemas"][name].get("required")  # PATCH takes any subset of fields


# ---------------------------------------------------------------- language and Chinese text


def test_chinese_round_trips_unchanged(client, places, east_admin):
    _admin, headers = east_admin
    response = client.post(f"{API}/people", json=person_body(places["east"], name="李晓", hukou_place="贵州省毕节市",
                                                            hometown="毕节", employer="爵溪针织厂"), headers=headers)
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = client.get(f"{API}/people/{response.json['id']}", headers=headers).json
    assert body["name"] == "李晓"
    assert body["hukou_place"] == "贵州省毕节市"
    assert body["hometown"] == "毕节" and body["employer"] == "爵溪针织厂"
    assert body["is_migrant"] is True
    db.session.expire_all()
    assert db.session.get(Person, body["id"]).name == "李晓"


def test_accept_language_en_gives_english_messages(client, places, east_admin):
    _admin, headers = east_admin
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert client.get(f"{API}/me", headers=english).json["error"]["message"] == "A valid bearer token is required."
    error = client.post(f"{API}/people", json=person_body(places["east"], extra=1),
                        headers=headers | english).json["error"]
    assert error["fields"]["extra"] == "Unknown field."
    assert error["message"] == "Some fields are missing or malformed."
    make_person(places["east"], phone="13812345678")
    error = client.post(f"{API}/people", json=person_body(places["east"]), headers=headers | english).json["error"]
    assert error["message"] == "A person with this phone number already exists."
    chinese = client.get(f"{API}/me").json["error"]["message"]
    assert chinese  # the default language answers too


def test_patch_grid_must_be_in_the_persons_community(client, places, platform):
    from tests.factories import make_grid

    _admin, headers = platform
    east_grid, west_grid = make_grid(places["east"], "东一网格"), make_grid(places["west"], "西一网格")
    person = make_person(places["east"])
    error = error_of(client.patch(f"{API}/people/{person.id}", json={"grid_id": west_grid.id}, headers=headers),
                     400, "invalid")
    assert "grid_id" in error["fields"]
    db.session.expire_all()
    assert db.session.get(Person, person.id).grid_id is None
    response = client.patch(f"{API}/people/{person.id}", json={"grid_id": east_grid.id}, headers=headers)
    assert response.status_code == 200 and response.json["grid_id"] == east_grid.id
    assert response.json["community_id"] == places["east"].id


def test_moving_community_drops_the_old_grid(client, places, platform):
    from tests.factories import make_grid

    _admin, headers = platform
    east_grid = make_grid(places["east"], "东一网格")
    person = make_person(places["east"], grid_id=east_grid.id)
    response = client.patch(f"{API}/people/{person.id}", json={"community_id": places["west"].id}, headers=headers)
    assert response.status_code == 200
    assert response.json["community_id"] == places["west"].id
    assert response.json["grid_id"] is None
    db.session.expire_all()
    assert db.session.get(Person, person.id).grid_id is None


def test_patch_cannot_silently_ignore_a_password(client, places, east_admin):
    _admin, headers = east_admin
    person = make_person(places["east"])
    before = person.password_hash
    error = error_of(client.patch(f"{API}/people/{person.id}", json={"password": "newpass123"}, headers=headers),
                     400, "invalid")
    assert "password" in error["fields"]
    db.session.expire_all()
    assert db.session.get(Person, person.id).password_hash == before
