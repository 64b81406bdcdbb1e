"""`flask scheduler`: the one process that says when periodic work is due, and hands it to the task queue.

APScheduler 3 (`BlockingScheduler`, Asia/Shanghai, coalesced runs, one instance at a time, a generous misfire
grace so a pause does not silently skip runs). Its jobs do no work themselves: they put `reminders.dispatch`
(every minute) and `reminders.approvals_digest` (09:00) on the task queue, which `flask worker` runs.

Two schedulers started by mistake never double anything: each job first takes or renews a lease row
(`scheduler_lease`) with a conditional UPDATE (or an INSERT … ON CONFLICT DO NOTHING when there is no row yet);
only the holder queues work. The other waits, and takes over once the holder has not renewed for LEASE_SECONDS.
Dispatch itself is safe against doubled passes anyway (its claims are conditional updates).
"""
from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
from datetime import datetime, timedelta

import click
from flask import Flask
from sqlalchemy import delete, or_, update

from app import db
from community.database import utcnow
from community.reminders.models import SchedulerLease
from community.reminders.services import insert_ignoring_duplicates

log = logging.getLogger(__name__)
TIME_ZONE = "Asia/Shanghai"
LEASE_NAME = "scheduler"
LEASE_SECONDS = 150  # jobs renew it every minute: two missed renewals and another scheduler takes over


def take_lease(holder: str, now: datetime | None = None, *, name: str = LEASE_NAME,
               seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the lease `name` for `holder` until now + seconds; False while another holds it."""
    now = now or utcnow()
    until = now + timedelta(seconds=seconds)
    try:
        taken = db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name,
                   or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now))
            .values(holder=holder, expires_at=until).execution_options(synchronize_session=False)).rowcount == 1
        if not taken:
            taken = bool(db.session.execute(
                insert_ignoring_duplicates(SchedulerLease.__table__, ["name"])
                .values(name=name, holder=holder, expires_at=until)
                .returning(SchedulerLease.__table__.c.name)).all())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return taken


def release_lease(holder: str, *, name: str = LEASE_NAME) -> None:
    """Give the lease up at a clean stop, so another scheduler need not wait for it to expire."""
    db.session.execute(delete(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder))
    db.session.commit()


def new_holder() -> str:
    """This process's name on the lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def queue_if_leader(app: Flask, holder: str, task: str, *, with_time: bool = False) -> bool:
    """A scheduler job: renew the lease; if this process holds it, put `task` on the queue (only that)."""
    from community.background import enqueue

    with app.app_context():
        try:
            now = utcnow()
            if not take_lease(holder, now):
                return False
            enqueue(task, *([now.isoformat()] if with_time else []))
            return True
        except Exception:  # a database or queue hiccup: logged; the next run tries again
            log.exception("scheduler could not queue %s", task)
            return False
        finally:
            db.session.remove()


def build_scheduler(app: Flask, holder: str, now: datetime | None = None):
    """The BlockingScheduler with its two jobs and the packages' scheduled tasks (explicit time zone on every
    trigger). Started between 09:00 and 21:00 (after downtime over 09:00, say), it also queues the day's
    approvals digest once at start: the digest is made once a day whatever queues it, and one made after 21:00
    would only expire. Likewise each package job at a set hour already past today (`missed_today`)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger

    from community.database import LOCAL_ZONE
    from community.reminders.digest import DIGEST_LAST_CALL, DIGEST_TIME

    scheduler = BlockingScheduler(timezone=TIME_ZONE, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    scheduler.add_job(queue_if_leader, CronTrigger(minute="*", timezone=TIME_ZONE), args=(app, holder,
                      "reminders.dispatch"), id="reminders.dispatch", replace_existing=True)
    scheduler.add_job(queue_if_leader, CronTrigger(hour=9, minute=0, timezone=TIME_ZONE),
                      args=(app, holder, "reminders.approvals_digest"), kwargs={"with_time": True},
                      id="reminders.approvals_digest", replace_existing=True)
    local = (now or utcnow()).astimezone(LOCAL_ZONE)

    def catch_up(task: str) -> None:  # queued once, at start
        scheduler.add_job(queue_if_leader, DateTrigger(run_date=local, timezone=TIME_ZONE), args=(app, holder, task),
                          kwargs={"with_time": True}, id=f"{task}.catch_up", replace_existing=True)

    if DIGEST_TIME <= local.time() < DIGEST_LAST_CALL:
        catch_up("reminders.approvals_digest")
    from community.registry import registry

    for task, cron in registry(app).scheduled_jobs.items():  # the packages' periodic work (registry.scheduled_job)
        trigger = CronTrigger(timezone=TIME_ZONE, **cron)
        scheduler.add_job(queue_if_leader, trigger, args=(app, holder, task),
                          kwargs={"with_time": True}, id=task, replace_existing=True)
        if missed_today(trigger, cron, local):
            catch_up(task)
    return scheduler


def missed_today(trigger, cron: dict, local: datetime) -> bool:
    """Whether a package's job at a set hour (the morning's flags and reminders, the 20th's dues reminders) was
    due earlier today, before this scheduler started: then it is queued once at start, so a scheduler that was
    down at 08:30 still makes the day's reminders (the producers are idempotent: each reminder's unique key).
    Jobs every few minutes need no catch-up: their next run comes soon."""
    if "hour" not in cron:
        return False
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    first = trigger.get_next_fire_time(None, midnight)
    return first is not None and first.date() == local.date() and first <= local


def register(app: Flask) -> None:
    """Add `flask scheduler`."""

    @app.cli.command("scheduler")
    def scheduler_command():
        """Run the scheduler (one per deployment; a second one waits on the lease): queues reminders' work."""
        holder = new_holder()
        scheduler = build_scheduler(app, holder)
        click.echo(f"同心圆 scheduler {holder}: dispatch every minute, approvals digest 09:00 ({TIME_ZONE})")

        def stop(_signal, _frame):
            raise SystemExit(0)

        # Started in the background by a shell (`make run`), SIGINT arrives ignored: stop on it and on SIGTERM.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
        finally:
            with app.app_context():
                release_lease(holder)
