"""Two organisers inviting at once: nobody is invited twice, nobody gets a reminder twice, nothing fails.
And the personal calendar feed's source: the meetings a person is invited to or organises."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.meetings import records
from community.meetings.calendar import calendar_events
from community.meetings.models import MeetingInvitee
from community.meetings.services import create_meeting
from community.people.models import Person
from community.reminders.models import Reminder
from tests.community.meetings.conftest import NOW, STARTS, when
from tests.factories import grant


def test_simultaneous_invitations_invite_each_member_once(app, world):
    grant(world["admin"], "street_admin", "street", world["street"].id)  # a second organiser of the branch
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    meeting_id, organisers = meeting.id, [world["secretary"].id, world["admin"].id]
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(2, timeout=30), [], threading.Lock()

    def worker(person_id):
        with app.app_context():
            from community.meetings.services import get_meeting

            actor, target = db.session.get(Person, person_id), get_meeting(meeting_id)
            db.session.commit()  # hold no transaction at the barrier (SQLite: BEGIN IMMEDIATE takes the lock)
            barrier.wait()
            try:
                result = records.invite_members(actor, target, now=NOW)
            except Exception as error:  # noqa: BLE001  (the test reports what went wrong)
                result = repr(error)
            db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(pid,)) for pid in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 5
    invited = db.session.scalar(select(func.count()).where(MeetingInvitee.meeting_id == meeting_id))
    reminders = db.session.scalar(select(func.count()).where(Reminder.subject == f"meeting:{meeting_id}"))
    assert (invited, reminders) == (5, 10)


def test_two_simultaneous_cancellations_cancel_once(app, world):
    """Two organisers cancelling at once: one cancellation recorded and notified, the other told it is done."""
    from community.meetings.models import MeetingChange

    grant(world["admin"], "street_admin", "street", world["street"].id)
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(world["secretary"], meeting, now=NOW)
    meeting_id, organisers = meeting.id, [world["secretary"].id, world["admin"].id]
    db.session.commit()
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(2, timeout=30), [], threading.Lock()

    def worker(person_id):
        from community.errors import DomainError
        from community.meetings.services import cancel_meeting, get_meeting

        with app.app_context():
            actor, target = db.session.get(Person, person_id), get_meeting(meeting_id)
            db.session.commit()
            barrier.wait()
            try:
                cancel_meeting(actor, target, "台风停课", now=NOW)
                result = "done"
            except DomainError as error:
                result = error.code
            db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(pid,)) for pid in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["cancelled", "done"], outcomes
    changes = db.session.scalar(select(func.count()).where(MeetingChange.meeting_id == meeting_id))
    audited = db.session.scalar(select(func.count()).where(AuditEntry.action == "meeting.cancel"))
    assert (changes, audited) == (1, 1)


def test_the_calendar_source_gives_invited_and_organised_meetings(world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite(world["secretary"], meeting, world["full"][0].id, now=NOW)
    window = (STARTS - timedelta(days=1), STARTS + timedelta(days=1))
    for person in (world["secretary"], world["full"][0]):
        event, = calendar_events(person.id, *window)
        assert event.uid == f"meeting-{meeting.id}@tongxin" and event.location == "爵溪街道党群服务中心"
    assert calendar_events(world["resident"].id, *window) == []
    assert calendar_events(world["other_secretary"].id, *window) == []
    assert calendar_events(world["secretary"].id, STARTS + timedelta(days=2), STARTS + timedelta(days=3)) == []


def test_the_personal_feed_carries_the_real_meetings_a_move_and_a_cancellation(world):
    """Through the registered source (no stand-in): an invitee's feed has the meeting at its moved place, and a
    cancelled one as CANCELLED (so phones drop it); someone not invited sees neither."""
    from icalendar import Calendar

    from community.meetings.services import cancel_meeting, move_meeting
    from community.reminders.feed import ics

    held = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    called_off = create_meeting(world["secretary"], "lesson", world["branch"].id,
                                when(title="专题党课", starts_at=STARTS + timedelta(days=7),
                                     ends_at=STARTS + timedelta(days=7, hours=1)), now=NOW)
    for meeting in (held, called_off):
        records.invite(world["secretary"], meeting, world["full"][0].id, now=NOW)
    move_meeting(world["secretary"], held, {"place": "东门社区党群服务站"}, now=NOW)
    cancel_meeting(world["secretary"], called_off, "讲师生病", now=NOW)
    events = {str(e["UID"]): e for e in Calendar.from_ical(ics(world["full"][0], "http://x/", now=NOW))
              .walk("VEVENT")}
    moved, gone = events[f"meeting-{held.id}@tongxin"], events[f"meeting-{called_off.id}@tongxin"]
    assert (str(moved["LOCATION"]), str(moved["STATUS"]), moved.decoded("DTSTART")) == \
        ("东门社区党群服务站", "CONFIRMED", STARTS)
    assert str(gone["STATUS"]) == "CANCELLED" and str(moved["URL"]) == f"http://x/meetings/{held.id}"
    assert Calendar.from_ical(ics(world["resident"], "http://x/", now=NOW)).walk("VEVENT") == []
