"""The .xlsx exports of points and activities: who may start them, what the workbooks hold (masked phones, a
reversed grant shown as reversed, quotas with used and left, the roster's hours and points), the download
its owner's only, and a number of SQL statements that does not grow with the rows."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app import db
from community.database import utcnow
from community.errors import DomainError
from tests.factories import grant, login, make_person
from tests.volunteers.activities_world import beach
from volunteers import exports as X
from volunteers.grants import make_grant
from volunteers.ledger import reverse_entry
from volunteers.redemptions_excel import export_file


def _sheets(job_id: str) -> dict[str, list[tuple]]:
    book = load_workbook(export_file(job_id))
    return {sheet.title: list(sheet.values) for sheet in book.worksheets}


class Counting:
    """Counts the SQL statements run inside the block."""

    def __enter__(self):
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._tick)
        return self

    def _tick(self, *_args):
        self.count += 1

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._tick)


# ------------------------------------------------------------------ grants
def test_only_the_organisations_scorers_and_the_street_administrators_export_its_grants(points_world):
    w = points_world
    for outsider in (w["firm_scorer"], w["ann"]):
        with pytest.raises(DomainError) as refused:
            X.start_grants_export(outsider, w["town"])
        assert refused.value.status == 403
    db.session.rollback()
    assert X.start_grants_export(w["scorer"], w["town"]) and X.start_grants_export(w["street_admin"], w["town"])


def test_the_grants_workbook_masks_phones_marks_reversals_and_lists_the_quotas(points_world):
    w = points_world
    make_grant(w["scorer"], w["town"], w["ann"], 12, "volunteer_service", "扫雪")
    undone = make_grant(w["scorer"], w["town"], w["bob"], 7, "waste_sorting", "=分类督导")
    reverse_entry(w["street_admin"], undone.id, "重复赋分")
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 5, "other", "别的单位")  # not this organisation's
    sheets = _sheets(X.start_grants_export(w["scorer"], w["town"]))
    rows = sheets["赋分记录"]
    assert rows[0][0] == "东门社区居委会"
    assert rows[1][1] == "获得者" and len(rows) == 4
    ann, bob = rows[2], rows[3]
    assert ann[1] == "安娜" and ann[3] == 12 and ann[4] == "志愿服务" and ann[6] == "社区赋分员" and ann[8] == "否"
    assert ann[2] == w["ann"].phone[:3] + "****" + w["ann"].phone[-4:] and w["ann"].phone not in str(rows)
    assert bob[1] == "鲍勃" and bob[5] == "=分类督导" and bob[8] == "已撤销" and bob[9]
    quota = sheets["赋分额度"]
    assert quota[0][3:] == ("额度", "已用", "剩余") and quota[1][3:] == (500, 12, 488)


def test_the_grants_export_runs_as_many_statements_for_many_grants_as_for_few(points_world):
    w = points_world
    make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "一")
    with Counting() as few:
        X.start_grants_export(w["street_admin"], w["town"])
    people = [make_person(w["a"], name=f"居民{i}") for i in range(12)]
    db.session.commit()
    for person in people:
        make_grant(w["scorer"], w["town"], person, 1, "other", "多")
    with Counting() as many:
        job = X.start_grants_export(w["street_admin"], w["town"])
    assert len(_sheets(job)["赋分记录"]) == 2 + 13
    assert many.count == few.count


def test_the_download_is_its_starters_alone(points_world, client):
    w = points_world
    make_grant(w["scorer"], w["town"], w["ann"], 3, "other", "下载")
    login(client, w["scorer"])
    started = client.post(f"/points/organisations/{w['town'].id}/export")
    assert started.status_code == 302
    job_id = started.headers["Location"].rsplit("/", 1)[1].split("?")[0]
    assert client.get(started.headers["Location"]).status_code == 200
    workbook = client.get(f"/volunteers/exports/{job_id}.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["Content-Disposition"]
    assert list(load_workbook(BytesIO(workbook.data)).active.values)[2][1] == "安娜"
    client.post("/logout")
    login(client, w["street_admin"])
    assert client.get(f"/volunteers/exports/{job_id}.xlsx").status_code == 404
    assert client.post(f"/points/organisations/{w['firm'].id}/export").status_code == 302
    client.post("/logout")
    login(client, w["firm_scorer"])
    assert client.post(f"/points/organisations/{w['town'].id}/export").status_code == 403


# ------------------------------------------------------------------ an activity's roster
def _past_activity(w, capacity: int = 2):
    """An activity that began an hour ago, three signed up (one waiting), two checked in, one out and posted."""
    from volunteers import activities_services as S
    from volunteers.activities_confirm import confirm_roster
    from volunteers.checkin import record_by_hand

    before = utcnow() - timedelta(days=2)
    starts = (utcnow() - timedelta(hours=4)).replace(microsecond=0)
    activity = S.create_activity(w["chen"], w["a"].id, beach(starts_at=starts, ends_at=starts + timedelta(hours=3),
                                                             capacity=capacity), now=before)
    first, second, third = w["volunteers"][:3]
    for person in (first, second, third):
        S.sign_up(person, activity, now=before)
    record_by_hand(w["chen"], activity, first.id, starts, starts + timedelta(hours=2, minutes=30))
    record_by_hand(w["chen"], activity, second.id, starts)
    confirm_roster(w["chen"], activity)
    db.session.commit()
    return activity


def test_only_who_manages_the_activity_exports_its_roster(activities_world):
    w = activities_world
    activity = _past_activity(w)
    for outsider in (w["admin_b"], w["volunteers"][0]):
        with pytest.raises(DomainError) as refused:
            X.start_roster_export(outsider, activity)
        assert refused.value.status == 403
    db.session.rollback()
    street_admin = make_person(w["b"], name="街道管理员")
    grant(street_admin, "street_admin", "street", w["street"].id)
    assert X.start_roster_export(street_admin, activity)


def test_the_roster_workbook_has_states_times_hours_and_points_posted(activities_world):
    w = activities_world
    activity = _past_activity(w)
    rows = _sheets(X.start_roster_export(w["chen"], activity))["活动名单"]
    assert rows[0][0] == "爵溪海滩清洁" and rows[1][0] == "志愿者" and len(rows) == 5
    by_name = {r[0]: r for r in rows[2:]}
    first, second, third = (by_name[p.name] for p in w["volunteers"][:3])
    assert first[2] == "已报名" and first[3] and first[4] and first[5] == "2.50" and first[6] == 25
    assert second[3] and not second[4] and not second[5] and not second[6]
    assert third[2] == "候补" and not third[3]
    phone = w["volunteers"][0].phone
    assert first[1] == phone[:3] + "****" + phone[-4:] and phone not in str(rows)


def test_the_roster_export_runs_as_many_statements_for_a_long_roster(activities_world):
    w = activities_world
    short = _past_activity(w, capacity=2)
    with Counting() as few:
        X.start_roster_export(w["chen"], short)
    from volunteers import activities_services as S

    long = S.create_activity(w["chen"], w["a"].id, beach(title="长名单"))
    for person in [make_person(w["a"], name=f"长{i}") for i in range(10)]:
        S.sign_up(person, long)
    db.session.commit()
    with Counting() as many:
        job = X.start_roster_export(w["chen"], long)
    assert len(_sheets(job)["活动名单"]) == 12 and many.count == few.count


# ------------------------------------------------------------------ a street's points summary
def test_the_street_summary_is_the_street_administrators_and_reads_the_period_rows(points_world):
    w = points_world
    for outsider in (w["scorer"], w["ann"]):
        with pytest.raises(DomainError) as refused:
            X.start_summary_export(outsider, w["street"], "2026")
        assert refused.value.status == 403
    db.session.rollback()
    with pytest.raises(DomainError) as bad:
        X.start_summary_export(w["street_admin"], w["street"], "26")
    assert bad.value.status == 400 and "period" in bad.value.fields
    db.session.rollback()
    make_grant(w["scorer"], w["town"], w["ann"], 9, "other", "汇总")
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 4, "other", "汇总")
    year = f"{utcnow():%Y}"
    with Counting() as few:
        rows = _sheets(X.start_summary_export(w["street_admin"], w["street"], year))["积分汇总"]
    assert rows[1][:4] == ("姓名", "手机号", "社区", "本期积分") and len(rows) == 4
    named = {r[0]: r for r in rows[2:]}
    assert named["安娜"][2] == "东门社区" and named["安娜"][3] == 9 and named["蔡丽"][2] == "西门社区"
    assert "****" in named["安娜"][1] and named["安娜"][6] == 0
    for person in [make_person(w["a"], name=f"汇{i}") for i in range(8)]:
        db.session.commit()
        make_grant(w["scorer"], w["town"], person, 1, "other", "多")
    with Counting() as many:
        rows = _sheets(X.start_summary_export(w["street_admin"], w["street"], year))["积分汇总"]
    assert len(rows) == 12 and many.count == few.count
