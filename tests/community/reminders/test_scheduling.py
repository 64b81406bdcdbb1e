"""Scheduling API (community.reminders.services): one row per recipient and channel, never twice; move and
cancel touch only what is still pending; a few statements for any number of recipients."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app import db
from community.reminders.models import Reminder, ReminderPreference
from community.reminders.services import cancel, move, notify, schedule
from tests.community.reminders.conftest import T0, make_people


def _rows(**where):
    db.session.expire_all()
    return db.session.scalars(select(Reminder).filter_by(**where).order_by(Reminder.id)).all()


class _Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def test_schedule_makes_one_inbox_row_per_recipient_and_the_chosen_channels(toy_kind):
    alice, bob = make_people(2)
    db.session.add(ReminderPreference(person_id=bob, kind="toy", channel="email", is_enabled=True))
    db.session.add(ReminderPreference(person_id=alice, kind="toy", channel="webhook", is_enabled=False))
    db.session.commit()
    created = schedule("toy", "meeting:12", "before:1440", [alice, bob, bob], T0, payload={"what": "支部会"})
    db.session.commit()
    assert created == 3
    rows = _rows()
    assert sorted((r.recipient_id, r.channel) for r in rows) == [(alice, "inbox"), (bob, "email"), (bob, "inbox")]
    row = rows[0]
    assert row.key == f"toy|meeting:12|before:1440|{row.recipient_id}|{row.channel}"
    assert row.state == "pending" and row.due_at == T0 and row.payload == {"what": "支部会"} and row.attempts == 0


def test_scheduling_the_same_reminder_again_adds_nothing(toy_kind):
    people = make_people(3)
    assert schedule("toy", "meeting:12", "before:60", people[:2], T0) == 2
    assert schedule("toy", "meeting:12", "before:60", people, T0 + timedelta(hours=1)) == 1
    db.session.commit()
    rows = _rows()
    assert len(rows) == 3 and rows[0].due_at == T0  # the existing row is left as it was


def test_schedule_refuses_an_unknown_kind_and_naive_times(toy_kind):
    with pytest.raises(KeyError):
        schedule("no_such_kind", "meeting:1", "x", [1], T0)
    with pytest.raises(ValueError):
        schedule("toy", "meeting:1", "x", [1], T0.replace(tzinfo=None))
    assert schedule("toy", "meeting:1", "x", [], T0) == 0


def test_schedule_rolls_back_with_its_callers_unit_of_work(toy_kind):
    from community.database import unit_of_work

    people = make_people(2)
    with pytest.raises(RuntimeError), unit_of_work():
        schedule("toy", "meeting:1", "before:60", people, T0)
        raise RuntimeError("the producer's change failed")
    assert _rows() == []


def test_schedule_for_many_recipients_is_a_few_statements(toy_kind):
    people = make_people(3000)
    counter = _Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        created = schedule("toy", "election:3", "voting_open", people, T0)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert created == 3000
    assert counter.count <= 6, counter.count  # preferences + the INSERT (in pages of rows), not one per person


def test_notify_is_due_now(toy_kind):
    (person,) = make_people(1)
    assert notify("toy", "election:3", "roll_published", [person], now=T0) == 1
    db.session.commit()
    assert _rows()[0].due_at == T0


def test_move_changes_only_pending_rows_of_the_subject_and_occasion(toy_kind):
    people = make_people(2)
    schedule("toy", "meeting:12", "before:1440", people, T0)
    schedule("toy", "meeting:12", "before:60", people, T0 + timedelta(hours=23))
    schedule("toy", "meeting:13", "before:60", people, T0)
    db.session.commit()
    first = _rows(subject="meeting:12", occasion="before:1440")[0]
    first.state, first.sent_at = "sent", T0
    db.session.commit()
    later = T0 + timedelta(days=2)
    assert move("meeting:12", occasion="before:1440", due_at=later, payload={"what": "改期"}) == 1
    db.session.commit()
    rows = _rows(subject="meeting:12", occasion="before:1440")
    assert [(r.state, r.due_at) for r in rows] == [("sent", T0), ("pending", later)]
    assert rows[1].payload == {"what": "改期"}
    assert move("meeting:12", due_delta=timedelta(hours=2), expires_at=later) == 3
    db.session.commit()
    assert [r.due_at for r in _rows(subject="meeting:12", occasion="before:60")] == [T0 + timedelta(hours=25)] * 2
    assert all(r.expires_at == later for r in _rows(subject="meeting:12", state="pending"))
    assert [r.due_at for r in _rows(subject="meeting:13")] == [T0, T0]


def test_cancel_cancels_pending_rows_only(toy_kind):
    alice, bob = make_people(2)
    schedule("toy", "meeting:12", "before:1440", [alice, bob], T0)
    schedule("toy", "meeting:12", "before:60", [alice, bob], T0)
    db.session.commit()
    sent = _rows(occasion="before:60", recipient_id=alice)[0]
    sent.state = "sent"
    db.session.commit()
    assert cancel("meeting:12", occasion="before:1440", recipient_ids=[bob]) == 1
    assert cancel("meeting:12") == 2
    db.session.commit()
    states = db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
    assert dict(states) == {"cancelled": 3, "sent": 1}
    assert cancel("meeting:12") == 0
