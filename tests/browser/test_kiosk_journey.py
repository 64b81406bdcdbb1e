"""The street office at night (journey 8): the kiosk rests on its welcome screen; a worker opens her personal
code on her phone and the kiosk's scanner reads it; she is signed in, walks away, and after a minute idle (here
four seconds) the kiosk signs her out by itself, with nothing of hers left on screen or behind Back; the next
person signs in with phone and password and signs out with the button."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, make_person


def test_kiosk_sign_in_by_personal_code_idle_sign_out_and_password(places, live, chromium, app):
    worker, neighbour = make_person(places["east"], name="小李"), make_person(places["east"], name="老赵")
    phones = (worker.phone, neighbour.phone)
    db.session.commit()
    db.session.remove()
    app.config["KIOSK_IDLE_SECONDS"] = 4
    try:
        _journey(phones, live, chromium)
    finally:
        app.config.pop("KIOSK_IDLE_SECONDS")


def _journey(phones, live, chromium):
    mine, kiosk = Phone(chromium, live), Phone(chromium, live)
    mine.sign_in(phones[0], PASSWORD)
    mine.goto("/kiosk/my-code")
    mine.check("my kiosk code")
    code = mine.page.locator("#checkin-text").inner_text()

    page = kiosk.page
    kiosk.goto("/kiosk/")
    kiosk.check("kiosk welcome")
    page.get_by_role("textbox", name="个人登录码").fill("not-a-code")
    page.get_by_role("button", name="扫码登录").click()
    assert "这不是个人登录码" in page.locator("#kiosk-error").inner_text()
    assert page.get_by_role("textbox", name="个人登录码").input_value() == ""  # cleared for the next person
    page.get_by_role("textbox", name="个人登录码").fill(code)
    page.get_by_role("button", name="扫码登录").click()
    page.wait_for_url("**/kiosk/home")
    assert "小李" in page.content()
    kiosk.check("kiosk home")
    page.get_by_role("link", name="志愿活动").first.click()
    page.wait_for_url("**/activities/")
    # She walks away: the kiosk signs out by itself and shows the welcome screen again.
    page.wait_for_url("**/kiosk/", timeout=12_000)
    assert "小李" not in page.content()
    page.go_back()
    assert "小李" not in page.content()
    answer = page.request.get(live + "/kiosk/home", max_redirects=0)
    assert answer.status == 302  # signed out on the server too
    kiosk.goto("/kiosk/")
    page.get_by_label("手机号", exact=True).fill(phones[1])
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/kiosk/home")
    assert "老赵" in page.content() and "小李" not in page.content()
    page.locator("#kiosk-signout").click()
    page.wait_for_url("**/kiosk/")
    assert "老赵" not in page.content()
    kiosk.check("kiosk welcome again")
    kiosk.done()
    mine.done()
