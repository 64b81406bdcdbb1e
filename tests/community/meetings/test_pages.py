"""The meeting pages: scheduling with errors beside fields, the list (statement count flat), 补录 badge, .ics."""
from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar

from community.database import utcnow
from community.meetings import records
from community.meetings.services import create_meeting, move_meeting
from tests.community.meetings.conftest import NOW, STARTS, when
from tests.factories import count_statements, login


def _form(**values):
    return {"scope_id": "", "title": "支部党员大会", "starts_at": "2026-12-05T14:30", "ends_at": "2026-12-05T16:30",
            "place": "爵溪街道党群服务中心", "agenda": "学习\n讨论", "reminder_first": "24", "reminder_second": "60",
            **values}


def test_scheduling_on_the_page_then_inviting_the_branch(client, world):
    login(client, world["secretary"])
    page = client.get("/meetings/new?kind=general_meeting").get_data(as_text=True)
    assert "第一流动党支部" in page and "第二支部" not in page
    response = client.post("/meetings/new?kind=general_meeting", data=_form(scope_id=world["branch"].id))
    assert response.status_code == 302 and response.headers["Location"].endswith("#invitees")
    detail = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "邀请支部全体党员" in detail
    meeting_id = int(response.headers["Location"].split("/")[-1].split("#")[0])
    invited = client.post(f"/meetings/{meeting_id}/invite", data={"all_members": "1"})
    assert invited.headers["Location"].endswith("#invitees")
    assert "预备党员0" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_ends_before_starts_is_shown_beside_the_field_with_the_input_kept(client, world):
    login(client, world["secretary"])
    response = client.post("/meetings/new?kind=general_meeting",
                           data=_form(scope_id=world["branch"].id, ends_at="2026-12-05T13:00", title="保留的标题"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="ends_at-error"' in page and "结束时间必须晚于开始时间" in page
    assert 'value="保留的标题"' in page


def test_a_leave_without_reason_is_refused_beside_the_reason(client, world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(world["secretary"], meeting, now=NOW)
    login(client, world["secretary"])
    pid = world["full"][0].id
    response = client.post(f"/meetings/{meeting.id}/attendance", data={f"attendance-{pid}": "leave"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="reason-{pid}-error"' in page and "请填写请假原因" in page
    ok = client.post(f"/meetings/{meeting.id}/attendance",
                     data={f"attendance-{pid}": "leave", f"reason-{pid}": "回老家"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#attendance")
    assert "回老家" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_others_may_not_see_or_manage_a_branch_meeting(client, world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    for who in ("other_secretary", "resident"):
        login(client, world[who])
        assert client.get(f"/meetings/{meeting.id}").status_code == 403
        assert client.get(f"/meetings/{meeting.id}.ics").status_code == 403
        assert client.post(f"/meetings/{meeting.id}/move", data={"place": "别处"}).status_code == 403
        assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "不开了"}).status_code == 403
        client.post("/logout")
    login(client, world["resident"])
    assert client.get("/meetings/new").status_code == 403


def test_the_list_runs_the_same_statements_for_many_meetings(client, world):
    base = max(STARTS, utcnow() + timedelta(days=1))  # the list's "upcoming" is by the real clock

    def add(n):
        for i in range(n):
            meeting = create_meeting(world["secretary"], "group", world["branch"].id,
                                     when(title=f"党小组会{i}", starts_at=base + timedelta(days=i),
                                          ends_at=base + timedelta(days=i, hours=1)), now=NOW)
            records.invite(world["secretary"], meeting, world["full"][0].id, now=NOW)
    add(2)
    login(client, world["full"][0])  # an invitee: sees the meetings through the invitations
    client.get("/meetings/")  # each count follows a request, so each starts its own transaction alike
    few, page = count_statements(client, "/meetings/?when=past")
    few_up, _page = count_statements(client, "/meetings/")
    add(12)
    client.get("/meetings/")
    many, _page = count_statements(client, "/meetings/?when=past")
    many_up, page = count_statements(client, "/meetings/")
    assert (many, many_up) == (few, few_up) and "党小组会11" in page


def test_a_late_entry_shows_its_badge_on_the_list_the_page_and_in_the_ics(client, world):
    held = utcnow() - timedelta(days=3)
    late = create_meeting(world["secretary"], "lesson", world["branch"].id,
                          when(title="专题党课", starts_at=held, ends_at=held + timedelta(hours=1)))
    login(client, world["secretary"])
    assert "补录" in client.get("/meetings/?when=past").get_data(as_text=True)
    assert "补录" in client.get(f"/meetings/{late.id}").get_data(as_text=True)
    event = Calendar.from_ical(client.get(f"/meetings/{late.id}.ics").data).walk("VEVENT")[0]
    assert "补录" in str(event["SUMMARY"])


def test_the_ics_has_time_place_and_follows_a_move(client, world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite(world["secretary"], meeting, world["resident"].id, now=NOW)  # a guest, without a vote
    login(client, world["resident"])
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["UID"] == f"meeting-{meeting.id}@tongxin" and str(event["LOCATION"]) == "爵溪街道党群服务中心"
    assert event.decoded("DTSTART") == STARTS and event.decoded("DTEND") == STARTS + timedelta(hours=2)
    assert str(event["SUMMARY"]) == "支部党员大会" and int(event["SEQUENCE"]) == 0
    move_meeting(world["secretary"], meeting, {"place": "东门社区党群服务站"}, now=NOW)
    event = Calendar.from_ical(client.get(f"/meetings/{meeting.id}.ics").data).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "东门社区党群服务站" and int(event["SEQUENCE"]) == 1


def test_one_person_is_invited_by_name_with_the_picker(client, world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    login(client, world["secretary"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "data-person-picker" in page and "picker.js" in page
    nobody = client.post(f"/meetings/{meeting.id}/invite", data={"person": "不存在的人"})
    text = nobody.get_data(as_text=True)
    assert nobody.status_code == 422 and 'id="invite-person-error"' in text and 'value="不存在的人"' in text
    invited = client.post(f"/meetings/{meeting.id}/invite", data={"person": "李晓"})
    assert invited.status_code == 302 and invited.headers["Location"].endswith("#invitees")
    guest, = [row for row in records.invitees(meeting) if row.person_id == world["resident"].id]
    assert guest.is_voting is False  # not a member of the branch: invited without a vote


def test_the_minutes_show_every_field_the_rules_ask_for(client, world):
    """Time, place, chair, recorder, attendees, absentees with their leave reasons, topics, speeches and each
    resolution with its vote (shared/DOMAIN.md "Mobile party branches")."""
    secretary, (first, second, third) = world["secretary"], world["full"]
    meeting = create_meeting(secretary, "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(secretary, meeting, now=NOW)
    records.record_attendance(secretary, meeting, {secretary.id: ("present", ""), first.id: ("present", ""),
                                                   second.id: ("absent", ""), third.id: ("leave", "回老家探亲"),
                                                   world["probationary"].id: ("present", "")})
    records.record_minutes(secretary, meeting, {"chair_id": secretary.id, "recorder_id": first.id,
                                                "topics": "讨论预备党员转正", "speeches": "陈书记：介绍考察情况"})
    records.add_resolution(secretary, meeting, {"text": "同意按期转正", "votes_yes": 2, "votes_no": 0})
    login(client, secretary)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    minutes = page[page.index('id="minutes"'):page.index('id="resolutions"')]
    values = dict(re.findall(r'<dt class="col-sm-3">(.*?)</dt><dd class="col-sm-9">(.*?)</dd>', minutes))
    assert values["时间"] == "2026-12-05 14:30 – 16:30"  # Asia/Shanghai
    assert values["地点"] == "爵溪街道党群服务中心"
    assert (values["主持人"], values["记录人"]) == (secretary.name, first.name)
    assert set(values["出席人员"].split("、")) == {secretary.name, first.name, world["probationary"].name}
    assert second.name in values["缺席人员"] and f"{third.name}（请假：回老家探亲）" in values["缺席人员"]
    assert "讨论预备党员转正" in values["议题"] and "陈书记：介绍考察情况" in values["发言"]
    resolutions = page[page.index('id="resolutions"'):]
    assert "同意按期转正" in resolutions and "赞成2 · 反对0" in resolutions


def test_the_organiser_chooses_the_reminders_times_on_the_form(client, world):
    """The form's two reminders (hours, then minutes before) become the meeting's offsets and its rows' due times."""
    from sqlalchemy import select

    from app import db
    from community.reminders.models import Reminder

    starts = STARTS.replace(year=2036)  # the page schedules against the real clock: well ahead of it
    login(client, world["secretary"])
    response = client.post("/meetings/new?kind=general_meeting", data=_form(
        scope_id=world["branch"].id, starts_at="2036-12-05T14:30", ends_at="2036-12-05T16:30",
        reminder_first="48", reminder_second="30"))
    meeting_id = int(response.headers["Location"].split("/")[-1].split("#")[0])
    client.post(f"/meetings/{meeting_id}/invite", data={"all_members": "1"})
    dues = set(db.session.scalars(select(Reminder.due_at).where(Reminder.subject == f"meeting:{meeting_id}")))
    assert dues == {starts - timedelta(hours=48), starts - timedelta(minutes=30)}
    refused = client.post("/meetings/new?kind=general_meeting", data=_form(scope_id=world["branch"].id,
                                                                          reminder_first="-1"))
    assert refused.status_code in (200, 400, 422) and "reminder_first-error" in refused.get_data(as_text=True)


def test_attendance_for_someone_not_invited_is_refused_on_the_page_and_nothing_is_recorded(client, world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(world["secretary"], meeting, now=NOW)
    login(client, world["secretary"])
    member, stranger = world["full"][0].id, world["resident"].id
    response = client.post(f"/meetings/{meeting.id}/attendance",
                           data={f"attendance-{member}": "present", f"attendance-{stranger}": "present"})
    assert response.status_code == 422 and "李晓未受邀参加本次会议，请先邀请。" in response.get_data(as_text=True)
    assert {row.person_id: row.attendance for row in records.invitees(meeting)}[member] == "invited"
