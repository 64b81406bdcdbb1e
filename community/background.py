"""Background work (imports, exports; later reminders, e-mail, webhooks) on a task queue, outside the web workers.

The queue is Huey: an SQLite file in the instance folder by default (no server to run), Redis when
REDIS_URL is set (consumers on several machines); the task code is the same. `flask worker` runs the
consumer. A job's state and progress live in the `job` table, so every web worker can answer the
progress page and a restarted worker or consumer loses nothing: a queued job waits in the queue's
storage until a consumer takes it. With BACKGROUND_SYNC (tests) Huey runs in immediate mode: the task
runs inside `enqueue`, in its own app context, exactly as the consumer would run it.

Task arguments are ids and plain values, never ORM objects; a task opens its own app context.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.database import UTCDateTime, after_commit, transactional, utcnow
from community.registry import registry

STATES = ("queued", "running", "done", "failed")
# kind -> fn(job_id, *args); packages register theirs (community.people registers import and export).
class Job(db.Model):
    """One piece of background work: who asked, what it is, how far it got, and what came of it."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_owner_created", "owner_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    result_file: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def as_progress(self) -> dict:
        """What the progress page polls."""
        return {"state": self.state, "done": self.done, "total": self.total, "error": self.error,
                "kind": self.kind, "imported": self.done if self.kind == "import" and self.state == "done" else None}


# ---------------------------------------------------------------- the queue


def make_queue(app: Flask):
    """The app's Huey: Redis with REDIS_URL, else an SQLite file; immediate with BACKGROUND_SYNC."""
    from huey import RedisHuey, SqliteHuey

    immediate = bool(app.config.get("BACKGROUND_SYNC"))
    if app.config.get("REDIS_URL"):
        queue = RedisHuey("tongxin", url=app.config["REDIS_URL"], results=False, immediate=immediate)
    else:
        path = app.config.get("TASK_QUEUE_FILE") or str(Path(app.instance_path) / "queue.db")
        queue = SqliteHuey("tongxin", filename=path, results=False, immediate=immediate)
    engine_pid = {"pid": os.getpid()}

    def run_job(job_id: str, kind: str, arguments: list) -> None:
        with app.app_context():
            if engine_pid["pid"] != os.getpid():  # a forked consumer process: never share the parent's connections
                db.engine.dispose(close=False)
                engine_pid["pid"] = os.getpid()
            _run(job_id, kind, arguments)

    app.extensions["task_queue"] = queue
    app.extensions["task_queue.run_job"] = queue.task(name="run_job")(run_job)
    return queue


def task_queue():
    """The current app's Huey instance."""
    return current_app.extensions["task_queue"]


def enqueue(kind: str, *arguments) -> None:
    """Put a registered task on the queue that no person asked for (the scheduler's periodic work): it has no
    `job` row and no owner; its failure is logged. `arguments` are plain values."""
    if kind not in registry().tasks:
        raise KeyError(f"unknown task {kind!r}")
    current_app.extensions["task_queue.run_job"](None, kind, list(arguments))


def _run(job_id: str | None, kind: str, arguments: list) -> None:
    """Run one job in this (the task's own) app context; its failure is shown to its owner, not lost."""
    if job_id is None:  # periodic work (enqueue): no progress row to keep
        try:
            registry().tasks[kind](None, *arguments)
        except Exception:
            current_app.logger.exception("background task %s failed", kind)
        finally:
            db.session.rollback()
            db.session.remove()
        return
    try:
        set_progress(job_id, state="running")
        registry().tasks[kind](job_id, *arguments)
        db.session.rollback()  # a job that forgot to finish its transaction writes nothing half-done
        state, error = db.session.execute(select(Job.state, Job.error).where(Job.id == job_id)).first() or (None, None)
        db.session.rollback()
        if state == "running" or (state == "failed" and error == stalled_message()[:300]):
            set_progress(job_id, state="done", error=None)  # (a job the sweep gave up on did finish after all)
    except Exception as error:
        current_app.logger.exception("background job %s (%s) failed", job_id, kind)
        db.session.rollback()
        _remove_files_of(job_id)
        set_progress(job_id, state="failed", error=_job_error(error))
    finally:
        db.session.remove()


def _remove_files_of(job_id: str) -> None:
    """A failed job leaves no file: an export cut short (a full disk) would otherwise stay, half written, in
    instance/exports. Every export's file name carries its job's id (random, of URL-safe characters)."""
    folder = Path(current_app.instance_path) / "exports"
    for path in folder.glob(f"*{job_id}*") if folder.is_dir() else ():
        path.unlink(missing_ok=True)


