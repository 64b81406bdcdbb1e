"""Do the .xlsx exports of points and activities run as many SQL statements for 20,000 rows as for 100?

A street of two communities with N people; a scoring organisation of the first with N grants (one a person, every
tenth reversed); an activity with N sign-ups, half of them checked in; each person's year row (points_period)
and account. Per export (a scoring organisation's grants, an activity's roster, the street's points summary):
the button's POST, which on the bench runs the task at once (BACKGROUND_SYNC), timed, with its statement count
(the task streams 1,000 rows a query); then its job page and its download, which must answer 200. The pages the
buttons are on are timed too, as multiples of /healthz (bench/common.py).
"""
from __future__ import annotations

import os
from datetime import date, timedelta

from sqlalchemy import insert, select

from bench.common import BACKENDS, PASSWORD, Post, compare, counting, seeded, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [100, int(20_000 * SCALE)]
ADMIN_PHONE = "13900000001"


def seed(size: int) -> dict:
    """The street, its people, the organisation's grants, the activity's roster and the year's rows."""
    from app import db
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.people.models import Person
    from community.roles.models import RoleGrant
    from volunteers.activities import Activity, Checkin, Signup
    from volunteers.ledger import PointsAccount, PointsPeriod
    from volunteers.points_models import Grant, Organisation, Quota

    street, communities = street_with("东门社区", "南岙村")
    admin = Person(name="街道管理员", phone=ADMIN_PHONE, hukou_place="浙江省宁波市象山县", born_on=date(1980, 1, 1),
                   community_id=communities[0].id, password_hash=hash_password(PASSWORD), has_political_rights=True,
                   is_active_account=True, must_change_password=False)
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    for start in range(0, size, 5000):
        db.session.execute(insert(Person), [
            {"name": f"志愿者{i:06d}", "phone": f"137{i:08d}", "hukou_place": "浙江省宁波市象山县",
             "community_id": communities[i % 2].id, "born_on": date(1985, 1, 1), "has_political_rights": True,
             "is_active_account": True, "must_change_password": False} for i in range(start, min(start + 5000, size))])
    ids = list(db.session.scalars(select(Person.id).where(Person.id != admin.id).order_by(Person.id)))
    now = utcnow().replace(microsecond=0)
    town = Organisation(name="东门社区居委会", kind="community", community_id=communities[0].id)
    db.session.add(town)
    db.session.flush()
    quota = Quota(organisation_id=town.id, period=f"{now:%Y}", starts_on=date(now.year, 1, 1),
                  ends_on=date(now.year, 12, 31), points=10 * size, used=3 * size)
    starts = now - timedelta(hours=5)
    activity = Activity(title="爵溪海滩清洁", category="volunteer_service", community_id=communities[0].id,
                        organiser_id=admin.id, place="爵溪海滩", starts_at=starts, ends_at=starts + timedelta(hours=3),
                        capacity=size, taken=size, points_rule="per_hour", points=10)
    db.session.add_all([quota, activity])
    db.session.flush()
    year = f"{now:%Y}"
    for start in range(0, len(ids), 5000):
        chunk = list(enumerate(ids))[start:start + 5000]
        db.session.execute(insert(Grant), [
            {"organisation_id": town.id, "quota_id": quota.id, "person_id": pid, "points": 3, "category": "other",
             "reason": "基准", "granted_by_id": admin.id, "created_at": now - timedelta(minutes=n),
             "reversed_at": now if n % 10 == 0 else None} for n, pid in chunk])
        db.session.execute(insert(Signup), [
            {"activity_id": activity.id, "person_id": pid, "state": "signed_up", "created_at": now,
             "updated_at": now} for _n, pid in chunk])
        db.session.execute(insert(Checkin), [
            {"activity_id": activity.id, "person_id": pid, "checked_in_at": starts,
             "checked_out_at": starts + timedelta(hours=2), "method": "hand"} for n, pid in chunk if n % 2 == 0])
        db.session.execute(insert(PointsPeriod), [
            {"person_id": pid, "period": year, "community_id": communities[n % 2].id, "earned": 3 + n % 50,
             "hours": 2} for n, pid in chunk])
        db.session.execute(insert(PointsAccount), [
            {"person_id": pid, "balance": 3, "earned": 3 + n % 50, "hours": 2 + n % 700, "updated_at": now}
            for n, pid in chunk])
    return {"organisation": town.id, "activity": activity.id, "street": street.id, "period": year}


def pages(app, world) -> dict:
    """The pages the export buttons are on, for the street administrator."""
    client = signed_in(app, ADMIN_PHONE)
    return {"organisation page": (client, f"/admin/points/organisations/{world['organisation']}", None),
            "leaderboard (the street's)": (client, "/points/leaderboard?where=street&span=year", None)}


def _exports(backend: str, size: int) -> dict:
    """Each export's POST on a fresh database: (milliseconds, statements, rows/s), its job page and download."""
    result = {}
    with seeded(backend, size, seed) as (app, world), counting(app) as statements:
        client = signed_in(app, ADMIN_PHONE)
        starts = {"grants of an organisation": (f"/points/organisations/{world['organisation']}/export", {}),
                  "an activity's roster": (f"/activities/{world['activity']}/export", {}),
                  "the street's points summary": (f"/points/streets/{world['street']}/export",
                                                  {"period": world["period"]})}
        with app.app_context():  # the POSTs share one app context, as the counts so far were taken
            for label, (path, form) in starts.items():
                export = Post(client, path, [{"data": form}], status=302)
                elapsed, count = export.measure(statements)
                job = export.location.split("?")[0]
                assert client.get(job).status_code == 200 and client.get(f"{job}.xlsx").status_code == 200
                result[label] = (elapsed * 1000, count, size / elapsed)
    return result


def main() -> bool:
    """The button pages' table, then each export's time and statements per size; False when a count grows."""
    steady = compare("the export buttons' pages", SIZES, lambda n: f"{n:,} rows", seed, pages)
    for backend in BACKENDS:
        results = [_exports(backend, size) for size in SIZES]
        print(f"\n{backend}: the exports (the button's POST running the task); ms (SQL statements), rows/s")
        print(f"{'':<32}" + "".join(f"{f'{n:,} rows':>30}" for n in SIZES))
        for label in results[0]:
            counts = [r[label][1] for r in results]
            grows = "  grows!" if counts[-1] > counts[0] else ""
            steady = steady and not grows
            print(f"{label:<32}" + "".join(f"{r[label][0]:>12.0f} ms ({r[label][1]:>2}) {r[label][2]:>8.0f}/s"
                                           for r in results) + grows)
    return steady


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
