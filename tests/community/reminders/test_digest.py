"""The approvals digest: on Chinese working days only (调休 Saturdays and Sundays on, holidays off; Monday–Friday
for a year the calendar package does not know), one reminder per person per day, due 09:00 local."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import db
from community.database import LOCAL_ZONE
from community.registry import registry
from community.reminders.digest import approvals_digest, calendar_is_known, is_working_day
from community.reminders.dispatch import run_due
from community.reminders.models import Notification, Reminder
from tests.community.reminders.conftest import make_people


def at(day: str, hour: int = 6) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=LOCAL_ZONE).astimezone(UTC)


@pytest.fixture
def waiting(app, monkeypatch):
    """Two approval sources: points for two people, redemptions for one of them."""
    alice, bob = make_people(2)
    calls = []

    def points():
        calls.append("points")
        return [(alice, "积分申请", 2, "/volunteers/points/pending"), (bob, "积分申请", 1, "/volunteers/points")]

    def redemptions():
        return [(alice, "兑换申请", 1, "/volunteers/redemptions"), (bob, "兑换申请", 0, "")]

    monkeypatch.setattr(registry(app), "approval_sources", [points, redemptions])
    return alice, bob, calls


@pytest.mark.parametrize(("day", "working"), [
    ("2026-01-04", True),    # a Sunday worked in exchange for the New Year holiday (调休)
    ("2026-02-14", True),    # a swapped working Saturday before the Spring Festival
    ("2026-10-01", False),   # National Day, a Thursday
    ("2026-12-05", False),   # an ordinary Saturday
    ("2026-12-07", True),    # an ordinary Monday
    ("2027-01-04", True),    # a Monday of a year the package does not know: Monday–Friday
    ("2027-01-09", False),   # a Saturday of that year
])
def test_working_days(day, working):
    assert is_working_day(date.fromisoformat(day)) is working


def test_calendar_is_known_says_when_the_package_lacks_the_year():
    assert calendar_is_known(date(2026, 12, 3))
    assert not calendar_is_known(date(2027, 1, 4))


def test_on_a_swapped_working_sunday_each_person_gets_one_digest_due_at_nine(waiting):
    alice, bob, _calls = waiting
    assert approvals_digest(at("2026-01-04")) == 2
    assert approvals_digest(at("2026-01-04", 10)) == 0  # a second run the same day adds nothing
    db.session.expire_all()
    rows = db.session.scalars(select(Reminder).order_by(Reminder.recipient_id)).all()
    assert [(r.recipient_id, r.occasion, r.channel) for r in rows] == [(alice, "2026-01-04", "inbox"),
                                                                     (bob, "2026-01-04", "inbox")]
    assert rows[0].due_at == datetime(2026, 1, 4, 9, 0, tzinfo=LOCAL_ZONE)
    assert [i["count"] for i in rows[0].payload["items"]] == [2, 1]
    assert [i["label"] for i in rows[1].payload["items"]] == ["积分申请"]  # a zero count is left out
    assert run_due(at("2026-01-04", 9))["sent"] == 2
    note = db.session.scalar(select(Notification).where(Notification.person_id == alice))
    assert note.title == "有 3 项待您审批" and "积分申请：2" in note.body and note.url == "/volunteers/points/pending"


@pytest.mark.parametrize("day", ["2026-10-01", "2026-12-05", "2027-01-09"])
def test_no_digest_on_holidays_and_weekends(waiting, day):
    _alice, _bob, calls = waiting
    assert approvals_digest(at(day)) == 0
    assert calls == []  # the sources are not even asked
    assert db.session.scalar(select(Reminder.id)) is None


@pytest.mark.parametrize("day", ["2026-02-14", "2026-02-28"])  # the Saturdays worked for the Spring Festival
def test_on_a_swapped_working_saturday_the_digest_goes_out_at_nine(waiting, day):
    alice, bob, _calls = waiting
    assert approvals_digest(at(day)) == 2
    assert run_due(at(day, 8))["sent"] == 0  # due 09:00, not before
    assert run_due(at(day, 9))["sent"] == 2
    assert approvals_digest(at("2026-02-17")) == 0  # the Spring Festival itself, a Tuesday: a holiday


def test_in_an_unknown_year_the_digest_runs_monday_to_friday(waiting):
    assert approvals_digest(at("2027-01-04")) == 2


def test_the_digest_task_runs_on_the_queue(waiting):
    from community.background import enqueue

    db.session.close()
    enqueue("reminders.approvals_digest", at("2026-12-07").isoformat())
    assert len(db.session.scalars(select(Reminder)).all()) == 2


def test_the_digest_command_takes_a_local_time(waiting, runner):
    db.session.close()
    saturday = runner.invoke(args=["reminders", "digest", "--now", "2026-12-05T09:30"])  # an ordinary Saturday
    assert saturday.exit_code == 0 and "scheduled=0" in saturday.output, saturday.output
    swapped = runner.invoke(args=["reminders", "digest", "--now", "2026-02-14T09:30"])
    assert swapped.exit_code == 0 and "scheduled=2" in swapped.output, swapped.output
    assert runner.invoke(args=["reminders", "digest", "--now", "soon"]).exit_code != 0
