"""Personal data that must not be rebuilt from what is shown: the ID-number mask and phone search (issue #6)."""
from __future__ import annotations

import io
from datetime import date

from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import inspect, select, text

from app import db
from community.people import identity
from community.people.models import Person
from tests.community.api_support import API, person_body
from tests.community.people_support import id_number
from tests.factories import login, make_admin, make_person, token_for

NUMBER = id_number(region="330225", born=date(1990, 5, 17), seq="124")  # 象山县, a woman (even digit 17)
COUNTIES = {"浙江省宁波市象山县": "330225"}  # what an attacker reads off the household place


def _candidates(shown: dict) -> list[str]:
    """Every valid ID number consistent with a person's record as the API shows it, for an attacker who knows
    the county code of the household place: region + birth date + sequence + check digit, mask digits kept."""
    region = COUNTIES[shown["hukou_place"]]
    born = date.fromisoformat(shown["birth_date"]).strftime("%Y%m%d")
    mask = shown["id_number"]
    found = []
    for seq in range(1000):
        if (seq % 2 == 1) != (shown["gender"] == "M"):
            continue
        body = f"{region}{born}{seq:03d}"
        number = body + identity.check_digit(body)
        if all(m == "*" or m == d for m, d in zip(mask, number, strict=True)):
            found.append(number)
    return found


def test_masked_id_number_does_not_combine_with_birth_date_and_household_place(client, places, east_admin):
    _admin, headers = east_admin
    created = client.post(f"{API}/people", json=person_body(places["east"], id_number=NUMBER, gender="F",
                                                            birth_date="1990-05-17", hukou_place="浙江省宁波市象山县"),
                          headers=headers)
    assert created.status_code == 201, created.json
    shown = client.get(f"{API}/people/{created.json['id']}", headers=headers).json
    assert shown["birth_date"] == "1990-05-17" and shown["gender"] == "F"
    candidates = _candidates(shown)
    assert NUMBER in candidates
    # The old mask 3302**********1242 left exactly one candidate; no mask digit may narrow the 500 down.
    assert len(candidates) == 500, len(candidates)
    listed = client.get(f"{API}/people", headers=headers).json["items"]
    assert {p["id_number"] for p in listed if p["id"] == created.json["id"]} == {"*" * 18}


def test_pages_and_exports_show_the_same_digit_free_mask(client, places, admin):
    person = make_person(places["east"], name="有证的人", hukou_place="浙江省宁波市象山县", born_on=date(1990, 5, 17),
                         id_number=NUMBER)
    login(client, admin)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "*" * 18 in page and NUMBER[-4:] not in page and NUMBER[:4] + "*" not in page
    form = client.get(f"/admin/people/{person.id}/edit").get_data(as_text=True)
    assert "*" * 18 in form and NUMBER[-4:] not in form
    job = client.post("/admin/people/export", data={}).headers["Location"].rsplit("/", 1)[1]
    rows = list(load_workbook(io.BytesIO(client.get(f"/jobs/{job}/download").data)).active.iter_rows(values_only=True))
    assert {r[4] for r in rows[1:] if r[0] == "有证的人"} == {"*" * 18}


def test_migration_rewrites_stored_masks_without_the_key(app, places):
    old_id = make_person(places["east"], id_number_masked="3302**********1242").id
    plain_id = make_person(places["east"]).id
    db.session.remove()
    downgrade(revision="e30f884fc3fd")
    upgrade()
    db.session.expire_all()
    assert db.session.scalar(select(Person.id_number_masked).where(Person.id == old_id)) == "*" * 18
    assert db.session.scalar(select(Person.id_number_masked).where(Person.id == plain_id)) is None
    indexes = {ix["name"] for ix in inspect(db.session.connection()).get_indexes("person")}
    assert "ix_person_phone_pattern" not in indexes and "ix_person_name_pattern" in indexes
    assert db.session.execute(text("SELECT count(*) FROM person")).scalar() == 2


# ---------------------------------------------------------------- phone search


def _resident_with_phone(places):
    return make_person(places["east"], name="王芳", phone="13900000101")


def test_api_phone_prefix_finds_nobody_whole_number_finds_the_person(client, places, east_admin):
    _admin, headers = east_admin
    person = _resident_with_phone(places)
    for prefix in ("1", "139", "1390000010", "139000001"):
        body = client.get(f"{API}/people", query_string={"q": prefix}, headers=headers).json
        assert body["total"] == 0, (prefix, body)
    for whole in ("13900000101", " 139 0000 0101 ", "139-0000-0101"):
        body = client.get(f"{API}/people", query_string={"q": whole}, headers=headers).json
        assert [p["id"] for p in body["items"]] == [person.id], whole
    named = client.get(f"{API}/people", query_string={"q": "王"}, headers=headers).json
    assert [p["id"] for p in named["items"]] == [person.id]


def test_api_phone_search_needs_the_right_to_list_people(client, places):
    _resident_with_phone(places)
    other = make_person(places["east"], name="邻居")
    response = client.get(f"{API}/people", query_string={"q": "13900000101"}, headers=token_for(client, other))
    assert response.status_code == 403 and "13900000101" not in response.get_data(as_text=True)


def test_people_page_search_box_matches_only_a_whole_phone(client, places, admin):
    _resident_with_phone(places)
    login(client, admin)
    assert "王芳" not in client.get("/admin/people/", query_string={"q": "1390000"}).get_data(as_text=True)
    assert "王芳" in client.get("/admin/people/", query_string={"q": "13900000101"}).get_data(as_text=True)
    assert "王芳" in client.get("/admin/people/", query_string={"q": "王"}).get_data(as_text=True)
    client.post("/logout")
    login(client, make_admin("street_admin", ("street", places["street"].id)))
    assert "王芳" not in client.get("/admin/people/", query_string={"q": "139"}).get_data(as_text=True)
