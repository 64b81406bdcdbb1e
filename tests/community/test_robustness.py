"""No page or API route answers 500, whatever the ids and query strings thrown at it."""
import re
from urllib.parse import quote

import pytest

from tests.factories import login, make_admin, make_person, token_for

ODD_VALUES = ["999999", "-1", "2147483648", "9223372036854775808", "9" * 40, "abc", "1e9", "%00", "'", "李晓" * 40]
QUERY = {"page": "99999999999999999999", "per_page": "abc", "community_id": "x", "q": "%_*?[", "since": "2019-13-45",
         "until": "nope", "migrant": "maybe", "role": "<script>", "status": "???"}


def _routes(app, prefix_api: bool):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        if rule.rule.startswith("/api/") != prefix_api:
            continue
        yield rule


def _fill(rule, value: str) -> str | None:
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if converter == "IntegerConverter" and not value.lstrip("-").isdigit():
            return None
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
    return url


@pytest.mark.parametrize("who", ["platform_admin", "resident"])
def test_pages_never_answer_500(client, places, app, who):
    person = make_admin() if who == "platform_admin" else make_person(places["east"])
    login(client, person)
    checked = 0
    for rule in _routes(app, prefix_api=False):
        if rule.rule in ("/logout",) or "download" in rule.rule:
            continue
        for value in (ODD_VALUES if rule.arguments else [""]):
            url = _fill(rule, value)
            if url is None:
                continue
            response = client.get(url, query_string=QUERY)
            assert response.status_code < 500, (url, response.status_code)
            checked += 1
    assert checked > 30


def test_api_never_answers_500(client, places, app):
    headers = token_for(client, make_admin())
    checked = 0
    for rule in _routes(app, prefix_api=True):
        for value in (ODD_VALUES if rule.arguments else [""]):
            url = _fill(rule, value)
            if url is None:
                continue
            response = client.get(url, headers=headers, query_string=QUERY)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code >= 400:
                assert "error" in response.json, url
            checked += 1
    assert checked > 15


def test_api_posts_with_garbage_bodies_never_answer_500(client, places, app):
    headers = token_for(client, make_admin())
    bodies = [None, "[]", "{}", '{"name": ' + "1" * 5000 + "}", '{"candidate_ids": "x"}', "\x00\x01",
              '{"person_id": 2147483648, "community_id": 9223372036854775808, "street_id": 99999999999, '
              '"grid_id": 2147483648, "scope_id": 2147483648, "scope_type": "community", "role": "organiser", '
              '"name": "x", "phone": "13900000000", "hukou_place": "x", "candidate_ids": [2147483648]}']
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or not ({"POST", "PATCH"} & rule.methods):
            continue
        url = _fill(rule, "1")
        for method in {"POST", "PATCH"} & rule.methods:
            for body in bodies:
                response = client.open(url, method=method, headers=headers, data=body,
                                       content_type="application/json")
                assert response.status_code < 500, (method, url, body and body[:30], response.status_code)
                checked += 1
    assert checked > 30


@pytest.mark.parametrize("who", ["platform_admin", "resident"])
def test_page_forms_with_garbage_never_answer_500(client, places, app, who):
    person = make_admin() if who == "platform_admin" else make_person(places["east"])
    forms = [{}, {k: "x" * 3000 for k in ("name", "phone", "text", "password", "scope", "role", "box", "answer",
                                           "candidate_ids", "status", "opens_at", "closes_at", "seats", "county")},
             {"phone": "'; drop table person; --", "scope": "community:abc", "role": "platform_admin",
              "seats": "-3", "status": "published", "candidate_ids": ["a", "-1"]}]
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "POST" not in rule.methods or rule.rule in ("/logout", "/login"):
            continue
        for value in ("1", "999999", "2147483648"):
            url = _fill(rule, value)
            if url is None:
                continue
            for form in forms:
                login(client, person)
                response = client.post(url, data=form)
                assert response.status_code < 500, (url, form and list(form)[:3], response.status_code)
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "-3"])
def test_out_of_range_ids_in_query_strings(client, places, value):
    admin = make_admin()
    headers = token_for(client, admin)
    for path in ("/api/v1/people", "/api/v1/communities", "/api/v1/roles", "/api/v1/elections"):
        for name in ("community_id", "street_id", "person_id"):
            response = client.get(f"{path}?{name}={value}&page={value}", headers=headers)
            assert response.status_code in (200, 400), (path, name, response.status_code)
    login(client, admin)
    for path in ("/admin/people/", "/admin/audit/", "/elections/", "/admin/roles/"):
        for name in ("community_id", "actor_id"):
            response = client.get(f"{path}?{name}={value}&page={value}")
            assert response.status_code == 200, (path, name, response.status_code)


# NUL and the other C0 controls (and DEL): PostgreSQL refuses NUL in text, so each used to be a 500 somewhere.
CONTROLS = ["\x00", "\x01", "\x09", "\x0a", "\x0b", "\x1b", "\x1f", "\x7f"]
BODY_CONTROLS = [c for c in CONTROLS if c not in "\t\n\r"]  # multi-line text keeps tabs and newlines


def _fill_text(rule, text_value: str) -> str:
    """The rule's URL with ids 1 and every other argument `text_value`."""
    url = rule.rule
    for name in rule.arguments:
        integer = rule._converters[name].__class__.__name__ == "IntegerConverter"
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", "1" if integer else quote(text_value), url)
    return url


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_in_query_strings_and_path_segments_are_a_400_on_every_route(client, places, app, char):
    admin = make_admin()
    headers = token_for(client, admin)
    login(client, admin)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        url = _fill_text(rule, "A")
        response = client.get(url, headers=headers, query_string={"q": "a" + char, "page": "1"})
        assert response.status_code == 400, (url, response.status_code)
        if rule.rule.startswith("/api/"):
            assert response.json["error"]["code"] == "control_characters", url
        if any(rule._converters[n].__class__.__name__ != "IntegerConverter" for n in rule.arguments):
            url = _fill_text(rule, "A" + char)
            assert client.get(url, headers=headers).status_code == 400, url
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("char", BODY_CONTROLS)
def test_control_characters_in_json_bodies_are_a_400_on_every_api_route(client, places, app, char):
    headers = token_for(client, make_admin())
    body = {"name": "李" + char, "phone": "139" + char + "00000000", "password": "x" + char, "text": char,
            "title": "t" + char, "hukou_place": "x", "community_id": places["east"].id, "street_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in {"POST", "PATCH", "PUT", "DELETE"} & rule.methods:
            response = client.open(_fill_text(rule, "A"), method=method, headers=headers, json=body)
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            assert response.json["error"]["code"] == "control_characters"
            checked += 1
    assert checked > 30


@pytest.mark.parametrize("char", BODY_CONTROLS)
def test_control_characters_in_page_forms_are_refused_on_every_route(client, places, app, char):
    admin = make_admin()
    form = {k: "x" + char for k in ("name", "phone", "text", "password", "scope", "role", "answer", "note", "reason",
                                    "title", "county", "next", "q", "current_password", "new_password", "confirm")}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "POST" not in rule.methods:
            continue
        login(client, admin)
        url = _fill_text(rule, "A")
        response = client.post(url, data=form)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        checked += 1
    assert checked > 20
