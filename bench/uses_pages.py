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
from datetime import date, timedelta

from sqlalchemy import insert, select

from bench.common import PASSWORD, bearer, compare, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [50, int(2000 * SCALE)]


def _seed(residents: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.people.models import Person
    from community.roles.models import RoleGrant
    from volunteers import allocation as A
    from volunteers import redemptions as R
    from volunteers.ledger import LedgerEntry, PointsAccount

    street, (community,) = street_with("东门社区")
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


def _pages(app, world: dict) -> dict:
    admin, resident = signed_in(app, "13800000000"), signed_in(app, world["resident_phone"])
    allocation, api = world["allocation"], bearer(app, "13800000000")
    return {
        "resident: catalogue and my applications": (resident, "/volunteers/redeem", None),
        "resident: allocation's public list": (resident, f"/volunteers/allocations/{allocation}", None),
        "resident: my certificates": (resident, "/volunteers/certificates/", None),
        "admin: street's catalogue": (admin, "/volunteers/catalogue", None),
        "admin: pending work (approvals)": (admin, "/volunteers/approvals", None),
        "admin: allocation's list": (admin, f"/volunteers/allocations/{allocation}", None),
        "API pending redemptions (per_page=100)": (admin, "/api/v1/redemptions/pending?per_page=100", api),
        "API allocation with its list": (admin, f"/api/v1/allocations/{allocation}", api),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the residents."""
    return compare("uses of points; r = residents, each with a pending redemption and an application", SIZES,
                   lambda size: f"{size:,} r", _seed, _pages, migrate=True)  # the ledger's append-only triggers


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
