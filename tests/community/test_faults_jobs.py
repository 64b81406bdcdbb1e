"""Jobs and schedulers whose process died (issue #14, point 3).

- A job left `running` by a worker killed hard is marked failed by the sweep (queued by the scheduler every five
  minutes) once it has not reported progress for JOB_STALLED_MINUTES, with a reason its owner reads; the owner
  starts it again. A job that was only slow and finishes after the sweep is recorded done after all.
- A scheduler killed after queueing a dispatch pass keeps its lease until it expires; another scheduler then
  takes over, and the two passes together send each reminder once.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app import db
from community.background import STALLED_AFTER, Job, get_progress, start_job, sweep_stalled_jobs
from community.database import utcnow
from community.registry import registry
from community.reminders import scheduler as scheduler_module
from community.reminders.digest import KIND
from community.reminders.models import Notification, Reminder
from community.reminders.scheduler import LEASE_SECONDS, build_scheduler, take_lease
from community.reminders.services import schedule
from tests.community.reminders.conftest import T0, make_people
from tests.factories import PASSWORD

ADMIN_SCOPE = "platform"
INTERRUPTED = "任务被中断"


def add_job(owner, job_id: str, state: str, quiet_for: timedelta) -> None:
    """A job as a worker left it: last progress `quiet_for` ago."""
    moment = utcnow() - quiet_for
    db.session.add(Job(id=job_id, owner_id=owner.id, kind="export", state=state, created_at=moment,
                       updated_at=moment))
    db.session.commit()


def test_a_job_left_running_by_a_killed_worker_is_failed_with_a_reason_and_can_be_started_again(
        client, places, admin):
    phone = admin.phone
    stalled = STALLED_AFTER + timedelta(minutes=1)
    add_job(admin, "left-running", "running", stalled)
    add_job(admin, "still-working", "running", STALLED_AFTER - timedelta(minutes=5))
    add_job(admin, "waiting-in-queue", "queued", stalled)  # no worker has it yet: the queue still holds it
    add_job(admin, "finished", "done", stalled)
    assert sweep_stalled_jobs() == 1
    assert sweep_stalled_jobs() == 0  # once
    db.session.remove()
    assert {job_id: get_progress(job_id)["state"] for job_id in
            ("left-running", "still-working", "waiting-in-queue", "finished")} == {
        "left-running": "failed", "still-working": "running", "waiting-in-queue": "queued", "finished": "done"}

    assert client.post("/login", data={"phone": phone, "password": PASSWORD}).status_code == 302
    progress = client.get("/jobs/left-running.json").json
    assert progress["state"] == "failed" and INTERRUPTED in progress["error"] and "重新" in progress["error"]
    again = client.post("/admin/people/export", data={})  # started again
    job_id = again.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/jobs/{job_id}.json").json["state"] == "done"


def test_a_slow_job_the_sweep_gave_up_on_is_done_when_it_finishes(app, places, admin, monkeypatch):
    def slow(job_id, *_arguments):
        """So slow that, while it runs, the sweep's limit passes."""
        assert sweep_stalled_jobs(utcnow() + STALLED_AFTER + timedelta(minutes=1)) == 1
        assert INTERRUPTED in get_progress(job_id)["error"]
        db.session.rollback()

    monkeypatch.setitem(registry(app).tasks, "faults.slow", slow)
    job_id = start_job(admin.id, "faults.slow")
    progress = get_progress(job_id)
    assert progress["state"] == "done" and progress["error"] is None


def test_the_scheduler_runs_the_sweep(app, places, admin):
    job = build_scheduler(app, "holder").get_job("jobs.sweep")
    assert job is not None and "*/5" in str(job.trigger)
    add_job(admin, "left-running", "running", STALLED_AFTER + timedelta(minutes=1))
    db.session.remove()
    assert scheduler_module.queue_if_leader(app, "holder", "jobs.sweep", with_time=True)  # queue: immediate here
    assert get_progress("left-running")["state"] == "failed"


def test_a_scheduler_killed_after_queueing_is_taken_over_after_its_lease_and_nothing_is_sent_twice(app, places):
    people = make_people(5)
    schedule(KIND, "faults", "2026-12-03", people, T0,
             payloads={p: {"items": [{"label": "待审批的申请", "count": 1, "url": "/"}]} for p in people})
    db.session.commit()
    db.session.remove()
    # The first scheduler takes the lease and queues a pass (run at once here), then is killed: no release.
    assert scheduler_module.queue_if_leader(app, "killed", "reminders.dispatch")
    assert not scheduler_module.queue_if_leader(app, "second", "reminders.dispatch")  # the lease still holds
    # Once it has expired (LEASE_SECONDS without renewal), the second scheduler takes over and queues its pass.
    assert take_lease("second", utcnow() + timedelta(seconds=LEASE_SECONDS + 1))
    assert scheduler_module.queue_if_leader(app, "second", "reminders.dispatch")
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5
    assert set(db.session.scalars(select(Reminder.state))) == {"sent"}
