"""People: one-time passwords set by an administrator."""
from __future__ import annotations

from app import db
from community.people.models import Person
from tests.community.people_support import audit_rows
from tests.factories import PASSWORD, login, make_person

# ---------------------------------------------------------------- one-time passwords


def test_reset_forces_password_change(client, places, admin, monkeypatch):
    from community.accounts import services as accounts

    monkeypatch.setattr(accounts, "generate_password", lambda: "tmpkey2345")
    person = make_person(places["east"])
    login(client, admin)
    response = client.post(f"/admin/people/{person.id}/password", data={"confirmed": "1"}, follow_redirects=True)
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
    client.post(f"/admin/people/{person.id}/password", data={"confirmed": "1"})
    assert client.get("/api/v1/me", headers=headers).status_code == 401
