"""Do the dues and transfer pages stay as fast, and run as many SQL statements, at 5,000 members as at 50?

One branch with M members, each having paid three quarters of 2026 (nine months: 3M payments, 9M paid months)
and owing the months since, and M/25 transfer letters out. Pages: the dues list with arrears (first page and a
name search), the month's list and the arrears through the API (first and last page, paged in SQL), the
month's .xlsx for the treasurer (made on the task queue: its job page and download), the transfer letters.
Each is timed as a multiple of /healthz in the same run, with its statement count, which must not grow with M.
"""
from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from bench.common import bearer, compare, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [50, int(5000 * SCALE)]


def _seed(members: int) -> int:
    from app import db
    from branches.dues import DuesMonth, DuesPayment, add_months
    from branches.models import Branch, BranchMember
    from branches.transfers import Transfer
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.roles.models import RoleGrant

    street, (community,) = street_with("东门社区")
    branch = Branch(street_id=street.id, name="爵溪第一流动党支部")
    db.session.add(branch)
    db.session.flush()
    db.session.execute(insert(Person), [
        {"name": f"党员{i:05d}", "phone": f"137{i:08d}", "hukou_place": "贵州省毕节市", "is_migrant": True,
         "community_id": community.id, "born_on": date(1985, 1, 1), "has_political_rights": True,
         "is_active_account": True, "must_change_password": False} for i in range(members)])
    people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    db.session.execute(insert(BranchMember), [
        {"branch_id": branch.id, "person_id": pid, "joined_branch_on": date(2026, 1, 1)} for pid in people])
    member_ids = dict(db.session.execute(select(BranchMember.person_id, BranchMember.id)).all())
    amount = Decimal("45.00")
    payments = [{"branch_id": branch.id, "member_id": member_ids[pid], "person_id": pid, "category": "employed",
                 "monthly_income": Decimal("4500.00"), "monthly_amount": amount, "total": amount * 3,
                 "first_month": date(2026, 1 + 3 * q, 1), "months": 3, "paid_on": date(2026, 1 + 3 * q, 10)}
                for pid in people for q in range(3)]
    for start in range(0, len(payments), 5000):
        db.session.execute(insert(DuesPayment), payments[start:start + 5000])
    rows = db.session.execute(select(DuesPayment.id, DuesPayment.person_id, DuesPayment.first_month)).all()
    months = [{"payment_id": pid, "branch_id": branch.id, "person_id": person, "month": add_months(first, n),
               "amount": amount} for pid, person, first in rows for n in range(3)]
    for start in range(0, len(months), 5000):
        db.session.execute(insert(DuesMonth), months[start:start + 5000])
    db.session.execute(insert(Transfer), [
        {"person_id": pid, "member_id": member_ids[pid], "from_branch_id": branch.id, "from_organisation": "",
         "to_organisation": "贵州省毕节市某村党支部", "issued_on": date(2026, 11, 1), "valid_until": date(2027, 1, 31),
         "note": "", "state": "issued"} for pid in people[::25]])
    admin = Person(name="管理员", phone="13800000000", password_hash=hash_password("bench12345"), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    db.session.add(RoleGrant(person_id=admin.id, role="secretary", scope_type="branch", scope_id=branch.id))
    db.session.commit()
    return branch.id


def _seed_world(members: int) -> dict:
    return {"branch": _seed(members), "last_page": max(1, -(-members // 100))}


def _pages(app, world: dict) -> dict:
    admin, branch_id = signed_in(app, "13800000000"), world["branch"]
    api = bearer(app, "13800000000")
    job = admin.post(f"/admin/branches/{branch_id}/dues/export?month=2026-09").headers["Location"]  # the task
    return {
        "branches of the dues (menu)": (admin, "/admin/branches/dues", None),
        "dues list with arrears": (admin, f"/admin/branches/{branch_id}/dues", None),
        "dues list, name search": (admin, f"/admin/branches/{branch_id}/dues?q=党员0004", None),
        "API month's dues (per_page=100)": (admin, f"/api/v1/branches/{branch_id}/dues?month=2026-09&per_page=100",
                                            api),
        "API arrears (per_page=100)": (admin, f"/api/v1/branches/{branch_id}/arrears?per_page=100", api),
        "API arrears, last page": (admin, f"/api/v1/branches/{branch_id}/arrears?per_page=100"
                                          f"&page={world['last_page']}", api),
        "month's dues export: job page": (admin, job, None),
        "month's dues export: .xlsx": (admin, job + ".xlsx", None),
        "transfer letters": (admin, f"/admin/branches/{branch_id}/transfers", None),
        "letter in from outside (form)": (admin, f"/admin/branches/{branch_id}/transfers/incoming", None),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the members."""
    return compare("dues and transfer pages; m = branch members", SIZES, lambda size: f"{size:,} m", _seed_world,
                   _pages)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
