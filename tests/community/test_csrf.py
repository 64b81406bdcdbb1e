"""CSRF protection on every page form; the bearer-token API is exempt."""
import pytest

from tests.factories import PASSWORD, make_person


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_form_without_token_is_refused_with_a_chinese_page(client, places, csrf_on):
    person = make_person(places["east"])
    response = client.post("/login", data={"phone": person.phone, "password": PASSWORD})
    assert response.status_code == 400
    assert "重新加载" in response.get_data(as_text=True) or "刷新" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302  # not signed in


def test_form_with_token_is_accepted(client, places, csrf_on):
    person = make_person(places["east"])
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"phone": person.phone, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_api_needs_no_csrf_token(client, places, csrf_on):
    person = make_person(places["east"])
    response = client.post("/api/v1/auth/token", json={"phone": person.phone, "password": PASSWORD})
    assert response.status_code == 200
