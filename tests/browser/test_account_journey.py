"""On a phone: too many wrong guesses for one number are answered with a wait beside the password field; a
resident signs in with a one-time password, must choose their own (a weak one is refused beside the field),
then votes."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import make_admin


def _world(places) -> dict:
    """An election open for voting; one voter was given a one-time password by the community admin."""
    from community.accounts.services import reset_password
    from community.elections.services import candidates as cands
    from community.elections.services import lifecycle

    community = places["east"]
    election = make_election(community, seats=2, committee=2, committee_min=2)
    voters = make_voters(election, community, 5)
    for voter in voters[2:]:
        cands.add_candidate(election.test_admin, election, voter)
    lifecycle.change_status(election.test_admin, election, "voting")
    admin = make_admin("community_admin", ("community", community.id), community)
    one_time = reset_password(admin, voters[0])
    world = {"election": election.id, "phone": voters[0].phone, "one_time": one_time, "other": voters[1].phone}
    db.session.remove()
    return world


def test_sign_in_back_off_shows_the_wait_beside_the_password(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.goto("/login")
    for _guess in range(8):
        page.get_by_label("手机号").fill(world["other"])
        page.get_by_label("密码").fill("wrong-guess-1")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        if page.locator("#password-error").count():
            break
    error = page.locator("#password-error")
    assert "密码错误次数过多" in error.inner_text() and "分钟后再试" in error.inner_text()
    assert "password-error" in page.get_by_label("密码").get_attribute("aria-describedby")
    assert page.get_by_label("手机号").input_value() == world["other"]  # what was typed is kept
    phone.check("sign-in page, number locked")
    phone.done()


def test_one_time_password_then_own_password_then_vote(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["phone"], world["one_time"], lands_on="/password")
    assert "请先设置您自己的密码再继续" in page.content()
    phone.check("change password page")
    phone.goto(f"/elections/{world['election']}")  # nothing else opens before the password is changed
    assert page.url.endswith("/password")

    page.get_by_label("一次性密码").fill(world["one_time"])
    page.get_by_label("新密码", exact=True).fill("abcdefgh")
    page.get_by_label("再次输入新密码").fill("abcdefgh")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_load_state()
    field = page.get_by_label("新密码", exact=True)
    error = page.locator("#new_password-error")
    assert error.is_visible() and "字母和数字" in error.inner_text()
    assert "new_password-error" in field.get_attribute("aria-describedby")
    assert field.get_attribute("aria-invalid") == "true"
    phone.check("change password page, weak password refused")

    page.get_by_label("一次性密码").fill(world["one_time"])
    field.fill("tongxin2026ok")
    page.get_by_label("再次输入新密码").fill("tongxin2026ok")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(live + "/")
    phone.check("home page")

    phone.goto(f"/elections/{world['election']}")
    page.get_by_role("link", name="立即投票").click()
    page.wait_for_url(f"**/elections/{world['election']}/vote")
    phone.check("ballot")
    page.locator("input[name=candidate_id]").first.check()
    page.get_by_role("button", name="下一步：核对我的选择").click()
    phone.check("ballot summary")
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_url(f"**/elections/{world['election']}/receipt")
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 12
    phone.check("receipt")
    phone.done()
