"""On a phone: 孙委员 of 东门社区's discussion group opens Thursday's discussion meeting, puts the tenant's
request from the queue on its agenda, and records the resolution: decision, responsible unit, the mediator
chosen by name as the responsible person, a deadline; a deadline before the meeting is refused beside the field.
A second request put on the agenda by mistake is taken off it with a reason, after a confirmation, and is back
in the queue."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import as_local
from community.meetings.services import create_meeting
from tests.browser.phone import Phone
from tests.community.discussions.mediation_support import NOW, make_request
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    admin = make_person(places["east"], name="林主任")
    grant(admin, "community_admin", "community", places["east"].id)
    member = make_person(places["east"], name="孙委员")
    grant(member, "discussion_member", "community", places["east"].id)
    make_person(places["east"], name="赵师傅")
    tenant = make_person(places["east"], name="张租客")
    make_request(places["east"], tenant, status="submitted", supports=14, title="房东不退押金")
    make_request(places["east"], tenant, status="accepted", title="楼道堆满杂物")
    from community.database import utcnow

    starts = utcnow() + timedelta(days=3)
    meeting = create_meeting(admin, "discussion", places["east"].id, {
        "title": "东门社区议事会", "starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "议事厅"})
    world = {"phone": member.phone, "meeting": meeting.id, "day": as_local(starts).date()}
    assert NOW  # the support module's clock is not used here: the meeting is really in three days
    db.session.remove()
    return world


def test_a_discussion_member_builds_the_agenda_and_records_a_resolution(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["phone"], PASSWORD)
    phone.goto(f"/meetings/{world['meeting']}")
    page.get_by_role("link", name="从排队事项定议题、记录决议").click()
    assert "房东不退押金" in page.locator("#queue").inner_text()
    phone.check("agenda page with the queue")
    page.get_by_role("button", name="列入议程 房东不退押金").click()
    page.wait_for_url("**#agenda")
    assert page.locator("#agenda article").count() == 1
    phone.check("agenda with one item")
    page.get_by_role("button", name="列入议程 楼道堆满杂物").click()
    page.wait_for_url("**#agenda")
    second = page.locator("#agenda article").nth(1)
    second.get_by_text("撤出议程", exact=True).click()
    second.get_by_role("button", name="撤出议程，退回待议队列").click()
    assert page.locator(".invalid-feedback").first.inner_text() == "请写明理由。"
    phone.check("taking off refused without a reason")
    second = page.locator("#agenda article").nth(1)
    second.get_by_label("撤出原因（将告知提出人和附议人）").fill("物业已经清理，不必上会")
    second.get_by_role("button", name="撤出议程，退回待议队列").click()
    phone.check("taking off: the confirmation")
    page.get_by_role("button", name="确定撤出").click()
    page.wait_for_url("**#queue")
    assert "楼道堆满杂物" in page.locator("#queue").inner_text()
    assert page.locator("#agenda article").count() == 1
    phone.check("back in the queue")

    page.get_by_text("登记决议").click()
    page.get_by_label("决定").fill("由赵师傅牵头与房东调解，退还押金。")
    page.get_by_label("责任单位").fill("出租屋管理办")
    page.get_by_role("combobox", name="责任人").fill("赵师")
    page.get_by_role("option", name="赵师傅").first.click()
    page.get_by_label("完成期限").fill((world["day"] - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="保存决议").click()
    assert page.locator(".invalid-feedback").first.inner_text().startswith("该日期早于")
    assert page.get_by_label("决定").input_value() == "由赵师傅牵头与房东调解，退还押金。"
    phone.check("resolution refused")
    page.get_by_label("完成期限").fill((world["day"] + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="保存决议").click()
    page.wait_for_url("**#item-*")
    text = page.locator("#agenda").inner_text()
    assert "出租屋管理办、赵师傅" in text and "由赵师傅牵头" in text
    phone.check("item decided")
    phone.done()
