"""Do the uses-of-points pages stay as fast, and run as many SQL statements, at 2,000 residents as at 50?

One street with R residents, each with service points in the ledger; a catalogue of 20 items; a pending
redemption from every resident (the approver's pending-work page and the API list them); a school-place
allocation with every resident's application, ranked and in its public notice. Pages: the resident's catalogue,
the street's catalogue, the approver's pending work, the allocation's public list (as the administrator and as a
resident), my certificates, and the API's pending redemptions and allocation list. Each is timed as a multiple of
/healthz in the same run, with its statement count, which must not grow with R.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta

from sqlalchemy import event, insert, select, text

from bench.people_list import BACKENDS, _time, database

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [50, int(2000 * SCALE)]
PASSWORD = "bench12345"


def _seed(residents: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant
    from volunteers import allocation as A
    from volunteers import redemptions as R
    from volunteers.ledger import LedgerEntry, PointsAccount

    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = Community(street_id=street.id, name="东门社区")
    db.session.add(community)
    db.session.flush()
    hashed = hash_password(PASSWORD)
    db.session.execute(insert(Person), [
        {"name": f"居民{i:05d}", "phone": f"137{i:08d}", "hukou_place": "贵州省毕节市", "is_migrant": True,
         "community_id": community.id, "born_on": date(1985, 1, 1), "has_political_rights": True,
         "is_active_account": True, "must_change_password": False, "password_hash": hashed}
        for i in range(residents)])
    people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    long_ago = utcnow() - timedelta(days=30)
    db.session.execute(insert(LedgerEntry), [
        {"person_id": pid, "amount": 100 + n % 50, "kind": "activity", "category": "volunteer_service",
         "hours": 10 + n % 7, "source_type": "bench", "source_id": n, "reason": "", "created_at": long_ago}
        for n, pid in enumerate(people)])
    db.session.execute(insert(PointsAccount), [
        {"person_id": pid, "balance": 100 + n % 50, "earned": 100 + n % 50, "hours": 10 + n % 7,
         "updated_at": long_ago} for n, pid in enumerate(people)])
    admin = Person(name="管理员", phone="13800000000", password_hash=hashed, hukou_place="", community_id=community.id)
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    items = [R.CatalogueItem(street_id=street.id, name=f"兑换项目{n:02d}", kind="goods", points=10 + n, stock=10**4)
             for n in range(20)]
    db.session.add_all(items)
    db.session.flush()
    db.session.execute(insert(R.Redemption), [
        {"item_id": items[n % 20].id, "person_id": pid, "community_id": community.id, "quantity": 1,
         "points": items[n % 20].points, "state": "pending", "note": "", "reason": "", "created_at": long_ago}
        for n, pid in enumerate(people)])
    now = utcnow()
    allocation = A.Allocation(street_id=street.id, title="积分入学", kind="school_place", places=residents // 10,
                              opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))
    db.session.add(allocation)
    db.session.flush()
    db.session.execute(insert(A.AllocationApplication), [
        {"allocation_id": allocation.id, "person_id": pid, "note": "", "created_at": long_ago} for pid in people])
    db.session.commit()
    A.publish_ranking(admin, allocation, now=now)
    return {"allocation": allocation.id, "resident_phone": "13700000007"}


def _measure(url: str, folder: str, residents: int) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the migrations' schema, with the ledger's append-only triggers
        seeded = _seed(residents)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    admin, resident = app.test_client(), app.test_client()
    admin.post("/login", data={"phone": "13800000000", "password": PASSWORD})
    resident.post("/login", data={"phone": seeded["resident_phone"], "password": PASSWORD})
    token = admin.post("/api/v1/auth/token", json={"phone": "13800000000", "password": PASSWORD}).json["token"]
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    allocation = seeded["allocation"]
    urls = {
        "resident: catalogue and my applications": (resident, "/volunteers/redeem"),
        "resident: allocation's public list": (resident, f"/volunteers/allocations/{allocation}"),
        "resident: my certificates": (resident, "/volunteers/certificates/"),
        "admin: street's catalogue": (admin, "/volunteers/catalogue"),
        "admin: pending work (approvals)": (admin, "/volunteers/approvals"),
        "admin: allocation's list": (admin, f"/volunteers/allocations/{allocation}"),
        "API pending redemptions (per_page=100)": (admin, "/api/v1/redemptions/pending?per_page=100"),
        "API allocation with its list": (admin, f"/api/v1/allocations/{allocation}"),
    }
    baseline = _time(admin, "/healthz")
    result = {"baseline_ms": baseline * 1000}
    for label, (client, address) in urls.items():
        headers = {"Authorization": f"Bearer {token}"} if address.startswith("/api") else None
        statements.clear()
        assert client.get(address, headers=headers).status_code == 200, address
        count = len(statements)  # of the one request (the timed runs below would add theirs)
        result[label] = (_time(client, address, headers) / baseline, count)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the residents."""
    steady = True
    for backend in BACKENDS:
        results = {}
        for size in SIZES:
            folder = tempfile.mkdtemp(prefix="tongxin-bench-uses-")
            with database(backend, folder) as url:
                results[size] = _measure(url, folder, size)
        print(f"\n{backend}: uses of points; time as a multiple of /healthz (SQL statements per request); "
              "r = residents, each with a pending redemption and an application")
        print(f"{'':<42}" + "".join(f"{f'{size:,} r':>16}" for size in SIZES))
        for label in [k for k in results[SIZES[0]] if k != "baseline_ms"]:
            counts = {results[s][label][1] for s in SIZES}
            steady &= len(counts) == 1
            print(f"{label:<42}" + "".join(f"{results[s][label][0]:>10.1f}x ({results[s][label][1]:>2})"
                                           for s in SIZES) + ("" if len(counts) == 1 else "  ← grows"))
        print(f"{'baseline /healthz median (ms)':<42}" + "".join(f"{results[s]['baseline_ms']:>16.2f}"
                                                                 for s in SIZES))
    return steady


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
