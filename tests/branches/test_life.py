"""Organisational life (branches/life.py): planning and overdue per kind at the period boundaries, what counts
as held, the general meeting's quorum and resolutions with real roster members, minutes of a cancelled meeting,
the secretary's home cards, the pages, the API, and the life reminders' keys."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from app import db
from branches.life import LifeSettings, compliance, plan
from branches.life_reminders import LIFE, remind_life
from branches.life_views import home_cards
from branches.models import Branch
from community.errors import DomainError
from community.meetings.models import MeetingInvitee
from community.meetings.records import add_resolution, invite, quorum
from community.meetings.services import cancel_meeting, create_meeting
from community.reminders.models import Reminder
from tests.branches.life_world import at, build, hold
from tests.factories import count_statements, grant, login, make_admin, make_person, make_street, token_for

DEC_1 = date(2026, 12, 1)


@pytest.fixture
def w():
    return build()


def _line(lines, kind):
    return next(line for line in lines if line["kind"] == kind)


# ------------------------------------------------------------------------------------------- planning
@pytest.mark.parametrize(("held", "today", "state", "next_due"), [
    (date(2026, 11, 30), DEC_1, "due", date(2026, 12, 31)),        # last month held: this month's is due
    (date(2026, 10, 31), DEC_1, "overdue", date(2026, 12, 31)),    # November went by without one
    (date(2026, 11, 1), date(2026, 11, 30), "done", date(2026, 12, 31)),
    (date(2026, 12, 31), date(2026, 12, 31), "done", date(2027, 1, 31)),
    (None, DEC_1, "overdue", date(2026, 12, 31)),
])
def test_monthly_kinds_at_the_month_boundaries(held, today, state, next_due):
    line = plan("committee", "monthly", held, today)
    assert (line["state"], line["next_due_on"], line["is_overdue"]) == (state, next_due, state == "overdue")


@pytest.mark.parametrize(("held", "today", "state", "next_due"), [
    (date(2026, 9, 30), DEC_1, "due", date(2026, 12, 31)),         # Q3 held: Q4's is due
    (date(2026, 9, 30), date(2026, 12, 31), "due", date(2026, 12, 31)),
    (date(2026, 9, 30), date(2027, 1, 1), "overdue", date(2027, 3, 31)),  # Q4 went by
    (date(2026, 6, 30), DEC_1, "overdue", date(2026, 12, 31)),
    (date(2026, 10, 1), DEC_1, "done", date(2027, 3, 31)),
])
def test_quarterly_kinds_at_the_quarter_boundaries(held, today, state, next_due):
    line = plan("lesson", "quarterly", held, today)
    assert (line["state"], line["next_due_on"]) == (state, next_due)


def test_yearly_life_meeting_and_the_themed_party_day():
    assert plan("life_meeting", "yearly", date(2025, 12, 20), DEC_1)["state"] == "due"
    assert plan("life_meeting", "yearly", date(2024, 12, 20), DEC_1)["state"] == "overdue"
    assert plan("life_meeting", "yearly", date(2026, 11, 20), DEC_1)["next_due_on"] == date(2027, 12, 31)
    # The party day is due on the branch's day of the month and overdue the day after.
    assert plan("party_day", "monthly", date(2026, 11, 15), date(2026, 12, 15))["state"] == "due"
    line = plan("party_day", "monthly", date(2026, 11, 15), date(2026, 12, 16))
    assert (line["state"], line["next_due_on"]) == ("overdue", date(2026, 12, 15))
    assert plan("party_day", "monthly", date(2026, 12, 15), date(2026, 12, 16))["next_due_on"] == date(2027, 1, 15)
    assert plan("party_day", "monthly", date(2027, 1, 31), date(2027, 2, 1), 31)["next_due_on"] == date(2027, 2, 28)


def test_held_means_date_passed_with_attendance_or_minutes_and_not_cancelled(w):
    wang, b1 = w["wang"], w["b1"]
    hold(wang, b1, "committee", date(2026, 11, 10))                                  # nothing recorded
    cancelled = hold(wang, b1, "group", date(2026, 11, 12), present=[w["an"]])
    cancel_meeting(wang, cancelled, "下雨", now=at(date(2026, 11, 13)))
    hold(wang, b1, "lesson", date(2026, 12, 5), present=[w["an"]])                   # after "today"
    hold(wang, b1, "general_meeting", date(2026, 10, 20), minutes=True)              # minutes only
    hold(wang, b1, "party_day", date(2026, 11, 15), present=[w["bo"]])
    lines = compliance([b1.id], DEC_1)[b1.id]
    assert [line["kind"] for line in lines] == ["general_meeting", "committee", "group", "lesson", "party_day",
                                                "life_meeting"]
    assert _line(lines, "committee")["last_held_on"] is None
    assert _line(lines, "group")["last_held_on"] is None
    assert _line(lines, "lesson")["last_held_on"] is None
    assert _line(lines, "general_meeting")["state"] == "done"
    assert _line(lines, "party_day")["last_held_on"] == date(2026, 11, 15)
    assert _line(lines, "party_day")["state"] == "due"


def test_the_party_lesson_frequency_and_party_day_are_per_branch(w):
    db.session.add(LifeSettings(branch_id=w["b1"].id, lesson_frequency="monthly", party_day=5))
    db.session.commit()
    hold(w["wang"], w["b1"], "lesson", date(2026, 10, 20), present=[w["an"]])
    lines = compliance([w["b1"].id, w["b2"].id], DEC_1)
    assert _line(lines[w["b1"].id], "lesson")["state"] == "overdue"  # monthly here: November went by
    assert _line(lines[w["b1"].id], "party_day")["next_due_on"] == date(2026, 12, 5)
    assert _line(lines[w["b2"].id], "party_day")["next_due_on"] == date(2026, 12, 15)


def test_compliance_costs_the_same_statements_for_2_and_40_branches(w):
    branches = [Branch(street_id=w["street"].id, name=f"支部{i}") for i in range(38)]
    db.session.add_all(branches)
    db.session.commit()
    two, forty = [w["b1"].id, w["b2"].id], [w["b1"].id, w["b2"].id, *[b.id for b in branches]]
    counted = []

    def listener(*_args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        compliance(two, DEC_1)
        few = len(counted)
        compliance(forty, DEC_1)
        many = len(counted) - few
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert few == many == 2


# ------------------------------------------------------------------------------- quorum and resolutions
def _general_meeting(w, present):
    return hold(w["wang"], w["b1"], "general_meeting", date(2026, 11, 20), present=present)


def test_general_meeting_quorum_counts_full_current_members_only(w):
    # 4 full current members (王, 安, 博, 蔡); 杜 is probationary; 尔 left the branch.
    exactly_half = _general_meeting(w, [w["wang"], w["an"], w["du"]])
    counted = quorum(exactly_half)
    assert (counted.entitled, counted.present, counted.is_met) == (4, 2, False)
    half_plus_one = _general_meeting(w, [w["wang"], w["an"], w["bo"]])
    assert quorum(half_plus_one).is_met is True
    invited = set(db.session.scalars(select(MeetingInvitee.person_id).where(
        MeetingInvitee.meeting_id == half_plus_one.id)))
    assert w["er"].id not in invited and w["du"].id in invited


def test_a_full_member_left_off_the_invitations_still_counts_for_the_quorum(w):
    meeting = create_meeting(w["wang"], "general_meeting", w["b1"].id, {
        "title": "党员大会", "starts_at": at(date(2026, 11, 20)), "ends_at": at(date(2026, 11, 20), 21),
        "place": "服务中心"}, now=at(date(2026, 11, 21)))
    for person in (w["wang"], w["an"]):
        invite(w["wang"], meeting, person.id)
    from community.meetings.records import record_attendance

    record_attendance(w["wang"], meeting, {w["wang"].id: ("present", ""), w["an"].id: ("present", "")})
    assert (quorum(meeting).entitled, quorum(meeting).is_met) == (4, False)


def test_a_resolution_needs_yes_from_more_than_half_of_those_entitled(w):
    meeting = _general_meeting(w, [w["wang"], w["an"], w["bo"], w["cai"], w["du"]])
    assert quorum(meeting).present == 4  # the probationary member is present but has no vote
    half = add_resolution(w["wang"], meeting, {"text": "同意接收转入党员", "votes_yes": 2, "votes_no": 2})
    more = add_resolution(w["wang"], meeting, {"text": "通过年度工作计划", "votes_yes": 3, "votes_no": 1})
    assert (half.is_passed, more.is_passed) == (False, True)
    with pytest.raises(DomainError):  # five votes, four voting members present
        add_resolution(w["wang"], meeting, {"text": "多计一票", "votes_yes": 5})


def test_minutes_of_a_cancelled_meeting_are_refused_with_a_clear_message(w, client):
    meeting = hold(w["wang"], w["b1"], "lesson", date(2026, 11, 20))
    cancel_meeting(w["wang"], meeting, "场地临时不可用", now=at(date(2026, 11, 19)))
    db.session.commit()
    from community.meetings.records import record_minutes

    with pytest.raises(DomainError, match="取消|cancelled"):
        record_minutes(w["wang"], meeting, {"topics": "党课"})
    db.session.rollback()
    login(client, w["wang"])
    response = client.post(f"/meetings/{meeting.id}/minutes", data={"topics": "党课", "chair_id": 0,
                                                                  "recorder_id": 0}, follow_redirects=True)
    assert "已取消" in response.get_data(as_text=True)
    assert db.session.get(type(meeting), meeting.id).minutes_at is None


# ------------------------------------------------------------------------------- home, pages, API
def test_secretary_wang_sees_on_the_1st_the_committee_due_and_the_lesson_overdue(w, app):
    hold(w["wang"], w["b1"], "committee", date(2026, 11, 10), present=[w["wang"]])
    hold(w["wang"], w["b1"], "lesson", date(2026, 6, 10), present=[w["an"]])
    with app.test_request_context():
        cards = home_cards(w["wang"], DEC_1)
        others = home_cards(w["li"], DEC_1)
    titles = [c["title"] for c in cards]
    assert any("支委会" in t and "2026年12月31日" in t for t in titles), titles
    lesson = next(c for c in cards if "党课" in c["title"])
    assert "逾期" in lesson["title"]
    assert lesson["url"] == f"/meetings/new?kind=lesson&scope_id={w['b1'].id}"
    assert all(w["b2"].name not in c["body"] for c in cards)
    assert others and all(w["b1"].name not in c["body"] for c in others)  # another branch's secretary


def test_the_schedule_link_opens_the_meeting_form_with_kind_and_branch_filled_in(w, client):
    login(client, w["wang"])
    page = client.get(f"/meetings/new?kind=lesson&scope_id={w['b1'].id}").get_data(as_text=True)
    assert f'<option selected value="{w["b1"].id}">' in page or f'value="{w["b1"].id}" selected' in page


def test_a_secretary_of_another_branch_sees_nothing(w, client):
    login(client, w["li"])
    assert client.get(f"/admin/branches/{w['b1'].id}/life").status_code == 403
    count, board = count_statements(client, "/admin/branches/compliance")
    assert w["b2"].name in board and w["b1"].name not in board
    headers = token_for(client, w["li"])
    assert client.get(f"/api/v1/branches/{w['b1'].id}/compliance", headers=headers).status_code == 403


def test_branch_page_board_and_api(w, client):
    hold(w["wang"], w["b1"], "lesson", date(2026, 11, 10), present=[w["an"]])
    login(client, w["wang"])
    page = client.get(f"/admin/branches/{w['b1'].id}/life").get_data(as_text=True)
    assert "党课" in page and f"/meetings/new?kind=committee&amp;scope_id={w['b1'].id}" in page
    response = client.get(f"/api/v1/branches/{w['b1'].id}/compliance", headers=token_for(client, w["wang"]))
    assert response.status_code == 200
    kinds = {line["kind"]: line for line in response.json["kinds"]}
    assert kinds["lesson"]["last_held_on"] == "2026-11-10" and set(kinds) >= {"general_meeting", "life_meeting"}
    assert client.get("/api/v1/branches/99999/compliance", headers=token_for(client, w["wang"])).status_code in (
        403, 404)


def test_street_board_statement_count_is_flat_with_branches(w, client):
    admin = make_person(w["community"], name="街道管理员")
    grant(admin, "street_admin", "street", w["street"].id)
    login(client, admin)
    db.session.commit()  # as after adding the branches below: the signed-in person is loaded again
    few, page = count_statements(client, "/admin/branches/compliance")
    assert w["b1"].name in page and w["b2"].name in page
    db.session.add_all([Branch(street_id=w["street"].id, name=f"新支部{i}") for i in range(30)])
    db.session.commit()
    many, page = count_statements(client, "/admin/branches/compliance")
    assert "新支部29" in page and many == few


def test_the_board_goes_one_street_at_a_time_in_pages_of_bounded_size(w, client, monkeypatch):
    from branches import life_views

    monkeypatch.setattr(life_views, "BOARD_PAGE", 10)
    login(client, make_admin())
    other = make_street("丹东街道")
    db.session.add_all([Branch(street_id=w["street"].id, name=f"支部{i:02d}") for i in range(13)])
    db.session.add(Branch(street_id=other.id, name="丹东流动党支部"))
    db.session.commit()
    url = f"/admin/branches/compliance?street={w['street'].id}"
    client.get(url)
    few, first = count_statements(client, url)
    assert first.count("data-branch=") == 10 and "1 / 2" in first and "丹东流动党支部" not in first
    assert "丹东街道 (1)" in first  # the other street is one tap away
    many, second = count_statements(client, url + "&page=2")
    assert second.count("data-branch=") == 5 and many == few  # 15 branches: 10 and 5
    _count, theirs = count_statements(client, f"/admin/branches/compliance?street={other.id}")
    assert "丹东流动党支部" in theirs and theirs.count("data-branch=") == 1


# ------------------------------------------------------------------------------- reminders
def test_life_reminders_go_to_the_secretary_once_per_branch_kind_and_period(w):
    hold(w["wang"], w["b1"], "committee", date(2026, 11, 10), present=[w["wang"]])
    created = remind_life(DEC_1, now=at(DEC_1, 8))
    assert created > 0 and remind_life(DEC_1, now=at(DEC_1, 8)) == 0
    assert remind_life(date(2026, 12, 2), now=at(date(2026, 12, 2), 8)) == 0  # same periods, nothing new
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == LIFE)).all()
    occasions = {(r.subject, r.occasion, r.recipient_id) for r in rows}
    assert (f"branch:{w['b1'].id}", "committee:due:2026-12", w["wang"].id) in occasions
    assert (f"branch:{w['b1'].id}", "lesson:overdue:2026-Q4", w["wang"].id) in occasions
    assert {r.recipient_id for r in rows} == {w["wang"].id, w["li"].id}
    assert all(r.subject == f"branch:{w['b2'].id}" for r in rows if r.recipient_id == w["li"].id)
    # January: the committee's December went by, so it becomes overdue once, and the next period is due.
    jan = remind_life(date(2027, 1, 1), now=at(date(2027, 1, 1), 8))
    assert jan > 0
    keys = {r.occasion for r in db.session.scalars(select(Reminder).where(
        Reminder.kind == LIFE, Reminder.subject == f"branch:{w['b1'].id}"))}
    assert "committee:overdue:2027-01" in keys and "lesson:overdue:2027-Q1" in keys


def test_a_branch_meeting_s_members_get_their_meeting_reminders(w):
    from community.meetings.records import invite_members

    meeting = create_meeting(w["wang"], "general_meeting", w["b1"].id, {
        "title": "第四季度党员大会", "starts_at": at(date(2026, 12, 20)), "ends_at": at(date(2026, 12, 20), 21),
        "place": "服务中心"}, now=at(DEC_1))
    invite_members(w["wang"], meeting, now=at(DEC_1))
    db.session.commit()
    recipients = set(db.session.scalars(select(Reminder.recipient_id).where(
        Reminder.kind == "meeting_reminder", Reminder.subject == meeting.subject)))
    assert recipients == {w[n].id for n in ("wang", "an", "bo", "cai", "du")}  # not 尔, who left


def test_the_secretary_sets_the_lesson_frequency_and_party_day_with_errors_beside_fields(w, client):
    login(client, w["wang"])
    refused = client.post(f"/admin/branches/{w['b1'].id}/life/settings",
                          data={"lesson_frequency": "weekly", "party_day": "32"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="party_day-error"' in page and 'value="32"' in page
    assert db.session.get(LifeSettings, w["b1"].id) is None
    done = client.post(f"/admin/branches/{w['b1'].id}/life/settings",
                       data={"lesson_frequency": "monthly", "party_day": "8"})
    assert done.status_code == 302
    lines = compliance([w["b1"].id], DEC_1)[w["b1"].id]
    assert _line(lines, "lesson")["frequency"] == "monthly"
    assert _line(lines, "party_day")["next_due_on"] == date(2026, 12, 8)
    client.post("/logout")
    login(client, w["li"])
    assert client.post(f"/admin/branches/{w['b1'].id}/life/settings",
                       data={"lesson_frequency": "yearly", "party_day": "1"}).status_code == 403
