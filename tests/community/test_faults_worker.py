"""A queue worker killed in the middle of a dispatch loses and duplicates nothing (issue #14, point 3).

The real consumer (`flask worker`, a subprocess on an SQLite queue in a tmp folder, the test's database) runs a
dispatch pass of webhook reminders. The gateway (a local HTTP server) answers two messages and holds the third
open; while it is held the worker is killed with SIGKILL. The messages it had claimed stay `sending`: a worker
started again leaves them alone within the sending lease and, after it, sends them again under the same
idempotency key. So every reminder is recorded sent once, the gateway receives every key, and the only message
it sees twice is the one the dead worker was sending, under its one key (which a gateway drops as a retry).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import ROOT, create_app, db
from community.background import enqueue
from community.reminders.digest import KIND
from community.reminders.models import Notification, Reminder, ReminderPreference
from community.reminders.services import schedule
from tests.community.reminders.conftest import T0, make_people
from tests.community.reminders.servers import Webhook

PEOPLE = 6


@pytest.fixture
def queued_app(app, tmp_path):
    """The test's app as gunicorn would run it: jobs go to an SQLite queue file (no immediate mode)."""
    second = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"], "INSTANCE_PATH": app.instance_path,
        "TASK_QUEUE_FILE": str(tmp_path / "queue.db"), "SERVER_NAME": None,
    })
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


class Worker:
    """`flask worker -w 1` in its own process group, pointed at a webhook gateway."""

    def __init__(self, application, webhook_url: str):
        config = application.config
        self.log = Path(config["TASK_QUEUE_FILE"]).with_suffix(".log")
        self.env = dict(os.environ, DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=config["SECRET_KEY"],
                        TONGXIN_INSTANCE=application.instance_path, TASK_QUEUE_FILE=config["TASK_QUEUE_FILE"],
                        WEBHOOK_URL=webhook_url, WEBHOOK_TIMEOUT="120", QUIET_HOURS_START="00:00",
                        QUIET_HOURS_END="00:00")
        self.env.pop("REDIS_URL", None)
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "-w", "1"],
                                        cwd=ROOT, env=self.env, stdout=self.log.open("ab"),
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or a power cut would: nothing runs after it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process:
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@pytest.fixture
def gateway():
    # Two answered, the third held open (longer than the test waits), then every later one answered.
    with Webhook(["ok", "ok", "hang", "ok"], hang_seconds=120) as hook:
        yield hook


def states() -> dict:
    db.session.remove()
    rows = db.session.execute(select(Reminder.channel, Reminder.state, func.count())
                              .group_by(Reminder.channel, Reminder.state)).all()
    db.session.remove()
    return {(channel, state): n for channel, state, n in rows}


def wait_until(condition, worker: Worker, seconds: float = 120, what: str = ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.output()}"
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}; worker log:\n{worker.output()}")


def dispatch_at(queued_app, moment) -> None:
    """What the scheduler does every minute: put a dispatch pass on the queue."""
    with queued_app.app_context():
        enqueue("reminders.dispatch", moment.isoformat())
        db.session.remove()


def test_a_worker_killed_mid_dispatch_loses_and_doubles_nothing(queued_app, gateway, places):
    people = make_people(PEOPLE)
    db.session.add_all(ReminderPreference(person_id=p, kind=KIND, channel="webhook", is_enabled=True)
                       for p in people)
    db.session.commit()
    items = {p: {"items": [{"label": "待审批的申请", "count": 1, "url": "/"}]} for p in people}
    schedule(KIND, "faults", "2026-12-03", people, T0, payloads=items)
    db.session.commit()
    keys = set(db.session.scalars(select(Reminder.key).where(Reminder.channel == "webhook")))
    db.session.remove()

    first = Worker(queued_app, gateway.url)
    first.start()
    try:
        dispatch_at(queued_app, T0)
        wait_until(lambda: len(gateway.requests) == 3, first, what="the third message to reach the gateway")
        first.kill()  # while the gateway holds the third message open
    finally:
        first.kill()
    assert first.process.returncode == -signal.SIGKILL
    after_kill = states()
    assert after_kill[("webhook", "sent")] == 2
    assert after_kill[("webhook", "sending")] == PEOPLE - 2  # claimed by the dead pass, not lost
    assert after_kill[("inbox", "sent")] == PEOPLE  # the inbox rows committed with their claim

    second = Worker(queued_app, gateway.url)
    second.start()
    try:
        dispatch_at(queued_app, T0 + timedelta(minutes=1))  # within the sending lease: nothing is sent again
        dispatch_at(queued_app, T0 + timedelta(minutes=6))  # after it: the dead pass's rows go again
        wait_until(lambda: states().get(("webhook", "sent")) == PEOPLE, second, what="every reminder sent")
    finally:
        second.kill()

    assert states() == {("webhook", "sent"): PEOPLE, ("inbox", "sent"): PEOPLE}
    assert gateway.delivered_keys() == keys  # every reminder reached the gateway
    sent_keys = [r["headers"]["Idempotency-Key"] for r in gateway.requests]
    assert len(sent_keys) == PEOPLE + 1  # one message twice: the one held open when the worker died
    twice = {key for key in sent_keys if sent_keys.count(key) > 1}
    assert len(twice) == 1 and sent_keys[2] in twice
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == PEOPLE  # inbox: once each
    db.session.remove()


def test_a_job_whose_worker_is_killed_is_failed_by_the_sweep_and_can_be_started_again(queued_app, places, tmp_path):
    """The real worker takes an upload check whose file never comes (a named pipe that is never written): the job
    is `running` when the worker is killed, stays so, and the sweep then fails it with a reason for its owner.
    (The test watches the pipe, not the job's row: on SQLite the job holds the database's write lock meanwhile.)"""
    from community.background import STALLED_AFTER, get_progress, start_job, sweep_stalled_jobs
    from community.database import utcnow
    from tests.factories import make_admin

    owner = make_admin().id
    db.session.commit()
    never_written = tmp_path / "upload.xlsx"
    os.mkfifo(never_written)
    worker = Worker(queued_app, "")
    worker.start()
    try:
        with queued_app.app_context():
            job_id = start_job(owner, "import_check", owner, str(never_written))
            db.session.remove()

        writer = []

        def reading() -> bool:
            """The job has opened the upload (the pipe has a reader): it is running, waiting for the file."""
            try:
                writer.append(os.open(never_written, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # ENXIO: nobody reads it yet
                return False
            return True

        wait_until(reading, worker, what="the job to start reading the upload")
        worker.kill()
    finally:
        worker.kill()
        for fd in writer:
            os.close(fd)
    db.session.remove()
    assert get_progress(job_id)["state"] == "running"  # the dead worker could not say otherwise
    assert sweep_stalled_jobs(utcnow() + STALLED_AFTER + timedelta(seconds=1)) == 1
    db.session.remove()
    progress = get_progress(job_id)
    assert progress["state"] == "failed" and "任务被中断" in progress["error"]
    db.session.remove()
    with queued_app.app_context():  # started again: a new job, queued for the next worker
        again = start_job(owner, "import_check", owner, str(tmp_path / "again.xlsx"))
        db.session.remove()
    assert get_progress(again)["state"] == "queued"
    db.session.remove()
