"""People: creating a person through the service (validation, conflicts, scope) and the ID-number rules."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from community.errors import Conflict, Forbidden, Invalid
from community.people import identity, services
from community.people.models import Person
from tests.community.people_support import audit_rows, base_data, id_number, person_count, wrong_check_digit
from tests.factories import make_grid, make_person

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
    number = body + identity.check_digit(body)
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
    assert masked == "*" * 18  # no digit: see tests/community/test_security_privacy.py
    assert identity.decrypt_id_number(cipher) == number


def test_every_path_keeps_an_id_number_through_person_set_id_number(places, admin):
    """The service, the import, the demo and the test factory all call Person.set_id_number: one way to keep it."""
    number = id_number(seq="124")
    added, _ = services.create_person(admin, base_data(places["east"], id_number=number, born_on="1990-05-17"))
    kept = Person()
    kept.set_id_number(number)
    assert (kept.id_number_digest, kept.id_number_masked) == (added.id_number_digest, added.id_number_masked)
    assert identity.decrypt_id_number(kept.id_number_cipher) == number != kept.id_number_cipher


def test_a_phone_typed_in_full_width_digits_is_kept_as_it_is_signed_in_with(client, places, admin):
    """Adding a person cleans the phone as signing in does (identity.normalise_phone): one clean-up for both."""
    person, _ = services.create_person(admin, base_data(places["east"], phone="１３８ １２３４-１２３４"))
    assert person.phone == "13812341234"
    answer = client.post("/api/v1/auth/token", json={"phone": "138 1234 1234", "password": "abcd12345"})
    assert answer.status_code == 200, answer.json


def test_mask_id_number_form():
    assert identity.mask_id_number("330225199005171234") == "******************"


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
