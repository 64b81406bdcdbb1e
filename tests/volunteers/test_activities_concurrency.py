"""Simultaneous requests on PostgreSQL (threads, each with its own session): fifty scans by one volunteer leave one
check-in; two screens confirming at once post each volunteer's points once; twenty sign-ups for five places
leave five places taken and fifteen waiting."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import DomainError
from community.people.models import Person
from tests.volunteers.activities_world import beach
from volunteers import activities_confirm as C
from volunteers import activities_services as S
from volunteers import checkin as K
from volunteers.activities import Activity, Checkin, CheckinCodeUse, Signup
from volunteers.ledger import LedgerEntry, balance


def _at_once(app, jobs) -> list[str]:
    """Run `jobs` (functions of nothing) in threads released together; their outcomes."""
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(len(jobs)), [], threading.Lock()

    def run(job):
        with app.app_context():
            try:
                barrier.wait()
                outcome = job()
            except DomainError as error:
                outcome = error.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def pg(backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")


def test_fifty_simultaneous_scans_by_one_volunteer_leave_one_check_in(pg, activities_world, app):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    S.sign_up(w["volunteers"][0], activity)
    at = activity.starts_at
    code = K.issue_code(w["chen"], activity, now=at).code
    db.session.commit()
    ids = (activity.id, w["volunteers"][0].id)

    def scan():
        return K.scan(db.session.get(Person, ids[1]), code, now=at).action

    outcomes = _at_once(app, [scan] * 50)
    assert outcomes.count("in") == 1 and "out" not in outcomes, outcomes
    assert set(outcomes) <= {"in", "replayed_code", "already_checked_in"}
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 1
    assert db.session.scalar(select(func.count()).select_from(CheckinCodeUse)) == 1
    assert db.session.scalar(select(Checkin.checked_out_at)) is None


def test_two_screens_confirming_at_once_post_each_volunteer_once(pg, activities_world, app):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    for v in w["volunteers"][:4]:
        S.sign_up(v, activity)
        K.record_by_hand(w["chen"], activity, v.id, activity.starts_at, activity.ends_at)
    db.session.commit()
    activity_id, chen_id, later = activity.id, w["chen"].id, activity.ends_at + timedelta(minutes=5)
    volunteer_ids = [v.id for v in w["volunteers"][:4]]

    def confirm():
        done = C.confirm_roster(db.session.get(Person, chen_id), db.session.get(Activity, activity_id), now=later)
        return f"posted {done.posted}"

    outcomes = _at_once(app, [confirm] * 2)
    assert sorted(outcomes) == ["posted 0", "posted 4"], outcomes
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 4
    assert {balance(i) for i in volunteer_ids} == {30}


def test_twenty_simultaneous_sign_ups_for_five_places(pg, activities_world, app):
    from tests.factories import make_people

    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(capacity=5))
    people = make_people(w["a"], 20, "报名者")
    db.session.commit()
    activity_id = activity.id

    def job(person_id):
        return lambda: S.sign_up(db.session.get(Person, person_id), db.session.get(Activity, activity_id)).state

    outcomes = _at_once(app, [job(p.id) for p in people])
    assert sorted(outcomes) == ["signed_up"] * 5 + ["waiting"] * 15, outcomes
    assert db.session.get(Activity, activity_id).taken == 5
    assert db.session.scalar(select(func.count()).select_from(Signup).where(Signup.state == "signed_up")) == 5
