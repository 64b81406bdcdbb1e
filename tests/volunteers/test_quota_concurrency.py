"""On PostgreSQL, simultaneous grants never overspend a quota: 50 at once against a quota for 10 leave 10."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import Conflict
from community.people.models import Person
from tests.factories import make_people
from tests.volunteers.points_world import make_quota
from volunteers.grants import make_grant
from volunteers.ledger import LedgerEntry, PointsAccount
from volunteers.points_models import Organisation, Quota


def _race(app, calls):
    """Run `calls` (functions of nothing) at once, each in its own thread, session and connection."""
    barrier, outcomes, lock = threading.Barrier(len(calls)), [], threading.Lock()

    def run(call):
        with app.app_context():
            prepared = call()
            barrier.wait()
            try:
                prepared()
                outcome = "granted"
            except Conflict as refused:
                outcome = refused.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_grants_at_once_against_a_quota_for_ten_leave_ten(points_world, app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    w = points_world
    db.session.execute(Quota.__table__.update().where(Quota.id == w["town_quota"].id).values(points=10))
    db.session.commit()
    people = [p.id for p in make_people(w["a"], 50, "居民")]
    scorer_id, town_id, quota_id = w["scorer"].id, w["town"].id, w["town_quota"].id
    db.session.close()

    def call(person_id):
        def prepare():
            scorer, town = db.session.get(Person, scorer_id), db.session.get(Organisation, town_id)
            person = db.session.get(Person, person_id)
            town.community  # noqa: B018  (loaded before the race: the race is about the quota)
            db.session.rollback()
            return lambda: make_grant(scorer, town, person, 1, "other", "同时赋分")
        return prepare

    outcomes = _race(app, [call(pid) for pid in people])
    assert sorted(outcomes) == ["granted"] * 10 + ["quota_exhausted"] * 40
    assert db.session.scalar(select(Quota.used).where(Quota.id == quota_id)) == 10
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 10
    assert db.session.scalar(select(func.sum(PointsAccount.balance))) == 10


def test_grants_to_one_person_at_once_keep_the_daily_cap(points_world, app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    from tests.volunteers.points_world import add_members, make_organisation
    from volunteers.organisations import set_rules

    w = points_world
    set_rules(w["street_admin"], w["street"], {"person_daily": 30})
    other = make_organisation(w["a"], "第二企业", "enterprise")
    make_quota(other, 500)
    add_members(w["firm"], [w["ann"]])
    add_members(other, [w["ann"]])
    ann_id = w["ann"].id
    pairs = [(w["scorer"].id, w["town"].id), (w["firm_scorer"].id, w["firm"].id)] * 5
    db.session.close()

    def call(scorer_id, organisation_id):
        def prepare():
            scorer, org = db.session.get(Person, scorer_id), db.session.get(Organisation, organisation_id)
            person = db.session.get(Person, ann_id)
            org.community  # noqa: B018
            db.session.rollback()

            def grant():
                try:
                    make_grant(scorer, org, person, 10, "other", "同时")
                except Exception as refused:  # a cap refusal is a DomainError, not a Conflict
                    raise Conflict("", code=getattr(refused, "code", "error")) from None
            return grant
        return prepare

    outcomes = _race(app, [call(*pair) for pair in pairs])
    assert sorted(outcomes) == ["cap_reached"] * 7 + ["granted"] * 3
    assert db.session.scalar(select(PointsAccount.balance).where(PointsAccount.person_id == ann_id)) == 30
