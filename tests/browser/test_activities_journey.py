"""On phones (journey 5): organiser 陈老师 creates a beach clean-up (a capacity of 0 refused beside its field), a
volunteer signs up, the organiser's screen shows a code that changes by itself, the volunteer types it and is
checked in; on Saturday's finished clean-up the organiser fixes a forgotten check-out by hand and confirms the
roster: the points are posted, and the roster is exported to .xlsx and opened."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from app import db
from community.database import as_local, utcnow
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    """陈老师 organises in Dongmen; 小李 and 小王 volunteer; Saturday's clean-up began 3 hours ago, both checked in,
    小王 also out."""
    from volunteers.activities import Activity, Checkin, Signup

    east = places["east"]
    chen = make_person(east, name="陈老师")
    grant(chen, "organiser", "community", east.id)
    li, wang = make_person(east, name="小李"), make_person(east, name="小王")
    began = utcnow().replace(second=0, microsecond=0) - timedelta(hours=3)  # whole minutes, as the form takes
    saturday = Activity(title="周六海滩清洁", category="volunteer_service", community_id=east.id, organiser_id=chen.id,
                        place="爵溪海滩", starts_at=began, ends_at=began + timedelta(hours=2), capacity=30, taken=2,
                        points_rule="per_hour", points=10)
    db.session.add(saturday)
    db.session.flush()
    for person in (li, wang):
        db.session.add(Signup(activity_id=saturday.id, person_id=person.id, state="signed_up"))
    db.session.add_all([Checkin(activity_id=saturday.id, person_id=li.id, checked_in_at=began),
                        Checkin(activity_id=saturday.id, person_id=wang.id, checked_in_at=began,
                                checked_out_at=began + timedelta(hours=2))])
    db.session.commit()
    world = {"chen": chen.phone, "li": li.phone, "saturday": saturday.id, "began": began}
    db.session.remove()
    return world


def test_volunteer_signs_up_and_checks_in_by_code_organiser_confirms(places, live, chromium, app):
    world = _world(places)
    app.config["VOLUNTEER_CHECKIN_CODE_SECONDS"] = 9  # the screen renews every 3 seconds
    try:
        _journey(world, live, chromium)
    finally:
        app.config.pop("VOLUNTEER_CHECKIN_CODE_SECONDS")


def _journey(world, live, chromium):
    chen, li = Phone(chromium, live), Phone(chromium, live)
    chen.sign_in(world["chen"], PASSWORD)
    chen.goto("/activities/new")
    page = chen.page
    chen.check("new activity")
    starts = as_local(utcnow() + timedelta(minutes=30))
    page.get_by_label("名称").fill("爵溪海滩清洁")
    page.get_by_label("地点").fill("爵溪海滩南段")
    page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("名额").fill("0")
    page.get_by_label("积分数").fill("10")
    page.get_by_role("button", name="发布并开放报名").click()
    assert page.locator("#capacity-error").inner_text() == "名额至少为1。"
    assert page.get_by_label("名称").input_value() == "爵溪海滩清洁"
    chen.check("new activity refused")
    page.get_by_label("名额").fill("30")
    page.get_by_role("button", name="发布并开放报名").click()
    page.wait_for_url("**/activities/*")
    activity_url = page.url
    assert "活动已发布" in page.content()
    chen.check("the new activity")

    li.sign_in(world["li"], PASSWORD)
    li.goto("/activities/")
    li.check("activity list")
    li.page.get_by_role("link", name="爵溪海滩清洁").click()
    li.page.get_by_role("button", name="报名").click()
    li.page.wait_for_url("**section=signup*")
    assert "报名成功" in li.page.content()
    li.check("signed up")

    page.get_by_role("link", name="显示签到码").click()
    page.wait_for_url("**/code")
    chen.check("code screen")
    first = page.locator("#checkin-text").inner_text()
    page.wait_for_function("(first) => document.getElementById('checkin-text').textContent !== first", arg=first,
                           timeout=8000)
    code = page.locator("#checkin-text").inner_text()
    assert code != first and page.locator("#checkin-qr").get_attribute("src").startswith("data:image/svg+xml")

    li.page.get_by_role("link", name="签到或签退").first.click()
    li.page.wait_for_url("**/activities/scan")
    li.page.get_by_label("签到码").fill("12-ABC-WRONG")
    li.page.get_by_role("button", name="签到或签退").click()
    assert "这不是签到码" in li.page.locator("#code-error").inner_text()
    li.check("scan refused")
    li.page.get_by_label("签到码").fill(code)
    li.page.get_by_role("button", name="签到或签退").click()
    li.page.wait_for_url("**section=signup*")
    assert "签到" in li.page.locator("#signup").inner_text()
    li.check("checked in")
    chen.goto(activity_url.replace(live, ""))
    assert "小李" in page.locator("#roster").inner_text()

    chen.goto(f"/activities/{world['saturday']}")
    row = page.locator("#roster tbody tr", has_text="小李")
    # Two hours after the check-in, from the check-in itself: a slow run must not add a minute.
    row.get_by_label("签退", exact=True).fill(as_local(world["began"] + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name="保存小李的签到签退时间").click()
    page.wait_for_url("**section=roster*")
    assert "名单已更新" in page.content()
    chen.check("roster fixed by hand")
    page.get_by_role("button", name="确认名单并发放积分").click()
    page.get_by_role("button", name="确认并发放积分").click()
    page.wait_for_url("**section=roster*")
    assert "本次发放积分2人" in page.locator("#roster").inner_text()
    assert page.locator("#roster .badge", has_text="已发放").count() == 2
    chen.check("roster confirmed")
    page.get_by_role("button", name="导出名册（.xlsx）").click()  # on the task queue: the job page
    page.wait_for_url("**/volunteers/exports/*")
    link = page.get_by_role("link", name="下载表格")
    link.wait_for()
    with page.expect_download() as caught:
        link.click()
    assert caught.value.suggested_filename == "活动名单.xlsx"
    rows = list(load_workbook(BytesIO(caught.value.path().read_bytes())).active.values)  # no suffix on disk
    by_name = {r[0]: r for r in rows[2:]}
    assert set(by_name) == {"小李", "小王"} and all("****" in r[1] for r in by_name.values())
    assert by_name["小李"][5] == "2.00" and by_name["小李"][6] == 20 and by_name["小王"][2] == "已报名"
    chen.done()
    li.done()
