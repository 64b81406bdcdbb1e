"""On a phone: Secretary Wang sees on his home page that the party lesson is overdue, schedules it from there
(the form opens with the kind and his branch filled in), invites the branch, ticks attendance with two members
on leave, types the minutes, and sees his branch turn green on the compliance board."""
from __future__ import annotations

from datetime import date, timedelta

from app import db
from community.database import as_local, utcnow
from tests.branches.life_world import hold
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_people, make_person


def _world(places) -> dict:
    """Wang's branch with five members: every kind held this period except the party lesson (last in June)."""
    from branches.models import Branch, BranchMember

    branch = Branch(street_id=places["street"].id, name="爵溪流动党员第一党支部")
    db.session.add(branch)
    db.session.flush()
    wang = make_person(places["east"], name="王书记")
    members = make_people(places["east"], 5, name="党员")
    db.session.add_all([BranchMember(branch_id=branch.id, person_id=p.id, status="full")
                        for p in [wang, *members]])
    db.session.commit()
    grant(wang, "secretary", "branch", branch.id)
    today = as_local(utcnow()).date()
    for kind in ("general_meeting", "committee", "group", "party_day", "life_meeting"):
        hold(wang, branch, kind, today, present=[wang], minutes=True)
    hold(wang, branch, "lesson", date(today.year - 1, 6, 10), present=[wang])
    world = {"phone": wang.phone, "on_leave": [members[0].name, members[1].name], "branch": branch.name}
    db.session.remove()
    return world


def test_secretary_holds_the_overdue_party_lesson_and_the_branch_turns_green(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["phone"], PASSWORD)
    card = page.locator("a.card", has_text="已逾期：党课")
    assert card.count() == 1
    phone.check("home with the overdue party lesson")

    phone.goto("/admin/branches/compliance")
    assert page.locator("#board [data-colour=red]", has_text=world["branch"]).count() == 1
    phone.check("compliance board, red")

    # From the home card straight to the form: the kind and the branch are filled in.
    phone.goto("/")
    page.locator("a.card", has_text="已逾期：党课").click()
    assert page.get_by_label("组织单位").locator("option:checked").inner_text() == world["branch"]
    starts = as_local(utcnow() - timedelta(hours=1))
    page.get_by_label("名称").fill("专题党课：学习党章")
    page.get_by_label("开始时间").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((starts + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("地点").fill("爵溪街道党群服务中心")
    phone.check("party lesson form")
    page.get_by_role("button", name="安排会议").click()
    page.wait_for_url("**/meetings/*#invitees")
    page.get_by_role("button", name="邀请支部全体党员").click()
    page.wait_for_url("**#invitees")

    # Attendance: two on leave with their reasons, everyone else present.
    for fieldset in page.locator("#attendance fieldset").all():
        text = fieldset.inner_text()
        if any(name in text for name in world["on_leave"]):
            fieldset.get_by_text("请假", exact=True).click()
            fieldset.get_by_label("请假原因").fill("在外地务工")
        else:
            fieldset.get_by_text("出席", exact=True).click()
    page.get_by_role("button", name="保存出席情况").click()
    page.wait_for_url("**#attendance")
    phone.check("attendance with two on leave")

    page.locator("summary", has_text="填写会议记录").click()
    page.get_by_label("主持人").select_option(label="王书记")
    page.get_by_label("议题").fill("学习党章第三章；流动党员如何参加组织生活")
    page.get_by_role("button", name="保存会议记录").click()
    page.wait_for_url("**#minutes")
    assert "在外地务工" in page.locator("#minutes").inner_text()

    phone.goto("/admin/branches/compliance")
    assert page.locator("#board [data-colour=green]", has_text=world["branch"]).count() == 1
    assert "按期落实" in page.locator("#board").inner_text()
    phone.check("compliance board, green")
    phone.goto("/")
    assert page.locator("a.card", has_text="党课").count() == 0
    phone.done()
