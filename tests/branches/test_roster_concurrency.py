"""One current branch per person, with simultaneous requests: the partial unique index lets one in."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from branches import roster
from branches.models import Branch, BranchMember
from community.errors import Conflict
from community.people.models import Person


def test_two_secretaries_adding_one_person_at_once_make_one_membership(juexi, app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    ids = [(juexi["wang"].id, juexi["guizhou"].id), (juexi["li"].id, juexi["anhui"].id)] * 2
    person_id = juexi["people"][0].id
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(len(ids)), [], threading.Lock()

    def add(actor_id, branch_id):
        with app.app_context():
            actor, branch = db.session.get(Person, actor_id), db.session.get(Branch, branch_id)
            person = db.session.get(Person, person_id)
            db.session.rollback()
            barrier.wait()
            try:
                roster.add_member(actor, branch, person, {"status": "full"}, date(2026, 12, 3))
                outcome = "added"
            except Conflict:
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=add, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added"] + ["refused"] * (len(ids) - 1)
    assert db.session.scalar(select(func.count()).select_from(BranchMember)) == 1
