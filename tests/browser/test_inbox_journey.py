"""On a phone: a voter sees the unread count on the bell, opens a reminder the election sent (it leads to the
election), marks the rest read, asks for e-mail without an address (refused beside the field, the tick kept),
and makes then renews the private calendar link (the old one stops working)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import PASSWORD

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai: outside quiet hours


def _world(places) -> dict:
    """An election whose roll was published at T0; the dispatch pass put its notices in the voters' inboxes;
    the voter has two older messages too."""
    from community.elections.services import lifecycle
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification

    community = places["east"]
    election = make_election(community, voting_opens_at=T0 + timedelta(days=30),
                             voting_closes_at=T0 + timedelta(days=31))
    voter, = make_voters(election, community, 1)
    db.session.add_all([Notification(person_id=voter.id, kind="election_roll_published", title=f"旧消息{i}",
                                     body="社区通知。", created_at=T0 - timedelta(days=1 + i)) for i in range(2)])
    db.session.commit()
    lifecycle.change_status(election.test_admin, election, "roll_published", now=T0)
    run_due(T0 + timedelta(minutes=1))
    db.session.commit()
    world = {"election": election.id, "phone": voter.phone, "title": election.title}
    db.session.remove()
    return world


def test_inbox_preferences_and_calendar_link(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["phone"], PASSWORD)
    bell = page.get_by_role("link", name="3条未读消息")
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    phone.check("home with the unread bell")
    bell.click()
    page.wait_for_url(live + "/inbox/")
    assert page.locator(".badge", has_text="未读").count() == 3
    phone.check("inbox")
    page.get_by_role("link", name=f"选民名单已公布：{world['title']}").click()
    page.wait_for_url(live + f"/elections/{world['election']}")
    assert page.get_by_role("link", name="2条未读消息").count() == 1
    page.get_by_role("link", name="2条未读消息").click()
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url(live + "/inbox/")
    assert "已将2条消息标为已读。" in page.content()
    assert page.get_by_role("link", name="站内信，没有未读消息").count() == 1
    phone.check("inbox, all read")

    page.get_by_role("link", name="提醒设置").click()
    page.wait_for_url(live + "/inbox/preferences")
    phone.check("reminder settings")
    page.locator("#election_voting_closing-email").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "请填写电子邮箱" in page.locator("#email-error").inner_text()
    assert "email-error" in page.get_by_label("电子邮箱").get_attribute("aria-describedby")
    assert page.locator("#election_voting_closing-email").is_checked()  # what was ticked is kept
    phone.check("reminder settings, e-mail refused")
    page.get_by_label("电子邮箱").fill("voter@example.cn")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live + "/inbox/preferences")
    assert "提醒方式已保存。" in page.content()
    assert page.locator("#election_voting_closing-email").is_checked()

    phone.goto("/calendar")
    page.get_by_role("button", name="生成我的日历链接").click()
    page.wait_for_url(live + "/calendar")
    first = page.get_by_label("您的专属链接（只显示这一次，请复制保存）").input_value()
    assert first.endswith(".ics") and "/calendar/" in first
    phone.check("calendar link")
    feed = page.request.get(first)
    assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text() and "投票开始" in feed.text()
    page.get_by_role("button", name="生成新链接（旧链接立即失效）").click()
    page.wait_for_url(live + "/calendar")
    second = page.get_by_label("您的专属链接（只显示这一次，请复制保存）").input_value()
    assert second != first and "新的日历链接已生成，旧链接已失效。" in page.content()
    assert page.request.get(first).status == 404 and page.request.get(second).status == 200
    phone.check("calendar link renewed")
    phone.done()
