"""Do the points pages stay as fast, and run as many SQL statements, with 2 million ledger rows as with 2,000?

A street of two communities with P people, each with E = 20 ledger entries spread over the last year (P·E
entries), their totals (points_account) and month and year rows (points_period), as the ledger keeps them.
Pages: a person's points page and its API, the leaderboards (community this month, street this year, and the
API), the scorer's grant form; and a grant itself (POST /api/v1/grants), timed over many grants. Each is timed as
a multiple of /healthz in the same run, with its statement count, which must not grow with the ledger.
"""
from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from bench.common import PASSWORD, Post, bearer, compare, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [100, int(100_000 * SCALE)]  # people; 20 entries each
ENTRIES = 20
GRANTS = 30


def _seed(people: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.roles.models import RoleGrant
    from volunteers.ledger import LedgerEntry, PointsAccount, PointsPeriod
    from volunteers.points_models import Organisation, Quota

    street, communities = street_with("东门社区", "南岙村")
    for start in range(0, people, 5000):
        db.session.execute(insert(Person), [
            {"name": f"志愿者{i:06d}", "phone": f"137{i:08d}", "hukou_place": "浙江省宁波市象山县",
             "community_id": communities[i % 2].id, "born_on": date(1985, 1, 1), "has_political_rights": True,
             "is_active_account": True, "must_change_password": False}
            for i in range(start, min(start + 5000, people))])
    ids = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    now = datetime.now(UTC).replace(microsecond=0)
    entries, periods, accounts = [], {}, []
    for n, pid in enumerate(ids):
        total = 0
        for k in range(ENTRIES):
            moment = now - timedelta(days=(n * 7 + k * 17) % 360, hours=k)
            amount = 1 + (n + k) % 9
            total += amount
            entries.append({"person_id": pid, "amount": amount, "kind": "grant", "category": "volunteer_service",
                            "hours": 0, "source_type": "bench", "source_id": n * ENTRIES + k, "reason": "基准",
                            "created_at": moment})
            for period in (f"{moment:%Y-%m}", f"{moment:%Y}"):
                periods[(pid, period)] = periods.get((pid, period), 0) + amount
        accounts.append({"person_id": pid, "balance": total, "earned": total, "hours": 0, "updated_at": now})
        if len(entries) >= 20000:
            db.session.execute(insert(LedgerEntry), entries)
            entries = []
    if entries:
        db.session.execute(insert(LedgerEntry), entries)
    for start in range(0, len(accounts), 10000):
        db.session.execute(insert(PointsAccount), accounts[start:start + 10000])
    communities_of = dict(db.session.execute(select(Person.id, Person.community_id)).all())
    rows = [{"person_id": pid, "period": period, "earned": value, "hours": 0, "community_id": communities_of[pid]}
            for (pid, period), value in periods.items()]
    for start in range(0, len(rows), 10000):
        db.session.execute(insert(PointsPeriod), rows[start:start + 10000])
    organisation = Organisation(name="东门社区居委会", kind="community", community_id=communities[0].id)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(Quota(organisation_id=organisation.id, period=str(now.year), starts_on=date(now.year, 1, 1),
                         ends_on=date(now.year, 12, 31), points=10_000_000, used=0))
    scorer = Person(name="赋分员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="",
                    community_id=communities[0].id)
    db.session.add(scorer)
    db.session.flush()
    db.session.add(RoleGrant(person_id=scorer.id, role="scorer", scope_type="organisation",
                             scope_id=organisation.id))
    db.session.add(RoleGrant(person_id=scorer.id, role="street_admin", scope_type="street", scope_id=street.id))
    db.session.commit()
    return {"person": ids[0], "organisation": organisation.id, "street": street.id,
            "targets": [pid for pid in ids[::2]][:GRANTS]}


def _pages(app, world: dict) -> dict:
    scorer, api = signed_in(app, "13800000000"), bearer(app, "13800000000")
    grants = [{"headers": api, "json": {"organisation_id": world["organisation"], "person_id": pid, "points": 5,
                                        "category": "other", "reason": "基准赋分"}} for pid in world["targets"]]
    return {
        "a person's points page": (scorer, f"/points/people/{world['person']}", None),
        "API a person's points": (scorer, f"/api/v1/people/{world['person']}/points", api),
        "leaderboard, community, month": (scorer, "/points/leaderboard", None),
        "leaderboard, street, year": (scorer, "/points/leaderboard?where=street&span=year", None),
        "API leaderboard, street, year": (scorer, f"/api/v1/leaderboard?street_id={world['street']}&period="
                                                  f"{datetime.now(UTC):%Y}", api),
        "the scorer's grant form": (scorer, f"/points/organisations/{world['organisation']}/grant", None),
        "a grant (POST /api/v1/grants)": Post(scorer, "/api/v1/grants", grants),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the ledger."""
    return compare(f"points pages; e = ledger entries ({ENTRIES} per person)", SIZES,
                   lambda size: f"{size * ENTRIES:,} e", _seed, _pages)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
