"""People: the service rules (validation, ID numbers, migrants), the pages, and the PIPL duties."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from app import db
from community.audit.models import AuditEntry
from community.errors import Conflict, Forbidden, Invalid
from community.people import identity, services
from community.people.models import Person
from tests.factories import PASSWORD, login, make_admin, make_community, make_grid, make_person, make_street

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: str = "330225", born: date = date(1990, 5, 17), seq: str = "123") -> str:
    """A valid 18-digit ID number (GB 11643 check digit)."""
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=False)) % 11]


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def person_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Person))


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def base_data(community, **overrides) -> dict:
    data = {"name": "李晓", "phone": "13812341234", "password": "abcd12345", "born_on": "1999-03-02",
            "community_id": community.id, "hukou_place": "贵州省毕节市", "living_since_on": "2023-05-01"}
    data.update(overrides)
    return data


@pytest.fixture
def admin(places):
    return make_admin("community_admin", ("community", places["east"].id))


# ---------------------------------------------------------------- creating: the service


def test_create_person_writes_row_and_audit(places, admin):
    person, generated = services.create_person(admin, base_data(places["east"], gender="F"))
    assert generated is None
    db.session.expire_all()
    row = db.session.get(Person, person.id)
    assert row.name == "李晓"
    assert row.phone == "13812341234"
    assert row.born_on == date(1999, 3, 2)
    assert row.living_since_on == date(2023, 5, 1)
    assert row.community_id == places["east"].id
    assert row.must_change_password is False
    assert row.password_hash.startswith("$argon2id$")
    entries = audit_rows("person.create")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id and entries[0].object_id == person.id


def test_create_without_password_generates_one_time_password(places, admin):
    data = base_data(places["east"])
    data.pop("password")
    person, generated = services.create_person(admin, data)
    assert generated and len(generated) >= 8
    assert person.must_change_password is True
    from community.accounts.services import authenticate
    assert authenticate(person.phone, generated).id == person.id


def test_phone_is_normalised(places, admin):
    person, _ = services.create_person(admin, base_data(places["east"], phone=" 138-1234 1234 "))
    assert person.phone == "13812341234"


BAD_FIELDS = [
    ("phone", {"phone": "12345"}),
    ("phone", {"phone": "23812341234"}),
    ("phone", {"phone": "1381234123a"}),
    ("phone", {"phone": "138123412345"}),
    ("phone", {"phone": ""}),
    ("name", {"name": ""}),
    ("name", {"name": "   "}),
    ("name", {"name": "李" * 51}),
    ("hukou_place", {"hukou_place": ""}),
    ("hukou_place", {"hukou_place": "省" * 101}),
    ("employer", {"employer": "厂" * 101}),
    ("hometown", {"hometown": "乡" * 61}),
    ("residence_permit_no", {"residence_permit_no": "9" * 41}),
    ("name", {"name": 12345}),
    ("gender", {"gender": "X"}),
    ("born_on", {"born_on": "not a date"}),
    ("born_on", {"born_on": (date.today() + timedelta(days=3)).isoformat()}),
    ("living_since_on", {"living_since_on": (date.today() + timedelta(days=3)).isoformat()}),
    ("residence_permit_until", {"residence_permit_until": "2024-13-45"}),
    ("community_id", {"community_id": 999999}),
    ("community_id", {"community_id": "1"}),
    ("id_number", {"id_number": "12345"}),
    ("id_number", {"id_number": "33022519900517123"}),
    ("id_number", {"id_number": wrong_check_digit(id_number())}),
    ("id_number", {"id_number": id_number(born=date(1990, 1, 1)).replace("19900101", "19901332")[:17] + "0"}),
]


@pytest.mark.parametrize("field,change", BAD_FIELDS, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD_FIELDS)])
def test_create_rejects_each_bad_field_and_writes_nothing(places, admin, field, change):
    before = person_count()
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], **change))
    assert field in caught.value.fields
    assert caught.value.status == 400
    assert person_count() == before
    assert audit_rows("person.create") == []


def test_impossible_birth_date_in_id_number_is_refused(places, admin):
    body = "33022519901332123"  # 1990-13-32
    number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=False)) % 11]
    assert identity.id_number_problem(number) is not None
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], id_number=number, born_on=None))
    assert "id_number" in caught.value.fields


def test_every_bad_field_is_named_at_once(places, admin):
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], phone="1", name="", hukou_place="", gender="Q"))
    assert {"phone", "name", "hukou_place", "gender"} <= set(caught.value.fields)


def test_grid_must_belong_to_the_community(places, admin):
    other_grid = make_grid(places["west"], "西一网格")
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], grid_id=other_grid.id))
    assert "grid_id" in caught.value.fields
    own = make_grid(places["east"], "东一网格")
    person, _ = services.create_person(admin, base_data(places["east"], grid_id=own.id))
    assert person.grid_id == own.id


def test_weak_password_refused(places, admin):
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], password="12345678"))
    assert "password" in caught.value.fields
    assert person_count() == 1


def test_duplicate_phone_is_a_conflict_and_writes_nothing(places, admin):
    existing = make_person(places["east"], phone="13812341234")
    before = person_count()
    with pytest.raises(Conflict) as caught:
        services.create_person(admin, base_data(places["east"], name="另一个人"))
    assert caught.value.status == 409
    assert "phone" in caught.value.fields
    assert person_count() == before
    assert db.session.scalar(select(Person.name).where(Person.phone == "13812341234")) == existing.name
    assert audit_rows("person.create") == []


def test_create_outside_scope_is_forbidden(places, admin):
    with pytest.raises(Forbidden):
        services.create_person(admin, base_data(places["west"]))
    resident = make_person(places["east"])
    with pytest.raises(Forbidden):
        services.create_person(resident, base_data(places["east"], phone="13912341234"))
    assert person_count() == 2


# ---------------------------------------------------------------- ID numbers


def test_id_number_fills_gender_and_birth_date(places, admin):
    number = id_number(born=date(1988, 7, 9), seq="124")  # even 17th digit: female
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on=None))
    assert person.born_on == date(1988, 7, 9)
    assert person.gender == "F"
    male, _ = services.create_person(admin, base_data(places["east"], phone="13912341234",
                                                      id_number=id_number(born=date(1988, 7, 9), seq="125"),
                                                      born_on=None))
    assert male.gender == "M"


def test_id_number_birth_date_mismatch(places, admin):
    number = id_number(born=date(1990, 5, 17))
    with pytest.raises(Invalid) as caught:
        services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-18"))
    assert "born_on" in caught.value.fields
    assert person_count() == 1


def test_id_number_is_encrypted_at_rest_and_masked(places, admin):
    number = id_number(born=date(1990, 5, 17), seq="123")
    person, _ = services.create_person(admin, base_data(places["east"], id_number=number.lower(),
                                                        born_on="1990-05-17"))
    db.session.expire_all()
    raw = db.session.execute(select(Person.id_number_cipher, Person.id_number_digest, Person.id_number_masked)
                             .where(Person.id == person.id)).one()
    cipher, digest, masked = raw
    assert cipher and number not in cipher
    assert number[6:14] not in cipher and number[-6:] not in cipher
    assert number not in digest
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", masked)
    assert identity.decrypt_id_number(cipher) == number
    assert masked.startswith("3302")


def test_mask_id_number_form():
    assert identity.mask_id_number("330225199005171234") == "3302**********1234"


def test_duplicate_id_number_is_a_conflict(places, admin):
    number = id_number()
    services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-17"))
    before = person_count()
    with pytest.raises(Conflict) as caught:
        services.create_person(admin, base_data(places["east"], phone="13912341234", id_number=number,
                                                born_on="1990-05-17"))
    assert "id_number" in caught.value.fields
    assert person_count() == before
    assert len(audit_rows("person.create")) == 1


# ---------------------------------------------------------------- migrants


@pytest.mark.parametrize("hukou,migrant", [
    ("贵州省毕节市", True),
    ("浙江省宁波市象山县", False),
    ("浙江省宁波市象山县爵溪街道", False),
    ("浙江省宁波市鄞州区", True),
])
def test_migrant_is_derived_from_the_streets_county(places, admin, hukou, migrant):
    person, _ = services.create_person(admin, base_data(places["east"], hukou_place=hukou))
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_migrant is migrant


def test_street_without_county_has_no_migrants(today):
    street = make_street("无县街道", county="")
    community = make_community(street, "某社区")
    admin = make_admin("street_admin", ("street", street.id))
    person, _ = services.create_person(admin, base_data(community, hukou_place="贵州省毕节市"))
    assert person.is_migrant is False


def test_moving_to_another_county_rederives_migrant(places):
    other = make_street("丹西街道", county="宁海县")
    other_community = make_community(other, "丹城社区")
    admin = make_admin()
    person = make_person(places["east"], hukou_place="浙江省宁波市象山县")
    assert person.is_migrant is False
    services.update_person(admin, person, {"community_id": other_community.id})
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_migrant is True


# ---------------------------------------------------------------- updating and deactivating


def test_update_person_changes_fields_and_audits(places, admin):
    person = make_person(places["east"], hukou_place="浙江省宁波市象山县", employer=None)
    services.update_person(admin, person, {"hukou_place": "安徽省阜阳市临泉县", "employer": "爵溪针织厂"})
    db.session.expire_all()
    row = db.session.get(Person, person.id)
    assert row.hukou_place == "安徽省阜阳市临泉县"
    assert row.employer == "爵溪针织厂"
    assert row.is_migrant is True
    entry = audit_rows("person.update")[-1]
    assert entry.object_id == person.id and entry.actor_id == admin.id
    assert set(entry.detail["fields"]) == {"hukou_place", "employer"}


def test_update_validates_and_checks_conflicts(places, admin):
    person = make_person(places["east"])
    other = make_person(places["east"])
    with pytest.raises(Invalid) as caught:
        services.update_person(admin, person, {"phone": "999"})
    assert "phone" in caught.value.fields
    with pytest.raises(Conflict):
        services.update_person(admin, person, {"phone": other.phone})
    with pytest.raises(Invalid):
        services.update_person(admin, person, {"name": ""})
    db.session.expire_all()
    assert db.session.get(Person, person.id).phone != other.phone
    assert audit_rows("person.update") == []


def test_update_with_id_number_of_someone_else_conflicts(places, admin):
    number = id_number()
    make_person(places["east"], id_number_digest=identity.digest_id_number(number))
    person = make_person(places["east"], born_on=None)
    with pytest.raises(Conflict) as caught:
        services.update_person(admin, person, {"id_number": number})
    assert "id_number" in caught.value.fields


def test_update_out_of_scope_and_moving_out_of_scope_are_forbidden(places, admin):
    west_person = make_person(places["west"])
    with pytest.raises(Forbidden):
        services.update_person(admin, west_person, {"name": "新名字"})
    east_person = make_person(places["east"])
    with pytest.raises(Forbidden):
        services.update_person(admin, east_person, {"community_id": places["west"].id})
    db.session.expire_all()
    assert db.session.get(Person, east_person.id).community_id == places["east"].id


def test_deactivate_and_reactivate(client, places, admin):
    person = make_person(places["east"])
    services.set_active(admin, person, False)
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_active_account is False
    assert len(audit_rows("person.deactivate")) == 1
    assert login(client, person).status_code == 200  # refused: the form shows again
    assert client.get("/").status_code == 302
    services.set_active(admin, person, True)
    assert len(audit_rows("person.activate")) == 1
    assert login(client, person).status_code == 302


def test_deactivation_ends_an_open_session(client, places, admin):
    person = make_person(places["east"])
    login(client, person)
    assert client.get("/me").status_code == 200
    services.set_active(admin, person, False)
    response = client.get("/me")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivate_page_toggles_and_is_scoped(client, places, admin):
    person = make_person(places["east"])
    west_person = make_person(places["west"])
    login(client, admin)
    assert client.post(f"/admin/people/{person.id}/active").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_active_account is False
    assert client.post(f"/admin/people/{west_person.id}/active").status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, west_person.id).is_active_account is True
    assert len(audit_rows("person.deactivate")) == 1


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
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.phone == "13612345678"))
    assert person is not None and person.is_migrant is True and person.must_change_password is True
    assert response.headers["Location"].endswith(f"/admin/people/{person.id}")
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
    statements = []
    db.session.remove()  # both requests start from the same state: a fresh session

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


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
    person.id_number_cipher = identity.encrypt_id_number(number)
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


# ---------------------------------------------------------------- one-time passwords


def test_reset_forces_password_change(client, places, admin, monkeypatch):
    from community.accounts import services as accounts

    monkeypatch.setattr(accounts, "generate_password", lambda: "tmpkey2345")
    person = make_person(places["east"])
    login(client, admin)
    response = client.post(f"/admin/people/{person.id}/password", follow_redirects=True)
    assert response.status_code == 200
    assert "tmpkey2345" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, person.id).must_change_password is True
    assert len(audit_rows("account.password_reset")) == 1
    client.post("/logout")

    assert login(client, person, PASSWORD).status_code == 200  # the old password is gone
    response = login(client, person, "tmpkey2345")
    assert response.status_code == 302
    for url in ("/", "/me", "/me/data.json"):
        forced = client.get(url)
        assert forced.status_code == 302, url
        assert forced.headers["Location"].endswith("/password")
    assert client.get("/password").status_code == 200
    response = client.post("/password", data={"current_password": "tmpkey2345", "new_password": "mine12345",
                                              "confirm": "mine12345"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).must_change_password is False
    assert client.get("/me").status_code == 200


def test_reset_refused_out_of_scope(client, places, admin):
    west_person = make_person(places["west"])
    login(client, admin)
    assert client.post(f"/admin/people/{west_person.id}/password").status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, west_person.id).must_change_password is False
    assert audit_rows("account.password_reset") == []


def test_reset_revokes_api_tokens(client, places, admin):
    from tests.factories import token_for

    person = make_person(places["east"])
    headers = token_for(client, person)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login(client, admin)
    client.post(f"/admin/people/{person.id}/password")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


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
