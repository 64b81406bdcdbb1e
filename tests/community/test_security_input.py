"""Control characters in any text input are refused with a 400, never a 500 from PostgreSQL (issue #6)."""
from __future__ import annotations

import json

import pytest

from tests.community.api_support import API, count, error_of, person_body
from tests.community.elections.conftest import make_voting
from tests.factories import PASSWORD, login, make_admin, make_person, token_for

NUL = "\x00"


def _refused(response, *fields):
    error = error_of(response, 400, "control_characters")
    for field in fields:
        assert field in error["fields"], error
    return error


def test_token_phone_with_nul(client, places):
    person = make_person(places["east"])
    response = client.post(f"{API}/auth/token", json={"phone": person.phone[:3] + NUL + person.phone[3:],
                                                      "password": PASSWORD})
    _refused(response, "phone")


def test_login_page_phone_with_nul_shows_the_error_beside_the_field(client, places):
    person = make_person(places["east"])
    response = client.post("/login", data={"phone": person.phone + NUL, "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    beside_phone = page.split('id="phone"', 1)[1].split('id="password"', 1)[0]
    assert "invalid-feedback" in beside_phone and "控制字符" in beside_phone
    assert client.get("/me").status_code == 302  # not signed in


def test_names_with_nul_in_create_bodies(client, places, platform):
    _admin, headers = platform
    from community.people.models import Person

    before = count(Person)
    _refused(client.post(f"{API}/people", json=person_body(places["east"], name="李" + NUL), headers=headers), "name")
    _refused(client.post(f"{API}/streets", json={"name": "街" + NUL}, headers=headers), "name")
    _refused(client.post(f"{API}/communities", json={"name": NUL, "street_id": places["street"].id},
                         headers=headers), "name")
    assert count(Person) == before


def test_lone_surrogates_and_other_controls_in_json(client, places, platform):
    _admin, headers = platform
    for bad in ("\x01", "\x1b[31m", "\x7f", "\ud800"):
        body = '{"name": ' + json.dumps(bad) + ', "county": "x"}'  # \u escapes, as a client sends them
        response = client.post(f"{API}/streets", data=body, content_type="application/json", headers=headers)
        _refused(response, "name")
    nested = client.post(f"{API}/roles", json={"person_id": 1, "role": "organiser", "scope_type": "community",
                                               "scope_id": 1, "x": [{"y": NUL}]}, headers=headers)
    _refused(nested, "x.0.y")


def test_search_query_with_nul(client, places, platform):
    admin, headers = platform
    _refused(client.get(f"{API}/people?q=a%00", headers=headers), "q")
    login(client, admin)
    response = client.get("/admin/people/?q=a%00")
    assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True)


def test_receipt_path_segment_with_nul(client, places):
    election, voters, _candidates = make_voting(places["east"])
    headers = token_for(client, voters[0])
    _refused(client.get(f"{API}/elections/{election.id}/receipts/A%00", headers=headers), "path")
    assert client.get(f"{API}/elections/{election.id}/receipts/A", headers=headers).status_code == 404


def test_page_forms_refuse_controls_beside_the_field_or_as_a_400(client, places):
    admin = make_admin()
    login(client, admin)
    response = client.post("/admin/people/new", data={"name": "李" + NUL, "phone": "13912345678",
                                                      "hukou_place": "贵州省", "community_id": places["east"].id})
    assert response.status_code == 400
    beside_name = response.get_data(as_text=True).split('id="name"', 1)[1].split('id="phone"', 1)[0]
    assert "invalid-feedback" in beside_name and "控制字符" in beside_name
    street = client.post("/admin/places/streets", data={"name": "街" + NUL, "county": "象山县"})
    assert street.status_code == 400 and "控制字符" in street.get_data(as_text=True)


def test_tabs_and_newlines_pass_in_bodies_but_not_in_queries(client, places, platform):
    _admin, headers = platform
    body = person_body(places["east"], hukou_place="贵州省\n毕节市")
    created = client.post(f"{API}/people", json=body, headers=headers)
    assert created.status_code == 201, created.json
    _refused(client.get(f"{API}/people?q=a%0Ab", headers=headers), "q")


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x1f"])
def test_form_field_filter_on_the_password_page(client, places, char):
    person = make_person(places["east"])
    login(client, person)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "abcd1234" + char,
                                              "confirm": "abcd1234" + char})
    assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True)


def test_deeply_nested_json_is_checked_without_recursion(client, places, platform):
    _admin, headers = platform
    body = '{"name": ' + "[" * 900 + '"\\u0000"' + "]" * 900 + "}"
    response = client.post(f"{API}/streets", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
