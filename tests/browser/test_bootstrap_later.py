"""Bootstrap's JS comes after the first paint (issue #9, README "FCP"), and what it drives still works on a phone.

static/js/bootstrap-later.js (async) asks for the bundle only once the page has loaded. Here the bundle is held
back by the test: the phone menu tapped before it arrived does nothing yet, then opens once the bundle is let
through (the tap was kept and replayed); the menu's "退出" leads to the sign-in page with a flash, whose close
button removes it; and the bundle's request started after the page's load event.
"""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, make_person

BUNDLE = "**/vendor/bootstrap/bootstrap.bundle.min.js*"


def test_the_menu_and_the_flash_work_with_bootstrap_loaded_after_the_page(places, live, chromium):
    resident = make_person(places["east"], name="李四", phone="13855550005")
    phone_number = resident.phone
    db.session.remove()  # the test thread holds no transaction while the server serves
    phone = Phone(chromium, live)
    phone.sign_in(phone_number, PASSWORD)
    page = phone.page
    page.wait_for_function("() => !!window.bootstrap")  # the home page after signing in has had its bundle
    held = []
    # the bundle's request waits here until the test lets it through (routing turns the cache off)
    page.route(BUNDLE, lambda route: held.append(route))
    phone.goto("/")
    page.wait_for_timeout(300)
    assert len(held) == 1, "the page asks for the bundle once it has loaded"
    assert not page.evaluate("() => !!window.bootstrap")

    page.locator(".navbar-toggler").click()  # a tap before the bundle has arrived
    page.wait_for_timeout(300)
    assert page.locator("#nav.show").count() == 0
    held.pop().continue_()
    page.locator("#nav.show").wait_for(state="visible")  # the kept tap, replayed
    assert page.locator(".navbar-toggler").get_attribute("aria-expanded") == "true"
    timing = page.evaluate("""() => {
      const bundle = performance.getEntriesByType('resource').find((e) => e.name.includes('bootstrap.bundle'));
      return [bundle.startTime, performance.getEntriesByType('navigation')[0].loadEventStart];
    }""")
    assert timing[0] >= timing[1], timing
    phone.check("home, menu open")
    page.unroute(BUNDLE)

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login")
    flash = page.locator(".alert", has_text="您已退出登录")
    flash.wait_for()
    page.wait_for_function("() => !!window.bootstrap")
    flash.get_by_role("button", name="关闭").click()
    flash.wait_for(state="detached")
    phone.done()
