"""The scheduler: APScheduler set up as the pitfalls say, jobs that only queue work, and a lease in the database
so that a second scheduler started by mistake queues nothing until the first stops renewing."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from app import db
from community.reminders import scheduler as scheduler_module
from community.reminders.scheduler import LEASE_SECONDS, build_scheduler, release_lease, take_lease
from tests.community.reminders.conftest import T0


def test_one_holder_at_a_time_renewal_expiry_and_takeover():
    assert take_lease("a", T0)
    assert not take_lease("b", T0)
    assert take_lease("a", T0 + timedelta(seconds=60))  # renewed: runs until +60+LEASE
    assert not take_lease("b", T0 + timedelta(seconds=60 + LEASE_SECONDS - 1))
    assert take_lease("b", T0 + timedelta(seconds=60 + LEASE_SECONDS))  # a stopped renewing: b takes over
    assert not take_lease("a", T0 + timedelta(seconds=60 + LEASE_SECONDS + 1))
    release_lease("b")
    assert take_lease("a", T0 + timedelta(seconds=60 + LEASE_SECONDS + 2))  # released: no need to wait
    assert take_lease("x", T0, name="other")  # leases of other names are separate


def _at_once(app, holders, now) -> dict:
    db.session.close()
    barrier, won, lock = threading.Barrier(len(holders)), {}, threading.Lock()

    def attempt(holder):
        with app.app_context():
            barrier.wait()
            result = take_lease(holder, now)
            db.session.remove()
        with lock:
            won[holder] = result

    threads = [threading.Thread(target=attempt, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won


def test_simultaneous_schedulers_get_one_lease(app):
    holders = [f"scheduler-{i}" for i in range(8)]
    first = _at_once(app, holders, T0)  # no row yet: the INSERTs race
    assert len(first) == 8 and sum(first.values()) == 1
    later = T0 + timedelta(seconds=LEASE_SECONDS + 5)  # expired: the UPDATEs race
    second = _at_once(app, holders, later)
    assert sum(second.values()) == 1


def test_only_the_lease_holder_queues_work(app, monkeypatch):
    import community.background

    queued = []
    monkeypatch.setattr(community.background, "enqueue", lambda task, *args: queued.append((task, args)))
    assert scheduler_module.queue_if_leader(app, "first", "reminders.dispatch")
    assert not scheduler_module.queue_if_leader(app, "second", "reminders.dispatch")
    assert scheduler_module.queue_if_leader(app, "first", "reminders.approvals_digest", with_time=True)
    assert [task for task, _args in queued] == ["reminders.dispatch", "reminders.approvals_digest"]
    assert len(queued[1][1]) == 1  # the digest gets the time it was due


def test_the_scheduler_is_set_up_against_the_known_pitfalls(app):
    scheduler = build_scheduler(app, "holder", now=T0 - timedelta(hours=3))  # 07:00 local: no catch-up
    assert str(scheduler.timezone) == "Asia/Shanghai"
    defaults = scheduler._job_defaults
    assert defaults["coalesce"] is True and defaults["max_instances"] == 1 and defaults["misfire_grace_time"] >= 600
    jobs = {job.id: job for job in scheduler.get_jobs()}
    from community.registry import registry

    packages = set(registry(app).scheduled_jobs)
    assert {"reminders.dispatch", "reminders.approvals_digest"} <= set(jobs)
    assert set(jobs) - {"reminders.dispatch", "reminders.approvals_digest"} == packages  # the packages' own jobs
    for job in jobs.values():
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        assert job.func is scheduler_module.queue_if_leader  # the jobs only queue; workers do the work
    assert "hour='9'" in str(jobs["reminders.approvals_digest"].trigger)


def test_every_scheduled_task_runs_as_the_queue_runs_it(app, monkeypatch):
    """Each package's scheduled job is queued with the time and run as `fn(None, now_iso)`; a task whose
    signature does not take that fails in the worker's log only (the sealing job did, for weeks)."""
    import community.background
    from community.registry import registry

    failed = []
    monkeypatch.setattr(app.logger, "exception", lambda message, *args: failed.append(message % args))
    tasks = registry(app).scheduled_jobs
    assert "integrity.seal" in tasks and "elections.check" in tasks
    for task in tasks:
        community.background._run(None, task, [T0.isoformat()])
    assert failed == []