def _job_error(error: Exception) -> str:
    """A message for the owner. Domain errors are written for people; anything else (a database error
    naming values, a bug) is not shown, only logged."""
    from flask_babel import gettext as _

    from community.errors import DomainError
    from community.files import disk_full, disk_full_message

    if isinstance(error, DomainError):
        return error.message[:300]
    if disk_full(error):
        return disk_full_message()[:300]
    return _("The job failed. Nothing was changed; please try again or tell the administrator.")[:300]


@transactional
def start_job(owner_id: int, kind: str, *arguments) -> str:
    """Record a job for `owner_id` and put it on the queue; returns its id. `arguments` are ids and plain
    values (JSON-like), never ORM objects: the task runs in another process, later."""
    if kind not in registry().tasks:
        raise KeyError(f"unknown job kind {kind!r}")
    job_id = secrets.token_urlsafe(12)
    db.session.add(Job(id=job_id, owner_id=owner_id, kind=kind, state="queued"))
    # The job is queued only once the caller's unit of work has committed (after_commit): the task reads its
    # row on a connection of its own, which must find it, and SQLite (which takes its write lock at BEGIN)
    # would otherwise make an immediate-mode job wait for the request waiting for it. A unit that rolls
    # back queues nothing.
    run_job = current_app.extensions["task_queue.run_job"]
    after_commit(lambda: run_job(job_id, kind, list(arguments)))
    return job_id


# ---------------------------------------------------------------- progress


def set_progress(job_id: str, **values) -> None:
    """Record a job's state or progress at once, visible to every web worker.

    Written on a connection of its own, so progress shows while the job's work is still uncommitted. On
    SQLite, whose single writer is the job itself while its own transaction is open, progress inside
    such a transaction is skipped (the final state, written after the commit, always shows); jobs keep
    their transactions short or report progress between them, and end them before a final state.
    """
    if "file" in values:
        values["result_file"] = values.pop("file")
    values = {k: v for k, v in values.items() if k in Job.__table__.c}
    values["updated_at"] = utcnow()
    statement = update(Job).where(Job.id == job_id).values(**values)
    if db.engine.dialect.name == "sqlite" and db.session().in_transaction() and values.get("state") is None:
        return
    with db.engine.begin() as connection:
        connection.execute(statement)


def get_progress(job_id: str, owner_id: int | None = None) -> dict | None:
    """A job's progress record (of that owner, when given), or None."""
    job = db.session.get(Job, job_id, populate_existing=True) if isinstance(job_id, str) else None
    if job is None or (owner_id is not None and job.owner_id != owner_id):
        return None
    return job.as_progress() | {"owner_id": job.owner_id, "file": job.result_file}


# ---------------------------------------------------------------- jobs whose worker died

STALLED_AFTER = timedelta(minutes=30)  # setting JOB_STALLED_MINUTES; jobs report progress far more often


def stalled_message() -> str:
    """What the owner of a job whose worker died reads on its progress page."""
    from flask_babel import gettext as _

    return _("The job was interrupted: the worker running it stopped before it finished. Nothing of it was "
             "saved; please start it again.")


def sweep_stalled_jobs(now: datetime | None = None) -> int:
    """Mark failed, with a reason for their owners, the jobs left `running` by a worker that was killed (a job
    that has not reported progress for JOB_STALLED_MINUTES); they can then be started again. One UPDATE;
    returns how many. A job that finishes after all is marked done by its own run (`_run`)."""
    now = now or utcnow()
    limit = timedelta(minutes=current_app.config.get("JOB_STALLED_MINUTES", STALLED_AFTER.total_seconds() / 60))
    from community.database import current_unit

    if current_unit() is not None:
        raise RuntimeError("sweep_stalled_jobs commits on its own: call it outside any unit of work")
    stalled = db.session.execute(
        update(Job).where(Job.state == "running", Job.updated_at <= now - limit)
        .values(state="failed", error=stalled_message()[:300], updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if stalled:
        current_app.logger.warning("%d background job(s) left running by a stopped worker marked failed", stalled)
    return stalled


def sweep_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `jobs.sweep` (the scheduler queues it every five minutes)."""
    from community.database import parse_local

    sweep_stalled_jobs(parse_local(datetime.fromisoformat(now_iso)) if now_iso else None)


def register(app: Flask) -> None:
    """The sweep of jobs whose worker died, run by `flask scheduler` through the queue."""
    reg = registry(app)
    reg.task("jobs.sweep", sweep_task)
    reg.scheduled_job("jobs.sweep", minute="*/5")
