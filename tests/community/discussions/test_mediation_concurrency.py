"""Simultaneous closings of one case on PostgreSQL: the conditional update lets exactly one outcome in; the
same for two resolutions of one agenda item."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.discussions import mediation as M
from community.discussions.mediation_models import MediationCase
from community.errors import Conflict
from community.people.models import Person
from tests.community.discussions.mediation_support import NOW, TODAY, case_data


def _race(app, count: int, act) -> list[str]:
    """Run `act()` in `count` threads at a barrier, each in its own app context and session."""
    barrier, outcomes, lock = threading.Barrier(count), [], threading.Lock()

    def run():
        with app.app_context():
            try:
                barrier.wait()
                act()
                outcome = "done"
            except Conflict:
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_ten_simultaneous_outcomes_close_a_case_once(app, backend, mworld):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    M.add_session(mworld.mediator, case, {"held_on": TODAY, "place": "调解室"}, now=NOW)
    case_id, people = case.id, [mworld.mediator.id, mworld.admin_a.id]
    db.session.close()
    turn = iter(range(10))
    choose = threading.Lock()

    def close():
        with choose:
            n = next(turn)
        actor = db.session.get(Person, people[n % 2])
        found = db.session.get(MediationCase, case_id)
        M.record_outcome(actor, found, {"outcome": ("settled", "failed")[n % 2]}, now=NOW)

    outcomes = _race(app, 10, close)
    assert sorted(outcomes) == ["done"] + ["refused"] * 9
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "mediation.outcome")) == 1
    assert db.session.get(MediationCase, case_id).outcome in ("settled", "failed")
