"""On a phone: a community's scorer grants points to a resident (chosen by name with the person picker, a wrong
amount refused beside the field, a confirmation), and the resident sees the points, the chart's table and the
leaderboard; the scorer exports the grants to .xlsx on the task queue and downloads them, the street office the
street's points of the year."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person
from tests.volunteers.points_world import make_organisation, make_quota


def _world(places) -> dict:
    """东门社区's scoring organisation with a quota of 500, its scorer, and two residents."""
    town = make_organisation(places["east"], "东门社区居委会", "community")
    make_quota(town, 500)
    scorer = make_person(places["east"], name="陈赋分")
    grant(scorer, "scorer", "organisation", town.id)
    volunteer = make_person(places["east"], name="李晓红")
    make_person(places["east"], name="王大海")
    office = make_person(places["west"], name="街道办小周")
    grant(office, "street_admin", "street", places["street"].id)
    world = {"scorer": scorer.phone, "volunteer": volunteer.phone, "town": town.id, "office": office.phone}
    db.session.commit()
    db.session.remove()
    return world


def test_a_scorer_grants_and_the_volunteer_sees_the_points(places, live, chromium):
    world = _world(places)
    scorer = Phone(chromium, live)
    page = scorer.page
    scorer.sign_in(world["scorer"], PASSWORD)
    page.locator(".navbar-toggler").click()  # the phone's menu
    page.get_by_role("link", name="赋分", exact=True).click()  # one organisation: straight to its form
    page.wait_for_url(f"**/points/organisations/{world['town']}/grant")
    assert "剩余 500 分" in page.content()
    scorer.check("grant form")
    page.get_by_role("combobox", name="志愿者").fill("李")
    page.get_by_role("option", name="李晓红").first.click()
    page.get_by_label("积分").fill("2.5")
    page.get_by_label("类别").select_option("waste_sorting")
    page.get_by_label("原因").fill("垃圾分类桶边督导两小时")
    page.get_by_role("button", name="确认赋分").click()
    assert "整数" in page.locator("#grant-points-error").inner_text()  # beside the field; the rest kept
    assert page.get_by_label("原因").input_value() == "垃圾分类桶边督导两小时"
    scorer.check("grant form with an error")
    page.get_by_label("积分").fill("12")
    page.get_by_role("button", name="确认赋分").click()
    assert "李晓红" in page.content() and "12" in page.content()  # the confirmation step
    scorer.check("confirmation")
    page.get_by_role("button", name="确认赋分").click()
    page.wait_for_url(f"**/points/organisations/{world['town']}/grant")
    assert "李晓红 获得 12 积分" in page.content() and "剩余 488 分" in page.content()
    page.get_by_role("button", name="导出赋分记录（.xlsx）").click()  # on the task queue: the job page
    page.wait_for_url("**/volunteers/exports/*")
    link = page.get_by_role("link", name="下载表格")
    link.wait_for()
    scorer.check("export ready")
    with page.expect_download() as caught:
        link.click()
    assert caught.value.suggested_filename == "赋分记录.xlsx"
    rows = list(load_workbook(BytesIO(caught.value.path().read_bytes())).active.values)  # no suffix on disk
    assert rows[2][1] == "李晓红" and rows[2][3] == 12 and "****" in rows[2][2] and rows[2][8] == "否"
    scorer.done()

    volunteer = Phone(chromium, live)
    page = volunteer.page
    volunteer.sign_in(world["volunteer"], PASSWORD)
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="我的积分", exact=True).first.click()
    page.wait_for_url("**/points/people/*")
    assert page.locator("#points-balance").inner_text() == "12"
    assert "垃圾分类桶边督导两小时" in page.content()
    volunteer.check("points page")
    page.get_by_role("link", name="积分排行榜").click()
    page.wait_for_url("**/points/leaderboard")
    assert "李晓红" in page.content() and "您排第 1 名" in page.content()
    volunteer.check("leaderboard")
    assert page.get_by_role("button", name="导出", exact=False).count() == 0  # the street office's alone
    volunteer.done()

    office = Phone(chromium, live)  # the street office exports the street's points of the year, names in full
    page = office.page
    office.sign_in(world["office"], PASSWORD)
    office.goto("/points/leaderboard?where=street&span=year")
    page.get_by_role("button", name="积分汇总").click()
    page.wait_for_url("**/volunteers/exports/*")
    link = page.get_by_role("link", name="下载表格")
    link.wait_for()
    with page.expect_download() as caught:
        link.click()
    assert caught.value.suggested_filename == "积分汇总.xlsx"
    rows = list(load_workbook(BytesIO(caught.value.path().read_bytes())).active.values)
    assert rows[2][0] == "李晓红" and rows[2][2] == "东门社区" and rows[2][3] == 12 and len(rows) == 3
    office.done()
