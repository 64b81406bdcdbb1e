"""Two (or more) dispatch passes at the same moment, each on its own connection: every reminder is sent once.
On PostgreSQL this proves the claim (a conditional UPDATE pending -> sending, SKIP LOCKED); SQLite has one
writer and proves little."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app import db
from community.reminders.dispatch import run_due
from community.reminders.models import Notification, Reminder, ReminderPreference
from community.reminders.services import schedule
from tests.community.reminders.conftest import T0, make_people
from tests.community.reminders.servers import Webhook


def _passes_at_once(app, n: int) -> list[dict]:
    db.session.close()  # SQLite: hold no write lock while the threads run
    barrier, results, lock = threading.Barrier(n), [], threading.Lock()

    def one_pass():
        with app.app_context():
            barrier.wait()
            counts = run_due(T0)
            db.session.remove()
        with lock:
            results.append(counts)

    threads = [threading.Thread(target=one_pass) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n
    return results


def test_simultaneous_passes_deliver_each_inbox_reminder_once(toy_kind, app, backend):
    people = make_people(2500 if backend == "postgresql" else 300)
    schedule("toy", "election:1", "voting_open", people, T0)
    db.session.commit()
    results = _passes_at_once(app, 4)
    assert sum(r["sent"] for r in results) == len(people)  # not one more: no pass sent what another claimed
    assert db.session.scalar(select(func.count()).select_from(Notification)) == len(people)
    assert db.session.scalar(select(func.count(func.distinct(Notification.reminder_id)))) == len(people)
    assert db.session.scalar(select(func.count()).where(Reminder.state != "sent")) == 0


def test_simultaneous_passes_call_the_webhook_once_per_reminder(toy_kind, app, backend, monkeypatch):
    people = make_people(60 if backend == "postgresql" else 20)
    db.session.add_all(ReminderPreference(person_id=p, kind="toy", channel="webhook", is_enabled=True)
                       for p in people)
    db.session.commit()
    schedule("toy", "meeting:4", "before:60", people, T0)
    db.session.commit()
    with Webhook(["ok"]) as hook:
        monkeypatch.setitem(app.config, "WEBHOOK_URL", hook.url)
        results = _passes_at_once(app, 4)
    assert sum(r["sent"] for r in results) == 2 * len(people)  # inbox and webhook rows
    assert len(hook.requests) == len(people) == len(hook.delivered_keys())


def test_simultaneous_producers_scheduling_the_same_reminders_make_each_once(toy_kind, app, backend):
    people = make_people(500 if backend == "postgresql" else 100)
    db.session.close()
    barrier, created, lock = threading.Barrier(4), [], threading.Lock()

    def produce():
        with app.app_context():
            barrier.wait()
            n = schedule("toy", "meeting:9", "before:1440", people, T0)  # commits: its own unit of work
            db.session.remove()
        with lock:
            created.append(n)

    threads = [threading.Thread(target=produce) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(created) == 4 and sum(created) == len(people)
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == len(people)
