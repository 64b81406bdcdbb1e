"""Long imports and exports run in a thread and report their progress.

Progress lives in Redis when REDIS_URL is set (so any worker can answer the
progress poll), else in this process's memory. The work itself commits to the
database; progress is only a display.
"""
from __future__ import annotations

import json
import secrets
import threading

from flask import Flask, current_app

_memory: dict[str, dict] = {}
_lock = threading.Lock()
TTL_SECONDS = 24 * 3600


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def set_progress(job_id: str, **values) -> None:
    """Merge values into a job's progress record."""
    client = _redis()
    if client is not None:
        key = f"tongxin:job:{job_id}"
        current = json.loads(client.get(key) or "{}")
        current.update(values)
        client.setex(key, TTL_SECONDS, json.dumps(current, ensure_ascii=False, default=str))
        return
    with _lock:
        _memory.setdefault(job_id, {}).update(values)


def get_progress(job_id: str) -> dict | None:
    """A job's progress record, or None."""
    client = _redis()
    if client is not None:
        raw = client.get(f"tongxin:job:{job_id}")
        return json.loads(raw) if raw else None
    with _lock:
        found = _memory.get(job_id)
        return dict(found) if found else None


def start_job(owner_id: int, kind: str, work, *args) -> str:
    """Run `work(job_id, *args)` in the background inside an app context; return the job id."""
    job_id = secrets.token_urlsafe(12)
    set_progress(job_id, owner_id=owner_id, kind=kind, state="running", done=0, total=0)
    app: Flask = current_app._get_current_object()

    def run():
        with app.app_context():
            from app import db

            try:
                work(job_id, *args)
            except Exception as error:  # the job's own failure is shown to its owner, not lost
                app.logger.exception("background job %s failed", job_id)
                db.session.rollback()
                set_progress(job_id, state="failed", error=str(error)[:300])
            finally:
                db.session.remove()

    from app import db

    # End the caller's transaction first: the job writes on its own connection, and SQLite (which
    # takes its write lock at BEGIN) would otherwise make it wait for the request that waits for it.
    db.session.commit()
    if app.config.get("BACKGROUND_SYNC"):
        run()
    else:
        threading.Thread(target=run, name=f"job-{kind}", daemon=True).start()
    return job_id
