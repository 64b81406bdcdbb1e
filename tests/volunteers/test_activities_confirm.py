"""Confirmation posts the roster's points through the ledger exactly once, however often it is confirmed; a
self-declared service counts only after an organiser or administrator confirms it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import Conflict, DomainError, Forbidden
from tests.volunteers.activities_world import beach
from volunteers import activities_confirm as C
from volunteers import activities_services as S
from volunteers import checkin as K
from volunteers.ledger import LedgerEntry, balance, hours


def _scan(w, activity, volunteer, minutes):
    at = activity.starts_at + timedelta(minutes=minutes)
    K.scan(volunteer, K.issue_code(w["chen"], activity, now=at).code, now=at)


@pytest.fixture
def roster(activities_world):
    """Three volunteers: two checked in and out (2 h and 3 h), one still checked in."""
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    ann, bob, cai = w["volunteers"][:3]
    for v in (ann, bob, cai):
        S.sign_up(v, activity)
    for v in (ann, bob, cai):
        _scan(w, activity, v, 0)
    _scan(w, activity, ann, 120)
    _scan(w, activity, bob, 180)
    db.session.commit()
    return {**w, "activity": activity, "ann": ann, "bob": bob, "cai": cai,
            "later": activity.ends_at + timedelta(minutes=10)}


def test_confirming_posts_each_volunteer_once_however_often(roster):
    first = C.confirm_roster(roster["chen"], roster["activity"], now=roster["later"])
    assert (first.posted, first.already, first.open) == (2, 0, 1)
    assert balance(roster["ann"].id) == 20 and balance(roster["bob"].id) == 30
    assert str(hours(roster["bob"].id)) == "3.00"
    again = C.confirm_roster(roster["chen"], roster["activity"], now=roster["later"])
    assert (again.posted, again.already) == (0, 2)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_a_forgotten_check_out_fixed_by_hand_is_posted_at_the_next_confirmation(roster):
    C.confirm_roster(roster["chen"], roster["activity"], now=roster["later"])
    activity, cai = roster["activity"], roster["cai"]
    K.record_by_hand(roster["chen"], activity, cai.id, activity.starts_at, activity.starts_at + timedelta(hours=1))
    done = C.confirm_roster(roster["chen"], activity, now=roster["later"])
    assert (done.posted, done.already, done.open) == (1, 2, 0)
    assert balance(cai.id) == 10
    with pytest.raises(Conflict):  # posted: a correction is a reversal in the ledger now
        K.record_by_hand(roster["chen"], activity, cai.id, activity.starts_at, activity.ends_at)


def test_only_organisers_confirm_and_not_before_the_start(roster, activities_world):
    with pytest.raises(Forbidden):
        C.confirm_roster(roster["ann"], roster["activity"], now=roster["later"])
    with pytest.raises(Forbidden):
        C.confirm_roster(roster["admin_b"], roster["activity"], now=roster["later"])
    with pytest.raises(DomainError) as early:
        C.confirm_roster(roster["chen"], roster["activity"], now=roster["activity"].starts_at - timedelta(hours=1))
    assert early.value.code == "not_begun"
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_fixed_points_go_to_everyone_who_came(activities_world):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(points=15, points_per_hour=None))
    S.sign_up(w["volunteers"][0], activity)
    _scan(w, activity, w["volunteers"][0], 0)
    _scan(w, activity, w["volunteers"][0], 20)
    C.confirm_roster(w["chen"], activity, now=activity.ends_at)
    assert balance(w["volunteers"][0].id) == 15


def _declaration(w, volunteer):
    return C.declare(volunteer, {"content": "帮邻居老人买菜", "category": "volunteer_service", "place": "东门社区",
                                 "served_on": date.today(), "hours": "2.5"})


def test_a_declaration_counts_only_after_confirmation_and_once(activities_world):
    w = activities_world
    ann = w["volunteers"][0]
    declaration = _declaration(w, ann)
    assert balance(ann.id) == 0
    with pytest.raises(Forbidden):
        C.decide_declaration(w["volunteers"][1], declaration, accept=True, points=10)
    with pytest.raises(Forbidden):
        C.decide_declaration(w["admin_b"], declaration, accept=True, points=10)
    C.decide_declaration(w["chen"], declaration, accept=True, points=12)
    assert balance(ann.id) == 12 and str(hours(ann.id)) == "2.50"
    with pytest.raises(Conflict):
        C.decide_declaration(w["chen"], declaration, accept=True, points=12)
    assert balance(ann.id) == 12


def test_nobody_confirms_their_own_declaration_and_bad_input_writes_nothing(activities_world):
    from tests.factories import grant
    from volunteers.activities import Declaration

    w = activities_world
    mine = _declaration(w, w["chen"])
    with pytest.raises(DomainError) as own:
        C.decide_declaration(w["chen"], mine, accept=True, points=5)
    assert own.value.code == "own_declaration"
    other = _declaration(w, w["volunteers"][1])
    with pytest.raises(DomainError):
        C.decide_declaration(w["chen"], other, accept=True, points=-5)
    for bad in ({"hours": "0"}, {"hours": "25"}, {"hours": "two"}, {"served_on": date.today() + timedelta(days=1)},
                {"category": "fishing"}, {"content": ""}):
        values = {"content": "帮忙", "category": "other", "place": "东门", "served_on": date.today(), "hours": "1",
                  **bad}
        with pytest.raises(DomainError):
            C.declare(w["volunteers"][2], values)
    assert db.session.scalar(select(func.count()).select_from(Declaration)) == 2
    grant(w["volunteers"][3], "community_admin", "community", w["a"].id)
    C.decide_declaration(w["volunteers"][3], mine, accept=False, note="时间不符")
    assert balance(w["chen"].id) == 0


def test_waiting_work_reaches_the_digest_and_the_home_page(roster, app):
    from volunteers.activities_hooks import approvals_waiting, home_cards

    _declaration(roster, roster["ann"])
    with app.test_request_context():
        waiting = approvals_waiting()
        cards = home_cards(roster["chen"])
    assert [(p, n) for p, _label, n, url in waiting if url == "/activities/declarations"] == [(roster["chen"].id, 1)]
    assert not any(url == "/activities/organised" for _p, _l, _n, url in waiting)  # not over yet
    with app.test_request_context():
        assert [c["url"] for c in home_cards(roster["ann"])] == [f"/activities/{roster['activity'].id}"]
    assert cards == []


def test_a_scorer_confirms_a_declaration_naming_their_organisation_from_its_quota(activities_world):
    from tests.factories import grant, make_person
    from tests.volunteers.points_world import make_organisation, make_quota
    from volunteers.activities import Declaration

    w = activities_world
    organisation = make_organisation(w["a"], "东门社区赋分点", "community")
    quota = make_quota(organisation, 15)
    scorer = make_person(None, name="赋分员")
    grant(scorer, "scorer", "organisation", organisation.id)
    ann, bob = w["volunteers"][:2]
    values = {"content": "帮邻居老人买菜", "category": "volunteer_service", "place": "东门社区",
              "served_on": date.today(), "hours": "1", "organisation_id": organisation.id}
    first, second = C.declare(ann, values), C.declare(bob, values)
    unnamed = _declaration(w, ann)
    assert [d.id for d in db.session.scalars(C.pending_declarations(scorer))] == [first.id, second.id]
    with pytest.raises(Forbidden):
        C.decide_declaration(scorer, unnamed, accept=True, points=5)
    C.decide_declaration(scorer, first, accept=True, points=10)
    assert balance(ann.id) == 10 and quota.used == 10
    with pytest.raises(Conflict) as exhausted:
        C.decide_declaration(scorer, second, accept=True, points=10)
    assert exhausted.value.code == "quota_exhausted"
    assert db.session.get(Declaration, second.id).state == "pending" and balance(bob.id) == 0
    with pytest.raises(DomainError):  # not an organisation of hers
        C.declare(ann, {**values, "organisation_id": make_organisation(w["b"], "西门赋分点", "community").id})
