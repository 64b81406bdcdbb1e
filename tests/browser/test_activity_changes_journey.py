"""On phones: a typhoon warning. Organiser 陈老师 first moves Sunday's beach clean-up indoors to the next day (an
end before the start refused beside its field, what was typed kept), then calls it off with a reason; volunteer
小李, signed up, reads both on the activity's page and the cancellation in the inbox (the move's notice, overtaken
before it went out, is withdrawn), and can no longer check in or sign up."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import as_local, utcnow
from community.reminders.dispatch import run_due
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    from volunteers import activities_services as S

    east = places["east"]
    chen = make_person(east, name="陈老师")
    grant(chen, "organiser", "community", east.id)
    li = make_person(east, name="小李")
    starts = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    activity = S.create_activity(chen, east.id, {
        "title": "周日海滩清洁", "category": "volunteer_service", "place": "爵溪海滩南段", "starts_at": starts,
        "ends_at": starts + timedelta(hours=3), "capacity": 30, "points_per_hour": 10})
    S.sign_up(li, activity)
    db.session.commit()
    world = {"chen": chen.phone, "li": li.phone, "activity": activity.id, "starts": as_local(starts)}
    db.session.remove()
    return world


def test_organiser_moves_then_cancels_and_the_volunteer_is_told(places, live, chromium, app):
    world = _world(places)
    chen, li = Phone(chromium, live), Phone(chromium, live)
    url = f"/activities/{world['activity']}"
    chen.sign_in(world["chen"], PASSWORD)
    chen.goto(url)
    page = chen.page
    chen.check("activity with its changes")
    page.get_by_role("link", name="更改时间或地点").click()
    chen.check("change form")
    later = world["starts"] + timedelta(days=1)
    page.get_by_label("开始时间").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((later - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("地点").fill("爵溪街道文化礼堂")
    page.get_by_label("调整原因").fill("海边风大，改到室内")
    page.get_by_role("button", name="保存变更并通知志愿者").click()
    assert page.locator("#ends_at-error").inner_text() == "结束时间必须晚于开始时间。"
    assert page.get_by_label("地点").input_value() == "爵溪街道文化礼堂"  # what was typed is kept
    chen.check("change refused")
    page.get_by_label("结束时间").fill((later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="保存变更并通知志愿者").click()
    page.wait_for_url(f"**{url}?section=changes#changes")
    assert "活动已改期" in page.locator("#changes").inner_text()
    chen.check("moved")
    page.get_by_role("link", name="取消活动").click()
    chen.check("cancel page")
    page.get_by_role("button", name="确认取消活动").click()
    assert page.locator("#reason-error").is_visible()  # a reason is asked for
    page.get_by_label("取消原因").fill("台风预警，停止户外活动")
    page.get_by_role("button", name="确认取消活动").click()
    page.wait_for_url(f"**{url}?section=changes#changes")
    changes = page.locator("#changes").inner_text()
    assert "台风预警，停止户外活动" in changes and "爵溪海滩南段" in changes
    assert page.get_by_role("link", name="更改时间或地点").count() == 0
    chen.check("cancelled")
    chen.done()

    with app.app_context():
        run_due(utcnow() + timedelta(seconds=1))
        db.session.remove()
    li.sign_in(world["li"], PASSWORD)
    li.goto(url)
    text = li.page.content()
    assert "已取消" in text and "台风预警，停止户外活动" in text and "海边风大，改到室内" in text
    assert "签到或签退" not in text and "/signup" not in text
    li.check("the volunteer reads it")
    li.goto("/inbox/")
    inbox = li.page.content()
    assert "周日海滩清洁已取消" in inbox and "台风预警，停止户外活动" in inbox  # not the move it overtook
    li.check("inbox")
    li.done()
