"""Security issue #6: weak passwords are refused on every path that sets one."""
from __future__ import annotations

import pytest

from app import db
from community.accounts.services import common_passwords, password_problem
from community.people.models import Person
from tests.factories import PASSWORD, login, make_admin, make_person, token_for


@pytest.mark.parametrize("password, phone, current", [
    ("ab12", None, None),                  # too short
    ("password123", None, None),           # among the most common
    ("QWERTY123", None, None),             # common, whatever the case
    ("13912345678", "13912345678", None),  # the phone number itself
    ("x13912345678y", "13912345678", None),  # containing it
    ("tide4harbour", None, "tide4harbour"),  # the current one again
])
def test_weak_passwords_are_named(password, phone, current):
    assert password_problem(password, phone, current)


def test_a_strong_password_passes_and_the_list_is_shipped():
    assert len(common_passwords()) >= 9000
    assert password_problem("tide4harbour", "13912345678", "old4secret") is None


def test_self_change_refuses_a_weak_password_beside_the_field(client, places):
    person = make_person(places["east"], phone="13912345678")
    login(client, person)
    for new, message in (("password123", "常见"), ("a13912345678", "手机号"), (PASSWORD, "当前")):
        response = client.post("/password", data={"current_password": PASSWORD, "new_password": new,
                                                  "confirm": new})
        assert response.status_code == 200, new
        page = response.get_data(as_text=True)
        assert message in page.split('name="new_password"', 1)[1], new  # shown with the field
    db.session.expire_all()
    assert db.session.get(Person, person.id).password_hash == person.password_hash


def test_first_sign_in_change_refuses_a_common_password(client, places):
    person = make_person(places["east"], must_change_password=True)
    login(client, person)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "qwerty123",
                                              "confirm": "qwerty123"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, person.id).must_change_password is True


def test_admin_created_and_api_changed_passwords_are_checked(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    headers = token_for(client, admin)
    for password in ("password123", "pw13912345678"):
        response = client.post("/api/v1/people", headers=headers, json={
            "name": "李晓", "phone": "13912345678", "community_id": places["east"].id,
            "hukou_place": "贵州省毕节市", "password": password})
        assert response.status_code == 400 and "password" in response.json["error"]["fields"], password
    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": PASSWORD, "new_password": PASSWORD})
    assert response.status_code == 400 and "new_password" in response.json["error"]["fields"]


def test_create_admin_command_refuses_weak_passwords(runner):
    for password in ("password123", "a13800000009b"):
        result = runner.invoke(args=["create-admin", "13800000009", "--password", password])
        assert result.exit_code != 0, password
    assert db.session.scalar(db.select(Person).where(Person.phone == "13800000009")) is None
    result = runner.invoke(args=["create-admin", "13800000009", "--password", "tide4harbour"])
    assert result.exit_code == 0, result.output
