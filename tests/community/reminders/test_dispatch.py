"""The dispatch pass (community.reminders.dispatch.run_due): what is due goes out once, late if it still makes
sense, expired (visibly) if not; the inbox is written in batches, a few statements per pass."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from app import db
from community.reminders.dispatch import run_due
from community.reminders.models import Notification, Reminder
from community.reminders.services import schedule
from tests.community.reminders.conftest import T0, make_people, toy_render


def _states():
    db.session.expire_all()
    return dict(db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all())


def _notifications():
    db.session.expire_all()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_a_due_inbox_reminder_becomes_one_notification_once(toy_kind):
    alice, bob = make_people(2)
    schedule("toy", "meeting:12", "before:60", [alice, bob], T0, payload={"what": "支部大会"})
    schedule("toy", "meeting:12", "before:10", [alice], T0 + timedelta(hours=1))
    db.session.commit()
    assert run_due(T0 - timedelta(seconds=1))["sent"] == 0
    counts = run_due(T0)
    assert counts["sent"] == 2
    assert run_due(T0)["sent"] == 0 and run_due(T0 + timedelta(minutes=1))["sent"] == 0
    notes = _notifications()
    assert sorted(n.person_id for n in notes) == [alice, bob]
    assert notes[0].title == "提醒：支部大会" and notes[0].url == "/toy/meeting:12" and notes[0].read_at is None
    assert _states() == {"sent": 2, "pending": 1}
    sent = db.session.scalars(select(Reminder).where(Reminder.state == "sent")).all()
    assert all(r.sent_at == T0 and r.attempts == 1 for r in sent)


def test_after_downtime_due_reminders_go_out_late_and_expired_ones_say_so(toy_kind):
    (person,) = make_people(1)
    schedule("toy", "meeting:1", "before:1440", [person], T0, expires_at=T0 + timedelta(hours=23))
    schedule("toy", "meeting:1", "before:60", [person], T0 + timedelta(hours=22), expires_at=T0 + timedelta(hours=24))
    schedule("toy", "election:3", "roll_published", [person], T0)  # no expiry: still worth sending
    db.session.commit()
    counts = run_due(T0 + timedelta(hours=23, minutes=30))  # the server was down all day
    assert counts["expired"] == 1 and counts["sent"] == 2
    expired = db.session.scalar(select(Reminder).where(Reminder.state == "expired"))
    assert expired.occasion == "before:1440" and "过期" in expired.last_error
    assert len(_notifications()) == 2


def test_render_is_called_once_per_kind_for_a_batch(toy_kind):
    people = make_people(300)
    schedule("toy", "meeting:5", "before:60", people, T0)
    schedule("toy_urgent", "meeting:5", "cancelled", people, T0)
    db.session.commit()
    assert run_due(T0)["sent"] == 600
    assert sorted(toy_render.calls) == [300, 300]


def test_statements_per_pass_do_not_grow_with_rows(toy_kind):
    def statements_for(n: int) -> int:
        people = make_people(n) if n else []
        db.session.execute(Reminder.__table__.delete())
        schedule("toy", f"meeting:{n}", "before:60", people, T0)
        db.session.commit()
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert run_due(T0)["sent"] == n
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.execute(Notification.__table__.delete())
        db.session.execute(Reminder.__table__.delete())
        db.session.execute(db.metadata.tables["person"].delete())
        db.session.commit()
        return len(seen)

    small, large = statements_for(5), statements_for(400)
    assert large <= small + 1, (small, large)  # the notifications' INSERT may take one more page


def test_a_reminder_whose_object_is_gone_is_cancelled_with_the_reason(toy_kind):
    (person,) = make_people(1)
    schedule("toy", "meeting:9", "before:60", [person], T0, payload={"gone": True})
    db.session.commit()
    counts = run_due(T0)
    assert counts["cancelled"] == 1 and counts["sent"] == 0
    row = db.session.scalar(select(Reminder))
    assert row.state == "cancelled" and row.last_error


def test_a_kind_whose_render_fails_does_not_stop_the_others(toy_kind, app, monkeypatch):
    from community.registry import registry
    from community.reminders import ReminderKind

    def broken(_reminders):
        raise RuntimeError("bug in a producer")

    monkeypatch.setitem(registry(app).reminder_kinds, "toy_broken", ReminderKind(label="坏", render=broken))
    (person,) = make_people(1)
    schedule("toy_broken", "meeting:1", "before:60", [person], T0)
    schedule("toy", "meeting:1", "before:60", [person], T0)
    db.session.commit()
    counts = run_due(T0)
    assert counts["sent"] == 1 and counts["retrying"] == 1
    broken_row = db.session.scalar(select(Reminder).where(Reminder.kind == "toy_broken"))
    assert broken_row.state == "pending" and broken_row.next_try_at > T0 and broken_row.last_error


def test_a_render_whose_query_fails_or_whose_message_is_malformed_spoils_nothing_else(toy_kind, app, monkeypatch):
    from sqlalchemy import text

    from community.registry import registry
    from community.reminders import Message, ReminderKind

    def failing_query(_reminders):
        db.session.execute(text("SELECT * FROM no_such_table"))  # PostgreSQL: the transaction is now aborted

    def malformed(reminders):
        return {r.id: Message(title="", body="无标题") for r in reminders}

    kinds = registry(app).reminder_kinds
    monkeypatch.setitem(kinds, "toy_sql", ReminderKind(label="坏查询", render=failing_query))
    monkeypatch.setitem(kinds, "toy_malformed", ReminderKind(label="坏消息", render=malformed))
    (person,) = make_people(1)
    for kind in ("toy_sql", "toy_malformed", "toy"):
        schedule(kind, "meeting:1", "before:60", [person], T0)
    db.session.commit()
    counts = run_due(T0)
    assert (counts["sent"], counts["retrying"], counts["failed"]) == (1, 1, 1)
    assert [n.title for n in _notifications()] == ["提醒：开会"]


def test_a_row_left_sending_by_a_dead_pass_is_sent_after_the_lease(toy_kind):
    (person,) = make_people(1)
    schedule("toy", "meeting:1", "before:60", [person], T0)
    db.session.commit()
    row = db.session.scalar(select(Reminder))
    row.state, row.attempts, row.updated_at = "sending", 1, T0  # claimed by a pass that then died
    db.session.commit()
    assert run_due(T0 + timedelta(minutes=1))["sent"] == 0  # still within its lease: not doubled
    counts = run_due(T0 + timedelta(minutes=6))
    assert counts["reclaimed"] == 1 and counts["sent"] == 1
    assert len(_notifications()) == 1


def test_run_due_command_takes_a_local_time(toy_kind, runner):
    (person,) = make_people(1)
    schedule("toy", "meeting:1", "before:60", [person], T0)  # 10:00 Asia/Shanghai
    db.session.commit()
    db.session.close()
    early = runner.invoke(args=["reminders", "run-due", "--now", "2026-12-03T09:59"])
    assert early.exit_code == 0 and "sent=0" in early.output
    result = runner.invoke(args=["reminders", "run-due", "--now", "2026-12-03T10:00"])
    assert result.exit_code == 0 and "sent=1" in result.output, result.output
    bad = runner.invoke(args=["reminders", "run-due", "--now", "yesterday"])
    assert bad.exit_code != 0


def test_the_dispatch_task_runs_on_the_queue(toy_kind):
    from community.background import enqueue

    (person,) = make_people(1)
    schedule("toy", "meeting:1", "before:60", [person], T0)
    db.session.commit()
    db.session.close()
    enqueue("reminders.dispatch", (T0 + timedelta(minutes=1)).isoformat())  # immediate mode in tests
    assert len(_notifications()) == 1


def test_run_due_refuses_to_run_inside_a_unit_of_work(toy_kind):
    import pytest

    from community.database import unit_of_work

    with pytest.raises(RuntimeError), unit_of_work():
        run_due(T0)


def test_a_pass_dying_between_the_inbox_claim_and_its_commit_leaves_nothing_half_done(toy_kind, monkeypatch):
    """The inbox's claim (pending -> sent) and its notifications commit together: killed in between, neither
    happened, and the next pass delivers each once."""
    import pytest

    from community.reminders import dispatch

    class Crash(BaseException):
        pass

    people = make_people(3)
    schedule("toy", "meeting:1", "before:60", people, T0)
    db.session.commit()
    real = dispatch._record_problems

    def die_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise Crash()

    monkeypatch.setattr(dispatch, "_record_problems", die_after_writing)  # after the notifications' INSERT
    with pytest.raises(Crash):
        run_due(T0)
    db.session.rollback()
    assert _states() == {"pending": 3} and _notifications() == []
    monkeypatch.setattr(dispatch, "_record_problems", real)
    assert run_due(T0)["sent"] == 3 and run_due(T0)["sent"] == 0
    assert sorted(n.person_id for n in _notifications()) == sorted(people)
