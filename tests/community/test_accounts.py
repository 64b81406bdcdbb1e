"""Signing in, passwords and API tokens."""
from app import db
from community.accounts.models import ApiToken
from tests.factories import PASSWORD, login, make_person, token_for


def test_login_with_phone_and_password(client, places):
    person = make_person(places["east"])
    response = login(client, person)
    assert response.status_code == 302
    assert "登录" not in client.get("/").get_data(as_text=True)[:0]
    assert person.name in client.get("/").get_data(as_text=True)


def test_wrong_password_shows_chinese_message(client, places):
    person = make_person(places["east"])
    page = login(client, person, "wrong-password1").get_data(as_text=True)
    assert "手机号或密码错误" in page
    assert client.get("/me").status_code == 302


def test_logout_requires_post_and_ends_session(client, places):
    person = make_person(places["east"])
    login(client, person)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/me").status_code == 302


def test_change_password_checks_current_and_strength(client, places):
    person = make_person(places["east"])
    login(client, person)
    page = client.post("/password", data={"current_password": "nope", "new_password": "abcd1234",
                                          "confirm": "abcd1234"}).get_data(as_text=True)
    assert "当前密码不正确" in page
    page = client.post("/password", data={"current_password": PASSWORD, "new_password": "abcdefgh",
                                          "confirm": "abcdefgh"}).get_data(as_text=True)
    assert "字母和数字" in page
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "newpass99",
                                              "confirm": "newpass99"})
    assert response.status_code == 302
    client.post("/logout")
    assert login(client, person, "newpass99").status_code == 302


def test_passwords_are_argon2_hashed(places):
    person = make_person(places["east"])
    assert person.password_hash.startswith("$argon2id$")


def test_token_issue_use_and_revoke(client, places):
    person = make_person(places["east"])
    headers = token_for(client, person)
    assert client.get("/api/v1/me", headers=headers).json["name"] == person.name
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorised"
    assert db.session.query(ApiToken).one().revoked_at is not None


def test_token_wrong_credentials_401_and_rate_limited(client, places):
    person = make_person(places["east"])
    statuses = [client.post("/api/v1/auth/token", json={"phone": person.phone, "password": "bad"}).status_code
                for _ in range(12)]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    body = client.post("/api/v1/auth/token", json={"phone": person.phone, "password": PASSWORD}).json
    assert body["error"]["code"] == "too_many_requests"


def test_login_page_rate_limited(client, places):
    person = make_person(places["east"])
    statuses = [login(client, person, "bad-password1").status_code for _ in range(12)]
    assert statuses[-1] == 429


def test_deactivated_person_cannot_sign_in(client, places):
    person = make_person(places["east"], is_active_account=False)
    assert login(client, person).status_code == 200
    assert client.post("/api/v1/auth/token", json={"phone": person.phone, "password": PASSWORD}).status_code == 401


def test_failed_sign_in_is_audited_without_an_actor(client, places):
    from sqlalchemy import select

    from community.audit.models import AuditEntry

    person = make_person(places["east"])
    login(client, person, "wrong-password1")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.login_failed"))
    assert entry.actor_id is None and entry.object_id == person.id and entry.object_type == "person"
