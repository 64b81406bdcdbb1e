"""Security issue #6, points 2, 7, 11 and 12: one-time passwords, redirects, sessions and secrets in cookies."""
from __future__ import annotations

import pytest

from app import db
from community.people.models import Person
from tests.factories import PASSWORD, login, make_person, token_for

NEW_PASSWORD = "tide4harbour"


def _signed_in(client) -> bool:
    """Still signed in: /me answers, or sends a one-time password holder on to /password (not to /login)."""
    response = client.get("/me")
    return response.status_code == 200 or "/login" not in response.headers.get("Location", "/login")


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


# ---------------------------------------------------------------- 2. one-time passwords on the API

def test_a_one_time_password_token_may_only_change_the_password(client, places):
    person = make_person(places["east"], must_change_password=True)
    headers = token_for(client, person)
    for method, url in (("get", "/api/v1/me"), ("get", "/api/v1/people"), ("get", "/api/v1/elections"),
                        ("get", "/api/v1/catalogue"), ("get", "/api/v1/roles")):
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == 403, url
        assert response.json["error"]["code"] == "password_change_required", url
    weak = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": "password1"})
    assert weak.status_code == 400 and "new_password" in weak.json["error"]["fields"]
    changed = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # the old token ended with the change
    fresh = {"Authorization": f"Bearer {changed.json['token']}"}
    assert client.get("/api/v1/me", headers=fresh).status_code == 200


def test_pages_send_a_one_time_password_holder_to_the_password_page_only(client, places):
    person = make_person(places["east"], must_change_password=True)
    login(client, person)
    for url in ("/", "/me", "/me/data.json", "/elections/", "/admin/people/", "/admin/roles/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/password"), url
    assert client.get("/password").status_code == 200


# ---------------------------------------------------------------- 7. open redirects

HOSTILE = ["//x", "/\\x", "/%09/x", "/\t/x", "https://x", "http://x/", "javascript:alert(1)", "\\\\x", "/\\/x",
           "/%5C/x", "/%2F/x", "/\n/x", "/\r\n/x", "/\x00/x", " //x", "///x", "x", "", "%2F%2Fx",
           "/%0a/x", "/\x7f/x", "https:/x"]


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_redirects_off_site(client, places, target):
    person = make_person(places["east"])
    response = client.post("/login", query_string={"next": target},
                           data={"phone": person.phone, "password": PASSWORD})
    _stays_on_site(response, target)


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_redirects_off_site(client, target):
    _stays_on_site(client.post("/language/en", data={"next": target}), target)
    _stays_on_site(client.post("/language/en", query_string={"next": target}), target)


def _stays_on_site(response, target: str) -> None:
    """Either the home page, or (control characters other than tab and newline in form text are refused
    before any view runs) a 400 that goes nowhere."""
    if response.status_code == 400:
        assert any(ord(c) < 32 or ord(c) == 127 for c in target) and "Location" not in response.headers, target
    else:
        assert response.status_code == 302 and response.headers["Location"] == "/", target


def test_same_site_paths_are_kept(client, places):
    person = make_person(places["east"])
    response = client.post("/login", query_string={"next": "/elections/?page=2"},
                           data={"phone": person.phone, "password": PASSWORD})
    assert response.headers["Location"] == "/elections/?page=2"
    assert client.post("/language/zh_Hans_CN", data={"next": "/me"}).headers["Location"] == "/me"


# ---------------------------------------------------------------- 11. sessions end on the server

def test_changing_ones_password_ends_other_sessions_and_tokens(app, client, places):
    person = make_person(places["east"])
    other = app.test_client()
    login(client, person)
    login(other, person)
    headers = token_for(client, person)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(client)  # the browser that changed it stays signed in
    assert not _signed_in(other)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_cookie_copied_before_sign_out_no_longer_works(app, client, places):
    person = make_person(places["east"])
    login(client, person)
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert _signed_in(thief)
    client.post("/logout")
    assert not _signed_in(client)
    response = thief.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_reset_and_a_deactivation_end_every_session(app, client, places, admin):
    person = make_person(places["east"])
    browser = app.test_client()
    login(browser, person)
    headers = token_for(browser, person)
    login(client, admin)
    client.post(f"/admin/people/{person.id}/password", data={"confirmed": "1"})
    assert not _signed_in(browser)
    assert client.get("/api/v1/me", headers=headers).status_code == 401

    other = make_person(places["east"])
    login(browser, other)
    headers = token_for(browser, other)
    client.post(f"/admin/people/{other.id}/active", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Person, other.id).is_active_account is False
    assert not _signed_in(browser)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_signed_in_person_costs_one_query(client, places):
    """The session check is one indexed query joining the person to their live session, and no more."""
    from sqlalchemy import event

    person = make_person(places["east"])
    login(client, person)
    seen = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/password").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    about_person = [s for s in seen if "FROM person" in s]
    assert len(about_person) == 1 and "sign_in_session" in about_person[0], seen


# ---------------------------------------------------------------- 12. no secrets in the session cookie

def _session_cookie(app, client) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return ""
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return repr(data)


def test_one_time_passwords_and_id_numbers_stay_out_of_the_cookie(app, client, places, admin, monkeypatch):
    from community.accounts import services as accounts
    from community.people import services as people
    from tests.community.people_support import id_number

    monkeypatch.setattr(accounts, "generate_password", lambda: "onceonly2345")
    monkeypatch.setattr(people, "generate_password", lambda: "onceonly2345")
    number = id_number()
    person = make_person(places["east"], id_number=number)
    login(client, admin)
    for url, secret in ((f"/admin/people/{person.id}/password", "onceonly2345"),
                        (f"/admin/people/{person.id}/id-number", number)):
        response = client.post(url, data={"confirmed": "1"})
        assert response.status_code == 200, url
        assert secret in response.get_data(as_text=True), url
        assert response.headers["Cache-Control"] == "no-store", url
        assert secret not in _session_cookie(app, client), url
        assert secret not in client.get(f"/admin/people/{person.id}").get_data(as_text=True), url
    response = client.post("/admin/people/new", data={
        "name": "王芳", "phone": "13612345678", "gender": "F", "born_on": "1990-01-01", "id_number": "",
        "hukou_place": "浙江省宁波市象山县", "community_id": str(places["east"].id), "grid_id": "0",
        "living_since_on": "2015-01-01", "residence_permit_no": "", "residence_permit_until": "",
        "employer": "", "hometown": "", "has_political_rights": "y"})
    assert response.status_code == 200 and "onceonly2345" in response.get_data(as_text=True)
    assert "onceonly2345" not in _session_cookie(app, client)
