"""People: the admin pages (adding, editing, the list) and granting roles from a person's page."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from app import db
from community.people import identity, services
from community.people.models import Person
from tests.community.people_support import audit_rows, base_data, id_number, person_count, wrong_check_digit
from tests.factories import count_statements, login, make_admin, make_grid, make_person

# ---------------------------------------------------------------- pages


def _form(community, **overrides):
    data = {"name": "王芳", "phone": "13612345678", "gender": "F", "born_on": "1992-02-03", "id_number": "",
            "hukou_place": "贵州省遵义市湄潭县", "community_id": str(community.id), "grid_id": "0",
            "living_since_on": "2020-01-01", "residence_permit_no": "", "residence_permit_until": "",
            "employer": "", "hometown": "遵义", "has_political_rights": "y"}
    data.update(overrides)
    return data


def test_add_person_page_creates_with_one_time_password(client, places, admin):
    login(client, admin)
    assert client.get("/admin/people/new").status_code == 200
    response = client.post("/admin/people/new", data=_form(places["east"]))
    assert response.status_code == 200  # the one-time password is shown once, in this answer only
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.phone == "13612345678"))
    assert person is not None and person.is_migrant is True and person.must_change_password is True
    assert f"/admin/people/{person.id}" in response.get_data(as_text=True)
    assert person.hometown == "遵义"


def test_add_person_page_shows_errors_without_writing(client, places, admin):
    make_person(places["east"], phone="13612345678")
    login(client, admin)
    before = person_count()
    for data in (_form(places["east"], phone="12"), _form(places["east"]),
                 _form(places["east"], phone="13612340000", id_number=wrong_check_digit(id_number()))):
        response = client.post("/admin/people/new", data=data)
        assert response.status_code == 200
        assert "is-invalid" in response.get_data(as_text=True) or "alert-danger" in response.get_data(as_text=True)
    assert person_count() == before


def test_edit_page_saves_and_keeps_id_number_when_left_empty(client, places, admin):
    number = id_number(born=date(1992, 2, 3))
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on="1992-02-03"))
    login(client, admin)
    page = client.get(f"/admin/people/{person.id}/edit").get_data(as_text=True)
    assert number not in page
    response = client.post(f"/admin/people/{person.id}/edit",
                           data=_form(places["east"], phone=person.phone, name="李晓明", born_on="1992-02-03"))
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Person, person.id)
    assert row.name == "李晓明"
    assert identity.decrypt_id_number(row.id_number_cipher) == number


def test_people_list_masks_phones(client, places, admin):
    people = [make_person(places["east"], phone=f"1381234{n:04d}", name=f"居民{n}") for n in range(3)]
    login(client, admin)
    response = client.get("/admin/people/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for person in people:
        assert person.name in page
        assert person.phone not in page
        assert f"{person.phone[:3]}****{person.phone[-4:]}" in page
    assert admin.phone not in page


def test_people_list_shows_only_own_communities(client, places, admin):
    make_person(places["east"], name="东边的人")
    make_person(places["west"], name="西边的人")
    login(client, admin)
    page = client.get("/admin/people/").get_data(as_text=True)
    assert "东边的人" in page
    assert "西边的人" not in page
    filtered = client.get(f"/admin/people/?community_id={places['west'].id}").get_data(as_text=True)
    assert "西边的人" not in filtered


def test_people_list_filters_migrants(client, places, admin):
    make_person(places["east"], name="本地人甲", hukou_place="浙江省宁波市象山县")
    make_person(places["east"], name="新居民乙", hukou_place="贵州省毕节市")
    login(client, admin)
    migrants = client.get("/admin/people/?migrant=1").get_data(as_text=True)
    assert "新居民乙" in migrants and "本地人甲" not in migrants
    locals_ = client.get("/admin/people/?migrant=0").get_data(as_text=True)
    assert "本地人甲" in locals_ and "新居民乙" not in locals_


def test_resident_cannot_open_the_people_list(client, places):
    resident = make_person(places["east"])
    login(client, resident)
    response = client.get("/admin/people/")
    assert response.status_code == 403
    assert response.mimetype == "text/html"


def _count_statements(client, url: str) -> int:
    db.session.remove()  # both requests start from the same state: a fresh session
    return count_statements(client, url)[0]


def test_people_list_query_count_does_not_grow_with_rows(client, places):
    admin = make_admin("street_admin", ("street", places["street"].id))
    grids = [(places["east"].id, make_grid(places["east"], "东一网格").id),
             (places["west"].id, make_grid(places["west"], "西一网格").id)]

    def add(n: int, start: int):
        from community.places.models import Community
        for i in range(start, start + n):
            community_id, grid_id = grids[i % 2]
            make_person(db.session.get(Community, community_id), name=f"居民{i:03d}", grid_id=grid_id)

    add(5, 0)
    login(client, admin)
    client.get("/admin/people/")  # warm up caches
    small = _count_statements(client, "/admin/people/")
    add(35, 5)
    large = _count_statements(client, "/admin/people/")
    assert large == small
    page = client.get("/admin/people/").get_data(as_text=True)
    assert len(set(re.findall(r'href="/admin/people/(\d+)"', page))) == 30  # a full page really was rendered


def test_role_grant_on_person_page(client, places, admin):
    person = make_person(places["east"])
    login(client, admin)
    response = client.post(f"/admin/roles/person/{person.id}",
                           data={"role": "organiser", "scope": f"community:{places['east'].id}"})
    assert response.status_code == 302
    assert len(audit_rows("role.grant")) == 1
    response = client.post(f"/admin/roles/person/{person.id}",
                           data={"role": "organiser", "scope": f"community:{places['west'].id}"})
    assert response.status_code == 403
    assert len(audit_rows("role.grant")) == 1
