"""Quiet hours (21:00–08:00 Asia/Shanghai by default): non-urgent e-mail and webhook messages wait until 08:00;
the inbox is silent, so it is delivered at once; urgent kinds go at once."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import db
from community.database import LOCAL_ZONE
from community.reminders.dispatch import quiet_until, run_due
from community.reminders.models import Reminder, ReminderPreference
from community.reminders.services import schedule
from tests.community.reminders.conftest import make_people
from tests.community.reminders.servers import Mailbox


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_ZONE).astimezone(UTC)


@pytest.mark.parametrize(("moment", "until"), [
    (local(2026, 12, 3, 21, 0), local(2026, 12, 4, 8, 0)),
    (local(2026, 12, 3, 23, 59), local(2026, 12, 4, 8, 0)),
    (local(2026, 12, 4, 0, 30), local(2026, 12, 4, 8, 0)),
    (local(2026, 12, 4, 7, 59), local(2026, 12, 4, 8, 0)),
    (local(2026, 12, 4, 8, 0), None),
    (local(2026, 12, 3, 20, 59), None),
    (local(2026, 12, 3, 12, 0), None),
])
def test_quiet_until_in_local_time(moment, until):
    assert quiet_until(moment) == until


def test_quiet_hours_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "QUIET_HOURS_START", "22:30")
    monkeypatch.setitem(app.config, "QUIET_HOURS_END", "07:00")
    assert quiet_until(local(2026, 12, 3, 22, 0)) is None
    assert quiet_until(local(2026, 12, 3, 22, 30)) == local(2026, 12, 4, 7, 0)
    monkeypatch.setitem(app.config, "QUIET_HOURS_START", "00:00")
    monkeypatch.setitem(app.config, "QUIET_HOURS_END", "00:00")
    assert quiet_until(local(2026, 12, 3, 23, 0)) is None  # no quiet hours at all


def test_at_night_email_waits_until_eight_the_inbox_and_urgent_kinds_go_at_once(toy_kind, app, monkeypatch):
    (person,) = make_people(1, email="wu@example.cn")
    for kind in ("toy", "toy_urgent"):
        db.session.add(ReminderPreference(person_id=person, kind=kind, channel="email", is_enabled=True))
    db.session.commit()
    night = local(2026, 12, 3, 22, 15)
    schedule("toy", "meeting:1", "changed", [person], night)
    schedule("toy_urgent", "meeting:1", "cancelled", [person], night)
    db.session.commit()
    with Mailbox() as mail:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", mail.port)
        counts = run_due(night)
        assert counts["held"] == 1 and counts["sent"] == 3  # two inbox rows and the urgent e-mail
        db.session.expire_all()
        held = db.session.scalar(select(Reminder).where(Reminder.kind == "toy", Reminder.channel == "email"))
        assert held.state == "pending" and held.next_try_at == local(2026, 12, 4, 8, 0) and held.attempts == 0
        assert len(mail.messages) == 1
        assert run_due(local(2026, 12, 4, 7, 59))["sent"] == 0
        assert run_due(local(2026, 12, 4, 8, 0))["sent"] == 1
        assert len(mail.messages) == 2


def test_a_reminder_due_in_the_evening_but_dispatched_at_night_waits_too(toy_kind, app, monkeypatch):
    (person,) = make_people(1)
    db.session.add(ReminderPreference(person_id=person, kind="toy", channel="webhook", is_enabled=True))
    db.session.commit()
    schedule("toy", "meeting:2", "before:60", [person], local(2026, 12, 3, 20, 30))
    db.session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_URL", "http://127.0.0.1:9/never-called")
    counts = run_due(local(2026, 12, 3, 21, 5))  # the pass after downtime falls in the quiet hours
    assert counts["held"] == 1 and counts["retrying"] == 0
