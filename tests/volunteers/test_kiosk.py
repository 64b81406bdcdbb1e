"""The kiosk: sign-in by a personal code (once, short-lived, signed) or phone and password; sign-out after a
minute idle on the server; its pages carry the idle script and store nothing in caches."""
from __future__ import annotations

import time

from tests.factories import PASSWORD, login
from volunteers import kiosk


def test_a_personal_code_signs_in_once(activities_world, client, app):
    ann = activities_world["volunteers"][0]
    with app.test_request_context():
        code = kiosk.personal_code(ann)
    signed = client.post("/kiosk/scan", data={"code": code})
    assert signed.status_code == 302 and signed.location.endswith("/kiosk/home")
    home = client.get("/kiosk/home")
    page = home.get_data(as_text=True)
    assert ann.name in page and "js/kiosk.js" in page and 'data-idle="60"' in page
    assert home.headers["Cache-Control"] == "no-store"
    client.post("/kiosk/signout")
    assert client.get("/kiosk/home").status_code == 302  # signed out
    again = client.post("/kiosk/scan", data={"code": code})
    assert again.status_code == 422 and "/kiosk/home" not in (again.location or "")


def test_forged_and_expired_codes_are_refused(activities_world, client, app):
    ann = activities_world["volunteers"][0]
    with app.test_request_context():
        code = kiosk.personal_code(ann)
    assert client.post("/kiosk/scan", data={"code": code[:-2] + "xx"}).status_code == 422
    app.config["KIOSK_PERSONAL_CODE_SECONDS"] = -1
    try:
        assert client.post("/kiosk/scan", data={"code": code}).status_code == 422
    finally:
        app.config.pop("KIOSK_PERSONAL_CODE_SECONDS")


def test_phone_and_password_then_signed_out_after_idle_on_the_server(activities_world, client, app):
    ann = activities_world["volunteers"][0]
    assert client.post("/kiosk/password", data={"phone": ann.phone, "password": "wrong-one"}).status_code == 422
    assert client.post("/kiosk/password", data={"phone": ann.phone, "password": PASSWORD}).status_code == 302
    assert client.get("/kiosk/home").status_code == 200
    with client.session_transaction() as session:
        session[kiosk.SEEN] = time.time() - 61
    idle = client.get("/activities/")
    assert idle.status_code == 302 and idle.location.endswith("/kiosk/")
    assert client.get("/kiosk/home").status_code == 302
    welcome = client.get("/kiosk/").get_data(as_text=True)
    assert ann.name not in welcome and "kiosk-welcome.js" in welcome


def test_an_ordinary_session_has_no_idle_sign_out_and_the_own_code_page_renews(activities_world, client):
    ann = activities_world["volunteers"][0]
    login(client, ann)
    with client.session_transaction() as session:
        session["_seen_long_ago"] = 1
    assert "js/kiosk.js" not in client.get("/activities/").get_data(as_text=True)
    page = client.get("/kiosk/my-code").get_data(as_text=True)
    assert "rotating-code.js" in page and "data:image/svg+xml" in page
    body = client.get("/kiosk/my-code.json").json
    assert body["qr"].startswith("data:image/svg+xml") and body["seconds"] == 120
