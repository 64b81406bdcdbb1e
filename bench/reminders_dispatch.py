"""How many due inbox reminders does one dispatch pass deliver per second? (target: 1,000/s or more)

One database per backend holds N people (BENCH_REMINDERS, default 20,000) and N reminders of a benchmark kind,
all due, scheduled through `schedule` (its time is printed too); one `run_due` pass then claims, words (one
render call per batch) and writes them as notifications. Printed: reminders per second for scheduling and for
the pass, and the SQL statements the pass needed.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import event, func, insert, select

from bench.common import prepare
from bench.people_list import BACKENDS, database

N = int(os.environ.get("BENCH_REMINDERS", "2000" if "--quick" in sys.argv else "20000"))
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


class BenchKind:
    """A package that registers the benchmark's reminder kind (its render reads only the payload)."""

    @staticmethod
    def init_app(app):
        from community.registry import registry
        from community.reminders import Message, ReminderKind

        def render(reminders):
            return {r.id: Message(title=f"会议提醒：{r.payload['title']}", body="明天上午九点，社区议事厅。",
                                  url="/meetings/1") for r in reminders}

        registry(app).reminder_kind("bench_notice", ReminderKind(label="基准测试提醒", render=render))


def _measure(url: str, folder: str) -> dict:
    from app import create_app, db
    from community.people.models import Person
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification
    from community.reminders.services import schedule

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": folder,
                      "BACKGROUND_SYNC": True}, extra_packages=[BenchKind])
    with app.app_context():
        prepare(db)  # PostgreSQL: the extension the requests' search index needs, then create_all
        rows = [{"name": f"居民{i:05d}", "phone": f"15{i:09d}", "hukou_place": ""} for i in range(N)]
        for start in range(0, N, 5000):
            db.session.execute(insert(Person), rows[start:start + 5000])
        db.session.commit()
        ids = list(db.session.scalars(select(Person.id)))
        started = time.perf_counter()
        schedule("bench_notice", "meeting:1", "before:1440", ids, NOW, payload={"title": "居民议事会"})
        db.session.commit()
        scheduling = time.perf_counter() - started
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        started = time.perf_counter()
        counts = run_due(NOW)
        dispatching = time.perf_counter() - started
        delivered = db.session.scalar(select(func.count()).select_from(Notification))
        assert counts["sent"] == delivered == N, (counts, delivered)
        db.session.remove()
        db.engine.dispose()
    return {"schedule_per_s": N / scheduling, "dispatch_per_s": N / dispatching, "seconds": dispatching,
            "statements": len(statements)}


def main() -> bool:
    """Print the figures per backend; False when a pass is slower than 1,000 reminders per second."""
    fast = True
    print(f"\nreminders: one dispatch pass over {N:,} due inbox reminders")
    for backend in BACKENDS:
        folder = tempfile.mkdtemp(prefix="tongxin-bench-")
        with database(backend, folder) as url:
            result = _measure(url, folder)
        fast = fast and result["dispatch_per_s"] >= 1000
        print(f"{backend:<12} schedule {result['schedule_per_s']:>9,.0f}/s   "
              f"dispatch {result['dispatch_per_s']:>8,.0f}/s "
              f"({result['seconds']:.1f} s, {result['statements']} SQL statements)"
              + ("" if result["dispatch_per_s"] >= 1000 else "  below 1,000/s!"))
    return fast


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