def _fake_run(monkeypatch):
    """`BlockingScheduler.start` replaced by one tick of every job, then a Ctrl-C; what the ticks queued."""
    import signal

    from apscheduler.schedulers.blocking import BlockingScheduler

    import community.background

    queued, handlers = [], {}
    monkeypatch.setattr(community.background, "enqueue", lambda task, *args: queued.append(task))
    monkeypatch.setattr(scheduler_module.signal, "signal", lambda sig, handler: handlers.setdefault(sig, handler))

    def one_tick(self):
        for job in self.get_jobs():
            job.func(*job.args, **job.kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", one_tick)
    monkeypatch.setattr(BlockingScheduler, "shutdown", lambda self, wait=True: None)
    return queued, handlers, {signal.SIGINT, signal.SIGTERM}


def test_the_scheduler_command_queues_while_it_holds_the_lease_and_gives_it_up_when_stopped(app, runner,
                                                                                             monkeypatch):
    from sqlalchemy import select

    from community.reminders.models import SchedulerLease

    queued, handlers, signals = _fake_run(monkeypatch)
    result = runner.invoke(args=["scheduler"])
    assert result.exit_code == 0 and "Asia/Shanghai" in result.output, result.output
    assert {"reminders.dispatch", "reminders.approvals_digest"} <= set(queued) and set(handlers) == signals
    db.session.expire_all()
    assert db.session.scalar(select(SchedulerLease)) is None  # released at the stop: the next need not wait


def test_a_second_scheduler_command_queues_nothing_while_another_holds_the_lease(app, runner, monkeypatch):
    from sqlalchemy import select

    from community.database import utcnow
    from community.reminders.models import SchedulerLease

    assert take_lease("the-first-scheduler", utcnow())
    queued, _handlers, _signals = _fake_run(monkeypatch)
    assert runner.invoke(args=["scheduler"]).exit_code == 0
    assert queued == []
    db.session.expire_all()
    assert db.session.scalar(select(SchedulerLease.holder)) == "the-first-scheduler"  # not released by the other


@pytest.mark.parametrize(("hour", "catches_up"), [(8, False), (9, True), (15, True), (20, True), (21, False)])
def test_a_scheduler_started_during_the_day_queues_the_days_digest_once_at_start(app, hour, catches_up):
    """Down at 09:00, restarted at 15:00: the day's digest is still made (once: approvals_digest's key); not
    after 21:00, when it would only expire, nor before 09:00, when the 09:00 job will."""
    from community.database import LOCAL_ZONE

    started = datetime(2026, 12, 7, hour, 0, tzinfo=LOCAL_ZONE)
    jobs = {job.id: job for job in build_scheduler(app, "holder", now=started).get_jobs()}
    catch_up = jobs.get("reminders.approvals_digest.catch_up")
    assert (catch_up is not None) is catches_up
    if catch_up:
        assert catch_up.func is scheduler_module.queue_if_leader
        assert catch_up.args[2] == "reminders.approvals_digest" and catch_up.kwargs == {"with_time": True}
        assert catch_up.trigger.run_date == started and str(catch_up.trigger.run_date.tzinfo) == "Asia/Shanghai"


@pytest.mark.parametrize(("started", "caught_up"), [
    ((12, 8, 0), set()),                                                   # before 08:30: the jobs will run
    ((12, 9, 0), {"branches.daily", "discussions.daily"}),                 # down at 08:30 and 08:40
    ((20, 11, 0), {"branches.daily", "discussions.daily", "branches.dues_reminders"}),  # the 20th, after 10:00
    ((21, 11, 0), {"branches.daily", "discussions.daily"}),                # the dues' day has passed
])
def test_a_scheduler_started_after_a_package_jobs_hour_queues_that_job_once_at_start(app, started, caught_up):
    """Down at 08:30 and back at 09:00: the morning's flags and reminders are still made that day (their keys
    keep them once); the jobs every few minutes need no catch-up."""
    from community.database import LOCAL_ZONE

    day, hour, minute = started
    now = datetime(2026, 12, day, hour, minute, tzinfo=LOCAL_ZONE)
    jobs = {job.id: job for job in build_scheduler(app, "holder", now=now).get_jobs()}
    found = {job_id.removesuffix(".catch_up") for job_id in jobs if job_id.endswith(".catch_up")}
    assert found - {"reminders.approvals_digest"} == caught_up
    for task in caught_up:
        job = jobs[f"{task}.catch_up"]
        assert job.args[2] == task and job.kwargs == {"with_time": True} and job.trigger.run_date == now
