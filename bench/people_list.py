"""Does the people list stay as fast at 100,000 people as at 1,000?

For each size the same database serves: a baseline request (/healthz, one trivial query), the
first page of the people list, a page deep in the list, a name search, and the API list. We report
each as a multiple of the baseline, so machine noise cancels; the SQL statement count per page is
reported too and must not grow with the number of rows.
"""
from __future__ import annotations

import os
from datetime import date

from sqlalchemy import insert

# BACKENDS, database and _time lived here before bench/common.py: still importable from here.
from bench.common import BACKENDS, bearer, compare, database, signed_in, street_with  # noqa: F401
from bench.common import median_time as _time  # noqa: F401

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]


def _seed(size: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.roles.models import RoleGrant

    street, communities = street_with(*(f"社区{i}" for i in range(20)))
    rows = [{"name": f"居民{i:06d}", "phone": f"139{i:08d}", "hukou_place": "贵州省毕节市", "is_migrant": i % 4 != 0,
             "community_id": communities[i % 20].id, "born_on": date(1990, 1, 1), "has_political_rights": True,
             "is_active_account": True, "must_change_password": False}
            for i in range(size)]
    for start in range(0, size, 5000):
        db.session.execute(insert(Person), rows[start:start + 5000])
    admin = Person(name="管理员", phone="13800000000", password_hash=hash_password("bench12345"), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    db.session.commit()
    return {"community": communities[3].id, "deep": max(1, size // 30) // 2}


def _pages(app, world: dict) -> dict:
    admin, api = signed_in(app, "13800000000"), bearer(app, "13800000000")
    return {
        "list, first page": (admin, "/admin/people/", None),
        "list, deep page": (admin, f"/admin/people/?page={world['deep']}", None),
        "list, community filter": (admin, f"/admin/people/?community_id={world['community']}&migrant=1", None),
        "search by name prefix": (admin, "/admin/people/?q=居民0005", None),
        "API list (per_page=100)": (admin, "/api/v1/people?per_page=100", api),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the people."""
    return compare("people pages", SIZES, lambda size: f"{size:,}", _seed, _pages)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
