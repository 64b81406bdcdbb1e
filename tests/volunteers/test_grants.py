"""Grants: scope, quota, the street's caps at their boundaries, bad input; a reversal gives the quota back."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.database import utcnow
from community.errors import Conflict, DomainError, Forbidden, Invalid
from volunteers.grants import make_grant
from volunteers.ledger import LedgerEntry, balance, reverse_entry
from volunteers.organisations import set_rules
from volunteers.points_models import Grant, Quota


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


def _used(quota) -> int:
    return db.session.scalar(select(Quota.used).where(Quota.id == quota.id))


def test_a_scorer_grants_to_a_resident_from_the_quota(points_world):
    w = points_world
    entry = make_grant(w["scorer"], w["town"], w["ann"], 20, "waste_sorting", "垃圾分类督导")
    assert (entry.kind, entry.amount, entry.category, entry.organisation_id) == ("grant", 20, "waste_sorting",
                                                                                w["town"].id)
    assert entry.granted_by_id == w["scorer"].id and entry.reason == "垃圾分类督导"
    assert balance(w["ann"].id) == 20 and _used(w["town_quota"]) == 20


def test_an_enterprise_grants_to_its_members_only(points_world):
    w = points_world
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 10, "volunteer_service", "厂区志愿服务")
    with pytest.raises(Forbidden) as outside:
        make_grant(w["firm_scorer"], w["firm"], w["ann"], 10, "volunteer_service", "不是员工")
    assert "person_id" in outside.value.fields and "范围" in outside.value.message
    with pytest.raises(Forbidden) as outside:  # a community organisation: its residents only (蔡丽 lives in B)
        make_grant(w["scorer"], w["town"], w["cai"], 10, "volunteer_service", "不是本社区居民")
    assert "person_id" in outside.value.fields
    assert balance(w["ann"].id) == 0 and balance(w["cai"].id) == 10 and _entries() == 1


def test_only_the_organisations_scorers_grant(points_world):
    w = points_world
    for actor in (w["firm_scorer"], w["street_admin"], w["ann"]):
        with pytest.raises(Forbidden):
            make_grant(actor, w["town"], w["bob"], 5, "other", "试图赋分")
    assert _entries() == 0


@pytest.mark.parametrize("points", [-5, 0, 2.5, "1.5", "abc", None, True])
def test_negative_or_fractional_points_are_refused_and_nothing_is_written(points_world, points):
    w = points_world
    with pytest.raises(Invalid) as refused:
        make_grant(w["scorer"], w["town"], w["ann"], points, "other", "坏输入")
    assert "points" in refused.value.fields
    assert _entries() == 0 and _used(w["town_quota"]) == 0


@pytest.mark.parametrize("category, reason, field", [("gardening", "理由", "category"), ("other", " ", "reason"),
                                                     ("other", "长" * 301, "reason")])
def test_a_category_from_the_catalogue_and_a_reason_are_needed(points_world, category, reason, field):
    w = points_world
    with pytest.raises(Invalid) as refused:
        make_grant(w["scorer"], w["town"], w["ann"], 5, category, reason)
    assert field in refused.value.fields and _entries() == 0


def test_the_quota_is_never_overspent(points_world):
    w = points_world
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 50, "other", "一")
    db.session.execute(Quota.__table__.update().where(Quota.id == w["firm_quota"].id).values(points=60))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        make_grant(w["firm_scorer"], w["firm"], w["cai"], 11, "other", "超额")
    assert refused.value.code == "quota_exhausted" and "10" in refused.value.message
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 10, "other", "刚好用完")
    assert _used(w["firm_quota"]) == 60 and balance(w["cai"].id) == 60


def test_no_quota_for_the_period_is_a_conflict(points_world):
    w = points_world
    with pytest.raises(Conflict) as refused:
        make_grant(w["scorer"], w["town"], w["ann"], 5, "other", "明年", now=utcnow() + timedelta(days=400))
    assert refused.value.code == "no_quota" and _entries() == 0


def test_a_reversed_grant_gives_its_points_back_to_the_quota_and_the_caps(points_world):
    w = points_world
    set_rules(w["street_admin"], w["street"], {"person_daily": 30, "person_yearly": 300})
    entry = make_grant(w["scorer"], w["town"], w["ann"], 30, "other", "发错了人")
    reverse_entry(w["street_admin"], entry.id, "应发给鲍勃")
    assert _used(w["town_quota"]) == 0 and balance(w["ann"].id) == 0
    assert db.session.scalar(select(Grant.reversed_at)) is not None
    make_grant(w["scorer"], w["town"], w["ann"], 30, "other", "重新发放")  # the day's cap counts it no more
    assert balance(w["ann"].id) == 30


# ------------------------------------------------------------------ caps, each at its boundary
def test_the_per_grant_cap(points_world):
    w = points_world
    set_rules(w["street_admin"], w["street"], {"max_per_grant": 25})
    make_grant(w["scorer"], w["town"], w["ann"], 25, "other", "上限")
    with pytest.raises(DomainError) as refused:
        make_grant(w["scorer"], w["town"], w["bob"], 26, "other", "超过单次上限")
    assert refused.value.code == "cap_reached" and "25" in refused.value.message
    assert balance(w["bob"].id) == 0 and _used(w["town_quota"]) == 25


def test_the_per_person_daily_cap_counts_every_organisation(points_world):
    w = points_world
    set_rules(w["street_admin"], w["street"], {"person_daily": 40, "person_yearly": 1000})
    from tests.volunteers.points_world import add_members

    add_members(w["firm"], [w["ann"]])
    make_grant(w["scorer"], w["town"], w["ann"], 25, "other", "社区")
    make_grant(w["firm_scorer"], w["firm"], w["ann"], 15, "other", "企业")  # 40: at the cap
    with pytest.raises(DomainError) as refused:
        make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "超过每日上限")
    assert refused.value.code == "cap_reached" and _used(w["town_quota"]) == 25
    make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "第二天", now=utcnow() + timedelta(days=1))


def test_the_per_person_yearly_cap(points_world):
    w = points_world
    set_rules(w["street_admin"], w["street"], {"person_daily": 50, "person_yearly": 60})
    start = utcnow().replace(month=1, day=2, hour=4)
    make_grant(w["scorer"], w["town"], w["ann"], 50, "other", "一", now=start)
    make_grant(w["scorer"], w["town"], w["ann"], 10, "other", "二", now=start + timedelta(days=1))  # 60
    with pytest.raises(DomainError, match="60"):
        make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "三", now=start + timedelta(days=2))
    assert balance(w["ann"].id) == 60


def test_the_per_category_daily_and_yearly_caps(points_world):
    w = points_world
    set_rules(w["street_admin"], w["street"], {"caps": {"blood_donation": (20, 30)}})
    start = utcnow().replace(month=1, day=2, hour=4)
    make_grant(w["scorer"], w["town"], w["ann"], 20, "blood_donation", "献血", now=start)  # the day's 20
    with pytest.raises(DomainError, match="20"):
        make_grant(w["scorer"], w["town"], w["ann"], 1, "blood_donation", "再献", now=start)
    make_grant(w["scorer"], w["town"], w["ann"], 5, "other", "其他类别不受限", now=start)
    make_grant(w["scorer"], w["town"], w["ann"], 10, "blood_donation", "献血", now=start + timedelta(days=1))  # 30
    with pytest.raises(DomainError, match="30"):
        make_grant(w["scorer"], w["town"], w["ann"], 1, "blood_donation", "再献", now=start + timedelta(days=2))
    assert balance(w["ann"].id) == 35


def test_caps_that_make_no_sense_are_refused(points_world):
    w = points_world
    with pytest.raises(Invalid):
        set_rules(w["street_admin"], w["street"], {"person_daily": 50, "person_yearly": 40})
    with pytest.raises(Invalid):
        set_rules(w["street_admin"], w["street"], {"max_per_grant": -1})
    with pytest.raises(Forbidden):
        set_rules(w["scorer"], w["street"], {"max_per_grant": 10})
