"""Do the activity pages stay as fast, and run as many SQL statements, with 2,000 activities as with 50?

A community with N upcoming activities (each with 20 sign-ups) and one activity whose roster holds N/4 sign-ups
with their check-ins. Pages: the activity list (a volunteer's), the organiser's list, the big activity's page
with its roster, the organiser's check-in code screen and its polled code, the volunteer's scan page, and the
API list and roster, the forms to move or call off the big one and a move through the API (which tells its
volunteers and moves their reminders). Each is timed as a multiple of /healthz in the same run, with its
statement count, which must not grow with N.
"""
from __future__ import annotations

import os
from datetime import date, timedelta

from sqlalchemy import insert, select

from bench.common import Post, bearer, compare, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [50, int(2000 * SCALE)]


def _seed(size: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.people.models import Person
    from community.roles.models import RoleGrant
    from volunteers.activities import Activity, Checkin, Signup

    street, (community,) = street_with("东门社区")
    people = max(40, size // 4)
    db.session.execute(insert(Person), [
        {"name": f"志愿者{i:05d}", "phone": f"137{i:08d}", "hukou_place": "贵州省毕节市", "is_migrant": True,
         "community_id": community.id, "born_on": date(1990, 1, 1), "has_political_rights": True,
         "is_active_account": True, "must_change_password": False} for i in range(people)])
    person_ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    organiser = Person(name="陈老师", phone="13800000000", password_hash=hash_password("bench12345"), hukou_place="",
                       community_id=community.id)
    db.session.add(organiser)
    db.session.flush()
    db.session.add(RoleGrant(person_id=organiser.id, role="organiser", scope_type="community", scope_id=community.id))
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    db.session.execute(insert(Activity), [
        {"title": f"海滩清洁{i:05d}", "category": "volunteer_service", "community_id": community.id,
         "organiser_id": organiser.id, "place": "爵溪海滩", "description": "", "starts_at": start + timedelta(hours=i),
         "ends_at": start + timedelta(hours=i + 3), "capacity": max(30, people), "taken": 20,
         "points_rule": "per_hour", "points": 10, "status": "open", "created_at": utcnow()} for i in range(size)])
    activity_ids = list(db.session.scalars(select(Activity.id).order_by(Activity.id)))
    rows = [{"activity_id": aid, "person_id": person_ids[(n + k) % people], "state": "signed_up",
             "created_at": utcnow(), "updated_at": utcnow()}
            for n, aid in enumerate(activity_ids[1:]) for k in range(20)]
    big = activity_ids[0]
    rows += [{"activity_id": big, "person_id": pid, "state": "signed_up", "created_at": utcnow(),
              "updated_at": utcnow()} for pid in person_ids]
    for offset in range(0, len(rows), 5000):
        db.session.execute(insert(Signup), rows[offset:offset + 5000])
    db.session.execute(insert(Checkin), [
        {"activity_id": big, "person_id": pid, "checked_in_at": start, "checked_out_at": start + timedelta(hours=2),
         "method": "code"} for pid in person_ids[::2]])
    db.session.get(Activity, big).taken = people
    db.session.commit()
    return {"big": big}


def _pages(app, world: dict) -> dict:
    organiser, api, big = signed_in(app, "13800000000"), bearer(app, "13800000000"), world["big"]
    return {
        "activity list": (organiser, "/activities/", None),
        "activity list, page 2": (organiser, "/activities/?page=2", None),
        "organiser's list": (organiser, "/activities/organised", None),
        "activity with its roster": (organiser, f"/activities/{big}", None),
        "check-in code screen": (organiser, f"/activities/{big}/code", None),
        "polled check-in code (session)": (organiser, f"/api/v1/activities/{big}/checkin-code", None),
        "volunteer's scan page": (organiser, "/activities/scan", None),
        "API activities (per_page=100)": (organiser, "/api/v1/activities?per_page=100", api),
        "API roster": (organiser, f"/api/v1/activities/{big}/roster", api),
        "change form": (organiser, f"/activities/{big}/change", None),
        "cancel page": (organiser, f"/activities/{big}/cancel-activity", None),
        "API move (POST; its sign-ups told)": Post(organiser, f"/api/v1/activities/{big}/move", [
            {"headers": api, "json": {"starts_at": f"2031-0{month}-10T08:00", "ends_at": f"2031-0{month}-10T11:00",
                                      "place": f"爵溪海滩{month}号口"}} for month in range(1, 6)], status=200),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the activities."""
    return compare("activity pages; a = activities (the big one's roster: a/4 volunteers)", SIZES,
                   lambda size: f"{size:,} a", _seed, _pages, migrate=True)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
