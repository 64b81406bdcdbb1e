"""Flags for humans (branches/flags.py): the thresholds, idempotent raising (also with simultaneous jobs on
PostgreSQL), who sees which flags (the secretary their branch's, a liaison their own members' only), resolving
with a note, and the reminders to the secretary and the liaison."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from branches.flags import Flag, dues_paid_up_to, flags_query, months_before, open_flags, raise_flags, resolve_flag
from branches.life import attendance
from branches.life_reminders import FLAG
from branches.models import Position
from community.errors import DomainError, Forbidden
from community.reminders.models import Reminder
from tests.branches.life_world import build, hold
from tests.factories import login

TODAY = date(2026, 12, 3)


@pytest.fixture
def w():
    world = build()
    # Everyone has assigned work except 博; everyone was at the November party day except 蔡 (on leave).
    for name in ("wang", "an", "cai", "du"):
        db.session.add(Position(member_id=world["member"](world[name]).id, title="网格员", since=date(2025, 3, 1)))
    db.session.add(Position(member_id=world["member"](world["li"]).id, title="大管家", since=date(2025, 3, 1)))
    db.session.commit()
    # Everyone has paid their dues for the quarter except 杜, who never has.
    from branches.dues import record_payment

    for name, secretary in (("wang", "wang"), ("an", "wang"), ("bo", "wang"), ("cai", "wang"), ("li", "li")):
        record_payment(world[secretary], world["member"](world[name]), category="employed",
                       first_month=date(2026, 10, 1), months=3, monthly_income="4000")
    db.session.commit()
    hold(world["wang"], world["b1"], "party_day", date(2026, 11, 15),
         present=[world["wang"], world["an"], world["bo"], world["du"]], leave=[world["cai"]])
    hold(world["li"], world["b2"], "party_day", date(2026, 11, 15), present=[world["li"]])
    return world


def _kinds(w) -> dict[str, set[str]]:
    names = {w["member"](w[n]).id: n for n in ("wang", "an", "bo", "cai", "du", "er", "li")}
    found: dict[str, set[str]] = {}
    for flag in db.session.scalars(select(Flag).where(Flag.resolved_on.is_(None))):
        found.setdefault(names[flag.member_id], set()).add(flag.kind)
    return found


def test_months_arithmetic():
    assert months_before(date(2026, 12, 3), 6) == date(2026, 6, 3)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)


def test_thresholds_and_what_is_flagged(w):
    w["member"](w["an"]).last_contact_on = date(2026, 6, 2)    # 6 months and a day: flagged
    w["member"](w["bo"]).last_contact_on = date(2026, 6, 3)    # exactly 6 months: not yet
    db.session.commit()
    raise_flags(TODAY)
    kinds = _kinds(w)
    assert kinds["an"] == {"out_of_contact"}
    assert kinds["bo"] == {"no_work"}                  # no position; contact exactly 6 months ago is fine
    assert kinds["cai"] == {"no_life"}                 # on leave is not present
    assert kinds["du"] == {"no_dues"}                 # never paid (branches.dues.paid_up_to)
    assert "wang" not in kinds and "li" not in kinds
    assert "er" not in kinds                           # left the branch: no flags
    assert dues_paid_up_to([w["member"](w["an"]).id]) == {w["member"](w["an"]).id: date(2026, 12, 1)}


def test_raising_twice_raises_each_flag_once_and_nothing_is_removed(w):
    first = raise_flags(TODAY)
    assert first and raise_flags(TODAY) == [] and raise_flags(date(2026, 12, 4)) == []
    total = db.session.scalar(select(func.count()).select_from(Flag))
    # 蔡 comes to a meeting: his flag stays open until a person resolves it.
    hold(w["wang"], w["b1"], "group", date(2026, 12, 3), present=[w["cai"]])
    raise_flags(date(2026, 12, 5))
    assert db.session.scalar(select(func.count()).select_from(Flag)) == total
    assert "no_life" in _kinds(w)["cai"]


def test_a_resolved_flag_is_not_raised_again_for_six_months(w):
    raise_flags(TODAY)
    flag = db.session.scalar(select(Flag).where(Flag.kind == "no_work"))
    resolve_flag(w["wang"], flag.id, "已安排其担任楼道长", today=TODAY)
    assert raise_flags(date(2027, 1, 3)) == []
    assert raise_flags(date(2027, 6, 4)) != []  # over six months later, still without work


def test_secretary_sees_the_branch_s_flags_and_a_liaison_only_their_own_members(w):
    raise_flags(TODAY)
    names = {f.member.person.name for f in db.session.scalars(flags_query(w["wang"])).unique()}
    assert names == {w["bo"].name, w["cai"].name, w["du"].name}
    assert list(db.session.scalars(flags_query(w["li"]))) == []              # another branch's secretary
    # 贵州联络员 follows 王 and 安 (no flags); 河南联络员 follows 蔡 only, not 博 of the same branch.
    assert list(db.session.scalars(flags_query(w["liaison"]))) == []
    henan = {f.member.person.name for f in db.session.scalars(flags_query(w["other_liaison"])).unique()}
    assert henan == {w["cai"].name}
    flags = open_flags([w["member"](w["cai"]).id, w["member"](w["bo"]).id])
    assert {f.kind for f in flags[w["member"](w["cai"]).id]} == {"no_life"}


def test_resolving_needs_a_note_and_the_right_person(w):
    raise_flags(TODAY)
    flag = db.session.scalar(select(Flag).where(Flag.kind == "no_life"))  # 蔡, home organisation K
    with pytest.raises(DomainError):
        resolve_flag(w["wang"], flag.id, "  ")
    db.session.rollback()
    for stranger in (w["li"], w["liaison"]):
        with pytest.raises(Forbidden):
            resolve_flag(stranger, flag.id, "看看")
        db.session.rollback()
    resolve_flag(w["other_liaison"], flag.id, "本人在外地务工，已参加当地支部活动", today=TODAY)
    db.session.commit()
    flag = db.session.get(Flag, flag.id)
    assert (flag.resolved_on, flag.resolved_by_id) == (TODAY, w["other_liaison"].id)
    with pytest.raises(DomainError, match="已经处理|already"):
        resolve_flag(w["wang"], flag.id, "再处理一次")


def test_flag_pages_show_the_reason_and_resolve_with_post_redirect_get(w, client):
    w["member"](w["an"]).last_contact_on = date(2026, 5, 1)
    db.session.commit()
    raise_flags(TODAY)
    login(client, w["liaison"])
    page = client.get("/admin/branches/flags").get_data(as_text=True)
    assert w["an"].name in page and "个月未联系" in page and w["bo"].name not in page
    flag = db.session.scalar(select(Flag).where(Flag.kind == "out_of_contact"))
    refused = client.post(f"/admin/branches/flags/{flag.id}/resolve", data={"note": ""})
    assert refused.status_code == 422 and "请说明" in refused.get_data(as_text=True)
    done = client.post(f"/admin/branches/flags/{flag.id}/resolve", data={"note": "已电话联系，下月返回"})
    assert done.status_code == 302
    assert "已处理" in client.get("/admin/branches/flags").get_data(as_text=True)
    client.post("/logout")
    login(client, w["li"])
    assert w["an"].name not in client.get("/admin/branches/flags").get_data(as_text=True)


def test_flag_reminders_go_to_the_secretary_and_the_member_s_liaison_once(w):
    new = raise_flags(TODAY)
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == FLAG)).all()
    cai = db.session.scalar(select(Flag).where(Flag.kind == "no_life"))
    assert {r.recipient_id for r in rows if r.subject == f"branch_flag:{cai.id}"} == {w["wang"].id,
                                                                                     w["other_liaison"].id}
    bo = db.session.scalar(select(Flag).where(Flag.kind == "no_work"))
    assert {r.recipient_id for r in rows if r.subject == f"branch_flag:{bo.id}"} == {w["wang"].id}
    assert len({r.subject for r in rows}) == len(new)
    raise_flags(TODAY)
    assert db.session.scalar(select(func.count()).where(Reminder.kind == FLAG)) == len(rows)


def test_attendance_counts_per_member(w):
    counts = attendance([w["member"](w[n]).id for n in ("an", "cai", "er")], date(2026, 6, 1), TODAY)
    assert counts[w["member"](w["an"]).id] == (1, 1)
    assert counts[w["member"](w["cai"]).id] == (0, 1)
    assert counts[w["member"](w["er"]).id] == (0, 0)


def test_simultaneous_daily_jobs_raise_each_flag_once(w, app, backend):
    if backend != "postgresql":
        pytest.skip("simultaneous sessions are tested on PostgreSQL")
    barrier, results, errors = threading.Barrier(3), [], []

    def job():
        with app.app_context():
            try:
                barrier.wait()
                results.append(raise_flags(TODAY))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    raised = sorted(i for r in results for i in r)
    assert raised == sorted(db.session.scalars(select(Flag.id)))  # every flag by exactly one job
    assert len(raised) == len(set(raised))


def test_the_daily_job_raises_flags_and_schedules_life_reminders_once(w, app):
    from branches.life_reminders import daily
    from community.registry import registry
    from tests.branches.life_world import at

    assert registry(app).scheduled_jobs["branches.daily"] == {"hour": 8, "minute": 30}
    flags, reminders = daily(at(TODAY, 8))
    assert flags > 0 and reminders > 0
    assert daily(at(TODAY, 9)) == (0, 0)
