"""The /api/v1 core: creating, listing, reading and patching people."""
from __future__ import annotations

import re

import pytest

from app import db
from community.people import identity
from community.people.models import Person
from tests.community.api_support import API, count, error_of, person_body
from tests.community.people_support import audit_rows
from tests.factories import make_person, token_for

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
    number = body + identity.check_digit(body)
    response = client.post(f"{API}/people", json=person_body(places["east"], id_number=number, birth_date=None)
                           | {"birth_date": "1990-05-17"}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["id_number"] == "*" * 18
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
    body = client.get(f"{API}/people?q=13955556666", headers=headers).json
    assert [p["id"] for p in body["items"]] == [migrant.id]
    assert client.get(f"{API}/people?q=139555", headers=headers).json["total"] == 0  # no phone prefixes (issue #6)


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
