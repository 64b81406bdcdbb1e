"""On a phone: a branch secretary schedules a general meeting, invites the branch and one more person by name,
moves it, records attendance with a leave reason, writes the minutes, and enters a past lesson (补录)."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import as_local, utcnow
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_people, make_person


def _world(places) -> dict:
    """A branch with its secretary and four members; a resident of the street to invite as a guest."""
    from branches.models import Branch, BranchMember

    branch = Branch(street_id=places["street"].id, name="爵溪第一流动党支部")
    db.session.add(branch)
    db.session.flush()
    secretary = make_person(places["east"], name="陈书记")
    members = make_people(places["east"], 4, name="党员")
    db.session.add_all([BranchMember(branch_id=branch.id, person_id=p.id, status="full")
                        for p in [secretary, *members]])
    db.session.commit()
    grant(secretary, "secretary", "branch", branch.id)
    make_person(places["west"], name="王来宾")
    world = {"secretary": secretary.phone, "member": members[1].name}
    db.session.remove()
    return world


def _local(moment) -> str:
    return as_local(moment).strftime("%Y-%m-%dT%H:%M")


def _schedule(page, kind: str, title: str, starts, hours: int = 2) -> None:
    page.get_by_role("link", name="安排会议").click()
    page.get_by_role("link", name=kind).click()
    page.get_by_label("名称").fill(title)
    page.get_by_label("开始时间").fill(_local(starts))
    page.get_by_label("结束时间").fill(_local(starts + timedelta(hours=hours)))
    page.get_by_label("地点").fill("爵溪街道党群服务中心")
    page.get_by_role("button", name="安排会议").click()
    page.wait_for_url("**/meetings/*#invitees")


def test_secretary_runs_a_general_meeting_on_a_phone(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["secretary"], PASSWORD)
    phone.goto("/meetings/")
    phone.check("meetings list, empty")

    # Schedule: the kind first, then the form (an end before the start is refused beside the field).
    page.get_by_role("link", name="安排会议").click()
    phone.check("choose the kind")
    page.get_by_role("link", name="支部党员大会").click()
    starts = utcnow() + timedelta(days=7)
    page.get_by_label("名称").fill("第四季度支部党员大会")
    page.get_by_label("开始时间").fill(_local(starts))
    page.get_by_label("结束时间").fill(_local(starts - timedelta(hours=1)))
    page.get_by_label("地点").fill("爵溪街道党群服务中心")
    page.get_by_role("button", name="安排会议").click()
    assert page.locator("#ends_at-error").inner_text() == "结束时间必须晚于开始时间。"
    assert page.get_by_label("名称").input_value() == "第四季度支部党员大会"
    phone.check("schedule form with an error")
    page.get_by_label("结束时间").fill(_local(starts + timedelta(hours=2)))
    page.get_by_role("button", name="安排会议").click()
    page.wait_for_url("**/meetings/*#invitees")
    phone.check("meeting page")

    # Invite: the whole branch, then a guest chosen by name with the picker.
    page.get_by_role("button", name="邀请支部全体党员").click()
    page.wait_for_url("**#invitees")
    assert page.locator("#invitees .list-group-item").count() == 5
    page.get_by_role("combobox", name="邀请一个人").fill("王来")
    page.get_by_role("option", name="王来宾").first.click()
    page.get_by_role("button", name="邀请", exact=True).click()
    page.wait_for_url("**#invitees")
    assert "已邀请王来宾" in page.content()
    phone.check("invitees")

    # Move: a new place and a reason; the change is listed.
    page.locator("summary", has_text="调整时间地点").click()
    page.locator("#place").fill("东门社区党群服务站")
    page.get_by_label("调整原因").fill("场地冲突")
    page.get_by_role("button", name="保存新的时间地点").click()
    page.wait_for_url("**#time")
    assert "东门社区党群服务站" in page.locator("#time").inner_text()
    assert "场地冲突" in page.locator("#history").inner_text()
    phone.check("moved")

    # Attendance: one member on leave; without a reason it is refused beside the field.
    member = world["member"]
    fieldset = page.locator("#attendance fieldset", has_text=member)
    fieldset.get_by_text("请假", exact=True).click()
    page.get_by_role("button", name="保存出席情况").click()
    assert "请填写请假原因" in page.locator("#attendance").inner_text()
    phone.check("attendance with an error")
    fieldset = page.locator("#attendance fieldset", has_text=member)
    fieldset.get_by_label("请假原因").fill("回老家")
    for other in page.locator("#attendance fieldset").all():
        if member not in other.inner_text():
            other.get_by_text("出席", exact=True).click()
    page.get_by_role("button", name="保存出席情况").click()
    page.wait_for_url("**#attendance")
    assert "达到法定人数" in page.locator("#invitees").inner_text()

    # Minutes.
    page.locator("summary", has_text="填写会议记录").click()
    page.get_by_label("主持人").select_option(label="陈书记")
    page.get_by_label("议题").fill("预备党员转正")
    page.get_by_role("button", name="保存会议记录").click()
    page.wait_for_url("**#minutes")
    minutes = page.locator("#minutes").inner_text()
    assert "预备党员转正" in minutes and "回老家" in minutes
    phone.check("minutes")

    # A lesson held last week, entered now: a late entry (补录), visibly, on its page and in the list.
    phone.goto("/meetings/")
    _schedule(page, "党课", "专题党课", utcnow() - timedelta(days=7), hours=1)
    assert "补录" in page.locator("h1").inner_text()
    phone.goto("/meetings/?when=past")
    assert "补录" in page.locator(".list-group").inner_text()
    phone.check("past meetings with a late entry")
    phone.done()
