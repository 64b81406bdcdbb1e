"""The /api/v1 core: the error format and bearer-token authentication."""
from __future__ import annotations

import pytest

from app import db
from community.people.models import Person
from tests.community.api_support import API, count, error_of, person_body
from tests.factories import make_person, token_for

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


def test_a_405_says_which_methods_are_allowed_and_a_change_without_a_body_is_a_400(client):
    """RFC 9110: a 405 carries Allow (pages and API); PUT or PATCH with nothing in it is refused, not a no-op."""
    answer = client.open("/api/v1/auth/token", method="TRACE")
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    assert client.delete("/login").headers.get("Allow", "").count("GET") == 1
    for method in ("PUT", "PATCH"):
        path = "/api/v1/me/reminder-preferences" if method == "PUT" else "/api/v1/elections/1"
        answer = client.open(path, method=method, headers={"Authorization": "Bearer x"})
        assert answer.status_code == 400 and answer.get_json()["error"]["fields"]["json"], (method, answer.data)


def test_decimal_strings_are_documented_as_strings_and_booleans_are_strict(client):
    """API.md: money and hours that are not integers are decimal strings, and the document says so; a boolean
    field takes true or false, not 0 or 1."""
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["DuesMonthOut"]["properties"]["amount"] == {"type": "string", "format": "decimal"}
    from community.meetings.schemas import InviteIn

    assert InviteIn().validate({"all_members": 0}) and not InviteIn().validate({"all_members": True})

