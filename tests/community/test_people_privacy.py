"""People: the PIPL duties - audited viewing, revealing ID numbers, and a person's own data."""
from __future__ import annotations

from app import db
from community.people import identity, services
from tests.community.people_support import audit_rows, base_data, id_number
from tests.factories import login, make_admin, make_person

# ---------------------------------------------------------------- viewing, revealing, own data


def test_viewing_a_person_is_audited(client, places, admin):
    person = make_person(places["east"], name="被查看的人")
    login(client, admin)
    response = client.get(f"/admin/people/{person.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "被查看的人" in page
    entries = audit_rows("person.view")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id
    assert entries[0].object_type == "person" and entries[0].object_id == person.id
    client.get(f"/admin/people/{person.id}")
    assert len(audit_rows("person.view")) == 2


def test_viewing_someone_out_of_scope_is_refused_and_not_audited_as_view(client, places, admin):
    west_person = make_person(places["west"])
    login(client, admin)
    assert client.get(f"/admin/people/{west_person.id}").status_code == 403
    assert audit_rows("person.view") == []


def test_viewing_oneself_is_not_logged(client, places):
    resident = make_person(places["east"])
    login(client, resident)
    assert client.get(f"/admin/people/{resident.id}").status_code == 200
    assert audit_rows("person.view") == []


def test_detail_page_shows_only_masked_id_number(client, places, admin):
    number = id_number()
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-17"))
    login(client, admin)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert number not in page
    assert identity.mask_id_number(number) in page


def test_revealing_the_id_number_is_audited(client, places, admin):
    number = id_number()
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-17"))
    login(client, admin)
    response = client.post(f"/admin/people/{person.id}/id-number", follow_redirects=True)
    assert response.status_code == 200
    assert number in response.get_data(as_text=True)
    entries = audit_rows("person.reveal_id_number")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id and entries[0].object_id == person.id


def test_revealing_is_refused_to_residents_and_other_communities(client, places, admin):
    number = id_number()
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-17"))
    other_admin = make_admin("community_admin", ("community", places["west"].id))
    login(client, other_admin)
    response = client.post(f"/admin/people/{person.id}/id-number")
    assert response.status_code == 403
    assert number not in response.get_data(as_text=True)
    assert audit_rows("person.reveal_id_number") == []


def test_own_data_export_contains_own_data_and_is_audited(client, places):
    number = id_number()
    person = make_person(places["east"], name="导出自己", phone="13712349876", employer="爵溪针织厂",
                         id_number_cipher=None)
    person.set_id_number(number)
    db.session.commit()
    other = make_person(places["east"], name="别人的数据")
    login(client, person)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers.get("Content-Disposition", "")
    data = response.get_json()
    assert data["name"] == "导出自己"
    assert data["phone"] == "13712349876"
    assert data["id_number"] == number
    assert data["employer"] == "爵溪针织厂"
    assert data["community"] == places["east"].name
    assert data["is_migrant"] is False
    assert other.name not in response.get_data(as_text=True)
    entries = audit_rows("person.export_own")
    assert len(entries) == 1
    assert entries[0].actor_id == person.id and entries[0].object_id == person.id


def test_own_data_needs_sign_in(client, places):
    response = client.get("/me/data.json")
    assert response.status_code == 302
    assert audit_rows("person.export_own") == []


def test_me_page_shows_own_full_phone(client, places):
    person = make_person(places["east"], phone="13712340000")
    login(client, person)
    page = client.get("/me").get_data(as_text=True)
    assert "13712340000" in page
