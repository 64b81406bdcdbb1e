"""On a phone (issue #9): a visitor opening / gets the sign-in form at once (no redirect), signs in from it and
lands on the home page; no page asks for a file that is missing (the favicon) or logs an error; the icon font and
the one stylesheet load."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, make_person


def test_the_landing_signs_in_without_a_redirect_and_nothing_is_missing(places, live, chromium):
    person = make_person(places["east"])
    phone_number, name = person.phone, person.name
    db.session.remove()
    phone = Phone(chromium, live)
    page = phone.page
    errors, missing, redirects = [], [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    page.on("response", lambda response: redirects.append(response.url) if 300 <= response.status < 400 else None)

    phone.goto("/")
    assert redirects == [] and page.url == live + "/"
    assert page.locator("link[rel=icon][type='image/svg+xml']").count() == 1
    phone.check("landing page, signed out")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live + "/")
    assert name in page.locator("nav").text_content()  # in the menu, folded away on a phone
    page.wait_for_load_state("load")
    icon_font = page.evaluate(
        "() => getComputedStyle(document.querySelector('.navbar-brand .bi'), '::before').fontFamily")
    assert "bootstrap-icons" in icon_font
    assert page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].some((f) => f.family.includes('bootstrap-icons') && f.status === 'loaded'); }""")
    phone.check("home page")
    assert errors == [] and missing == [], (errors, missing)
    phone.done()
