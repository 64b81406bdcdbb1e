"""Ranked allocation: the window, the stated ranking and its tie-breaker, points counted at the close, the 7-day
public notice with objections answered, then the final list; each step refused out of turn."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from community.database import utcnow
from community.errors import Conflict, DomainError, Forbidden, Invalid
from tests.factories import make_person
from tests.volunteers.uses_world import credit, small_world
from volunteers import allocation as A


@pytest.fixture
def w():
    return small_world()


def _allocation(w, places=2, closes_at=None, **extra):
    closes_at = closes_at or utcnow()
    return A.create_allocation(w["street_admin"], w["street"], {
        "title": "东门小学积分入学", "kind": "school_place", "places": places,
        "opens_at": closes_at - timedelta(days=10), "closes_at": closes_at, **extra})


def _ranked(allocation):
    return [(a.person.name, a.rank, a.is_offered) for a in db.session.scalars(A.ranked_query(allocation.id))]


def test_the_tie_breaker_points_then_hours_then_earlier_application(w):
    """Five applicants: two tied on points are split by hours, two tied on both by who applied first."""
    people = {name: make_person(w["a"], name=name) for name in ("甲", "乙", "丙", "丁", "戊")}
    for name, points, hours in (("甲", 80, 5), ("乙", 100, 8), ("丙", 100, 12), ("丁", 60, 3), ("戊", 60, 3)):
        credit(people[name], points, hours=hours)
    allocation = _allocation(w, places=3)
    close = allocation.closes_at
    for name, days_before in (("甲", 9), ("乙", 8), ("丙", 7), ("戊", 6), ("丁", 5)):  # 戊 before 丁
        A.apply(people[name], allocation, now=close - timedelta(days=days_before))
    A.publish_ranking(w["street_admin"], allocation, now=close + timedelta(minutes=1))
    assert _ranked(allocation) == [("丙", 1, True), ("乙", 2, True), ("甲", 3, True), ("戊", 4, False),
                                   ("丁", 5, False)]
    assert A.rank_key(60, Decimal(3), close, 1) < A.rank_key(60, Decimal(3), close, 2)  # then the lower number


def test_points_after_the_close_do_not_count(w):
    credit(w["bob"], 50, hours=2)
    allocation = _allocation(w, places=1)  # closes now: bob's points before it
    close = allocation.closes_at
    A.apply(w["ann"], allocation, now=close - timedelta(days=2))
    A.apply(w["bob"], allocation, now=close - timedelta(days=1))
    credit(w["ann"], 500, hours=40)  # posted after the close
    A.publish_ranking(w["street_admin"], allocation, now=utcnow() + timedelta(minutes=1))
    lines = db.session.scalars(A.ranked_query(allocation.id)).all()
    assert [(a.person_id, a.points_at_close, a.hours_at_close, a.is_offered) for a in lines] == [
        (w["bob"].id, 50, Decimal("2.00"), True), (w["ann"].id, 0, Decimal("0.00"), False)]


def test_the_window_and_one_application_each(w):
    allocation = _allocation(w, closes_at=utcnow() + timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        A.apply(w["ann"], allocation, now=allocation.opens_at - timedelta(seconds=1))
    assert refused.value.code == "window_closed"
    db.session.rollback()
    A.apply(w["ann"], allocation)
    with pytest.raises(Conflict):
        A.apply(w["ann"], allocation)
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        A.apply(w["dan"], allocation)  # another street's resident
    assert refused.value.code == "not_resident"
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        A.publish_ranking(w["street_admin"], allocation)  # the window is still open
    assert refused.value.code == "window_open"


def test_notice_objections_and_the_final_list(w):
    allocation = _allocation(w, places=1)
    close = allocation.closes_at
    A.apply(w["ann"], allocation, now=close - timedelta(days=1))
    with pytest.raises(DomainError):
        A.object_to(w["ann"], allocation, "还没公示")  # no list yet
    db.session.rollback()
    published = close + timedelta(minutes=1)
    A.publish_ranking(w["street_admin"], allocation, now=published)
    assert allocation.state == "notice" and allocation.notice_until == published + timedelta(days=7)
    with pytest.raises(Conflict):
        A.publish_ranking(w["street_admin"], allocation, now=published)
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        A.object_to(w["bob"], allocation, "我也有意见")  # not an applicant
    assert refused.value.code == "not_applicant"
    db.session.rollback()
    with pytest.raises(Invalid):
        A.object_to(w["ann"], allocation, " ")
    db.session.rollback()
    objection = A.object_to(w["ann"], allocation, "我的服务时长没有算全", now=published + timedelta(days=1))
    after = published + timedelta(days=7)
    with pytest.raises(DomainError) as refused:
        A.finalise(w["street_admin"], allocation, now=after - timedelta(seconds=1))
    assert refused.value.code == "notice_running"
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        A.finalise(w["street_admin"], allocation, now=after)
    assert refused.value.code == "objections_open"
    db.session.rollback()
    with pytest.raises(DomainError):
        A.object_to(w["ann"], allocation, "又一条", now=after)  # the notice is over
    db.session.rollback()
    A.answer_objection(w["street_admin"], objection, "经复核，已按台账计入。")
    with pytest.raises(Conflict):
        A.answer_objection(w["street_admin"], objection, "再答一次")
    db.session.rollback()
    A.finalise(w["street_admin"], allocation, now=after)
    assert allocation.state == "final"
    from community.reminders.models import Reminder

    told = db.session.execute(select(Reminder.kind, Reminder.occasion, Reminder.recipient_id)
                              .order_by(Reminder.id)).all()
    assert [(k, o) for k, o, p in told if p == w["ann"].id] == [
        ("volunteers_allocation_list", "notice"), ("volunteers_objection_answer", "answered"),
        ("volunteers_allocation_list", "final")]
    from volunteers.redemptions_notices import render_lists

    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "volunteers_allocation_list")).all()
    words = render_lists(rows)
    assert {m.title for m in words.values()} == {"东门小学积分入学的排序名单已公示", "东门小学积分入学的名单已确定"}


def test_each_step_is_the_street_administrators(w):
    allocation = _allocation(w)
    for outsider in (w["admin_a"], w["ann"]):
        with pytest.raises(Forbidden):
            A.publish_ranking(outsider, allocation, now=allocation.closes_at)
        db.session.rollback()
        with pytest.raises(Forbidden):
            A.create_allocation(outsider, w["street"], {})
        db.session.rollback()


@pytest.mark.parametrize(("field", "value"), [("places", "0"), ("places", "1.5"), ("title", ""),
                                              ("kind", "villa")])
def test_bad_allocations_are_refused(w, field, value):
    with pytest.raises(Invalid) as refused:
        _allocation(w, **{field: value})
    assert field in refused.value.fields


def test_names_on_the_public_list_are_masked():
    assert [A.masked_name(n) for n in ("张三", "欧阳小明", "李")] == ["张*", "欧***", "李*"]


def test_the_digest_counts_open_objections_for_the_street_administrator(w):
    from volunteers.redemptions_setup import approvals_waiting

    allocation = _allocation(w)
    A.apply(w["ann"], allocation, now=allocation.closes_at - timedelta(hours=1))
    A.publish_ranking(w["street_admin"], allocation, now=allocation.closes_at)
    A.object_to(w["ann"], allocation, "有异议")
    assert [(p, n) for p, _l, n, _u in approvals_waiting()] == [(w["street_admin"].id, 1)]
    assert db.session.scalar(select(A.AllocationObjection.answered_at)) is None
