"""On phones: the community administrator runs an election's manage page, and a committee member finds it.

The administrator picks a voter by name among two namesakes (told apart by masked phone and age), lands back
in the roll section with a sentence saying what happened; types a name nobody has into the candidate field
and sees the error beside it with the text kept; publishes the roll through the next step's confirmation
(cancelled once: nothing changed; then confirmed); removes a committee member after a confirmation step. A
committee member's home page has a card that leads straight to the manage page.
"""
from __future__ import annotations

from datetime import date

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election
from tests.factories import PASSWORD, make_person


def _world(places) -> dict:
    community = places["east"]
    election = make_election(community)  # a draft with its 7 committee members 委员0…委员6
    make_person(community, name="张三", phone="13811110001", born_on=date(1958, 3, 1))
    younger = make_person(community, name="张三", phone="13822220002", born_on=date(1996, 3, 1))
    make_person(places["west"], name="张三丰", phone="13833330003")  # another community: never suggested
    from sqlalchemy import select

    from community.people.models import Person

    member = db.session.scalar(select(Person).where(Person.name == "委员1"))
    world = {"election": election.id, "admin": election.test_admin.phone, "younger": younger.id,
             "member": member.phone}
    db.session.remove()  # the test thread holds no transaction while the server writes
    return world


def _in_view(page, selector: str) -> bool:
    """The element comes on screen, the page scrolled down to it (the browser scrolls to the #section once the
    page is laid out, which may be a moment after it loaded)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                               " return r.top >= 0 && r.top < window.innerHeight && window.scrollY > 0; }",
                               arg=selector, timeout=5000)
    except PlaywrightTimeout:
        return False
    return True


def test_the_committee_runs_the_manage_page_on_a_phone(places, live, chromium):
    world = _world(places)
    manage = f"/elections/{world['election']}/manage"
    admin = Phone(chromium, live)
    admin.sign_in(world["admin"], PASSWORD)
    admin.goto(manage)
    page = admin.page
    admin.check("manage page")

    # A voter picked by name: two 张三 of this community, told apart by masked phone and age.
    field = page.locator("#voter-person")
    field.fill("张三")
    options = page.locator("#voter-person-list [role=option]")
    options.first.wait_for()
    assert options.count() == 2 and "张三丰" not in page.locator("#voter-person-list").inner_text()
    assert field.get_attribute("aria-expanded") == "true"
    admin.check("manage page, suggestions open")
    page.locator("#voter-person-list [role=option]", has_text="138****0002").click()
    assert page.locator("input[name=person_id]").first.input_value() == str(world["younger"])
    assert "138****0002" in page.locator("#voter-person-status").inner_text()
    page.get_by_role("button", name="添加或批准").click()
    page.wait_for_url(f"**{manage}?section=roll#roll")
    assert "已将张三加入选民名单。" in page.locator("#roll").inner_text()
    assert _in_view(page, "#roll"), "the page should come back to the roll section, not its top"
    admin.check("manage page, voter added")

    # A name nobody has: the error beside the field, what was typed kept, the section in view.
    page.locator("#candidate-person").fill("无此人")
    page.get_by_role("button", name="添加候选人").click()
    page.wait_for_load_state("load")
    assert page.locator("#candidate-person").input_value() == "无此人"
    error = page.locator("#candidate-person-error")
    assert error.is_visible() and "无此人" in error.inner_text()
    assert _in_view(page, "#candidate-person")
    admin.check("manage page, refused candidate")

    # The next step cannot be undone: the first "执行" says what will happen and changes nothing; "取消" goes
    # back to the section; the confirmed one publishes the roll, back in the next-step section.
    page.select_option("#status", "roll_published")
    page.get_by_role("button", name="执行").click()
    confirm = page.locator("#next-step-confirm")
    confirm.wait_for()
    assert "公布选民名单后，名单即对本社区居民公开" in confirm.inner_text() and "不能撤回" in confirm.inner_text()
    assert _in_view(page, "#next-step-confirm")
    admin.check("manage page, confirm the next step")
    confirm.get_by_role("link", name="取消").click()
    page.wait_for_url(f"**{manage}#next-step")
    assert page.locator("#next-step-confirm").count() == 0
    assert "草稿" in page.locator("h1").inner_text()  # nothing changed
    page.select_option("#status", "roll_published")
    page.get_by_role("button", name="执行").click()
    page.locator("#next-step-confirm").get_by_role("button", name="是的，公布选民名单").click()
    page.wait_for_url(f"**{manage}?section=next-step#next-step")
    assert "选举已进入“选民名单已公布”阶段。" in page.locator("#next-step").inner_text()
    assert "选民名单已公布" in page.locator("h1").inner_text()
    admin.check("manage page, roll published")

    # Removing a committee member: a confirmation step first, then a sentence in the committee section.
    admin.goto(manage)
    page.locator("#committee li", has_text="委员0").get_by_role("button", name="移出").click()
    confirm = page.locator("#committee-confirm")
    confirm.wait_for()
    assert "委员0" in confirm.inner_text() and "6" in confirm.inner_text()
    admin.check("manage page, confirm removal")
    confirm.get_by_role("button", name="确定，移出委员0").click()
    page.wait_for_url(f"**{manage}?section=committee#committee")
    committee = page.locator("#committee").inner_text()
    assert "已将委员0移出选举委员会。" in committee and "委员会现有6人" in committee
    assert page.locator("#committee li", has_text="委员0").count() == 0
    admin.check("manage page, member removed")
    admin.done()

    # A committee member's home card leads straight to the manage page.
    member = Phone(chromium, live)
    member.sign_in(world["member"], PASSWORD)
    card = member.page.get_by_role("link", name="您负责的选举")
    assert "下一步：开始提名。" in card.inner_text()  # the roll was published above
    member.check("home of a committee member")
    card.click()
    member.page.wait_for_url(f"**{manage}")
    member.check("manage page, as a committee member")
    member.done()

