"""Scheduling, 补录, moving and cancelling (reminders moved or cancelled, notices written), and the rules' checks."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.errors import DomainError, Forbidden
from community.meetings import records
from community.meetings.models import MeetingChange
from community.meetings.reminders import reminder_sentence, render_changes, render_reminders
from community.meetings.services import cancel_meeting, create_meeting, move_meeting
from community.reminders.models import Reminder
from tests.community.meetings.conftest import NOW, STARTS, when


def _reminders(meeting, kind="meeting_reminder"):
    return db.session.scalars(select(Reminder).where(Reminder.subject == f"meeting:{meeting.id}",
                                                     Reminder.kind == kind).order_by(Reminder.id)).all()


@pytest.fixture
def meeting(world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(world["secretary"], meeting, now=NOW)
    return meeting


def test_inviting_schedules_a_reminder_per_offset_and_invitee(world, meeting):
    rows = _reminders(meeting)
    assert len(rows) == 2 * 5  # 24 h and 1 h before, five invitees, the inbox
    assert {r.occasion for r in rows} == {"before:1440", "before:60"}
    assert {r.due_at for r in rows} == {STARTS - timedelta(minutes=1440), STARTS - timedelta(minutes=60)}
    assert {r.expires_at for r in rows} == {STARTS} and {r.state for r in rows} == {"pending"}


def test_the_reminder_says_full_date_weekday_time_and_place(world, meeting):
    assert reminder_sentence("支部党员大会", STARTS, "爵溪街道党群服务中心") == \
        "提醒：支部党员大会将于2026年12月5日（星期六）14:30在爵溪街道党群服务中心召开。"
    rows = _reminders(meeting)
    messages = render_reminders(rows)
    assert set(messages) == {r.id for r in rows}
    assert messages[rows[0].id].url == f"/meetings/{meeting.id}"


def test_a_late_entry_is_marked_and_sends_no_reminders(world):
    late = create_meeting(world["secretary"], "party_day", world["branch"].id, when(title="主题党日"),
                          now=STARTS + timedelta(days=1))
    records.invite_members(world["secretary"], late)
    assert late.is_late_entry is True and _reminders(late) == []


def test_moving_moves_the_reminders_records_the_change_and_tells_the_invitees(world, meeting):
    later = STARTS + timedelta(days=1)
    move_meeting(world["secretary"], meeting, {"starts_at": later, "ends_at": later + timedelta(hours=2),
                                               "place": "东门社区党群服务站", "reason": "场地冲突"}, now=NOW)
    assert {r.due_at for r in _reminders(meeting)} == {later - timedelta(minutes=1440), later - timedelta(minutes=60)}
    assert {r.expires_at for r in _reminders(meeting)} == {later}
    change, = db.session.scalars(select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)).all()
    assert (change.change, change.before["place"], change.after["place"], change.reason) == \
        ("moved", "爵溪街道党群服务中心", "东门社区党群服务站", "场地冲突")
    assert change.changed_by_id == world["secretary"].id
    notices = _reminders(meeting, "meeting_changed")
    assert len(notices) == 5 and {n.due_at for n in notices} == {NOW}
    body = render_changes(notices)[notices[0].id].body
    assert "2026年12月6日（星期日）14:30" in body and "东门社区党群服务站" in body and "场地冲突" in body


def test_cancelling_cancels_the_reminders_and_tells_the_invitees(world, meeting):
    cancel_meeting(world["secretary"], meeting, "台风预警", now=NOW)
    assert {r.state for r in _reminders(meeting)} == {"cancelled"}
    notices = _reminders(meeting, "meeting_changed")
    assert len(notices) == 5 and {n.occasion for n in notices} == {"cancelled"}
    assert "台风预警" in render_changes(notices)[notices[0].id].body
    with pytest.raises(DomainError):
        move_meeting(world["secretary"], meeting, {"place": "别处"})


def test_withdrawing_an_invitation_cancels_that_persons_reminders(world, meeting):
    records.uninvite(world["secretary"], meeting, world["full"][0].id)
    states = {(r.recipient_id, r.state) for r in _reminders(meeting)}
    assert (world["full"][0].id, "cancelled") in states and (world["full"][1].id, "pending") in states
    assert not any(r.recipient_id == world["full"][0].id and r.state == "pending" for r in _reminders(meeting))


def test_a_meeting_must_end_after_it_starts(world):
    with pytest.raises(DomainError) as refused:
        create_meeting(world["secretary"], "general_meeting", world["branch"].id,
                       when(ends_at=STARTS - timedelta(minutes=1)), now=NOW)
    assert refused.value.status == 422 and "ends_at" in refused.value.fields


def test_attendance_for_someone_not_invited_is_refused_by_name(world, meeting):
    with pytest.raises(DomainError) as refused:
        records.record_attendance(world["secretary"], meeting, {world["resident"].id: ("present", "")})
    assert "李晓" in refused.value.message and "not invited" not in refused.value.message  # Chinese by default
    assert f"person_{world['resident'].id}" in refused.value.fields


def test_a_leave_needs_its_reason(world, meeting):
    with pytest.raises(DomainError) as refused:
        records.record_attendance(world["secretary"], meeting, {world["full"][0].id: ("leave", " ")})
    assert f"reason_{world['full'][0].id}" in refused.value.fields


@pytest.mark.parametrize("who", ["other_secretary", "resident"])
def test_a_secretary_of_another_branch_or_a_resident_may_not_organise(world, meeting, who):
    with pytest.raises(Forbidden):
        create_meeting(world[who], "general_meeting", world["branch"].id, when(), now=NOW)
    for attempt in (lambda: move_meeting(world[who], meeting, {"place": "别处"}),
                    lambda: cancel_meeting(world[who], meeting, "不开了"),
                    lambda: records.invite(world[who], meeting, world[who].id),
                    lambda: records.record_attendance(world[who], meeting, {})):
        with pytest.raises(Forbidden):
            attempt()


def test_the_dispatch_delivers_the_reminder_and_expires_it_after_the_start(world, meeting):
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification

    run_due(STARTS - timedelta(minutes=1440))
    bodies = set(db.session.scalars(select(Notification.body).where(
        Notification.person_id == world["full"][0].id)))
    assert bodies == {"提醒：支部党员大会将于2026年12月5日（星期六）14:30在爵溪街道党群服务中心召开。"}
    run_due(STARTS + timedelta(minutes=5))  # the 1-hour reminder was never sent before the start
    states = {r.occasion: r.state for r in _reminders(meeting) if r.recipient_id == world["full"][0].id}
    assert states == {"before:1440": "sent", "before:60": "expired"}


def test_a_move_notice_not_yet_sent_when_the_meeting_is_cancelled_is_not_sent(world, meeting):
    """Moved, then cancelled before the move's notice went out (a webhook retrying, a pass not yet run): the
    invitees get the cancellation only, never "has moved: now on …" for a meeting that will not take place."""
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification

    later = STARTS + timedelta(days=1)
    move_meeting(world["secretary"], meeting, {"starts_at": later, "ends_at": later + timedelta(hours=2)}, now=NOW)
    cancel_meeting(world["secretary"], meeting, "台风预警", now=NOW + timedelta(minutes=1))
    run_due(NOW + timedelta(minutes=2))
    db.session.expire_all()
    bodies = list(db.session.scalars(select(Notification.body).where(Notification.person_id == world["full"][0].id)))
    assert len(bodies) == 1 and "取消" in bodies[0] and "台风预警" in bodies[0], bodies
    moved = [r for r in _reminders(meeting, "meeting_changed") if r.occasion.startswith("moved:")]
    assert {r.state for r in moved} == {"cancelled"}
    assert render_changes(moved) == {}  # one caught mid-send and retried later is not worded either


def test_each_offset_is_delivered_at_its_moment_and_not_a_minute_before(world, meeting):
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification

    def inbox():
        db.session.expire_all()
        return list(db.session.scalars(select(Notification.body).where(
            Notification.person_id == world["full"][1].id)))

    sentence = "提醒：支部党员大会将于2026年12月5日（星期六）14:30在爵溪街道党群服务中心召开。"
    for minutes, expected in ((1440, 1), (60, 2)):
        run_due(STARTS - timedelta(minutes=minutes + 1))
        assert len(inbox()) == expected - 1
        run_due(STARTS - timedelta(minutes=minutes))
        assert inbox() == [sentence] * expected
