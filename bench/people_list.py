"""Does the people list stay as fast at 100,000 people as at 1,000?

For each size the same database serves: a baseline request (/healthz, one trivial query), the
first page of the people list, a page deep in the list, a name search, and the API list. We report
each as a multiple of the baseline, so machine noise cancels; the SQL statement count per page is
reported too and must not grow with the number of rows.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event, insert, text

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def _seed(app, size: int):
    from app import db
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant

    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    communities = [Community(street_id=street.id, name=f"社区{i}") for i in range(20)]
    db.session.add_all(communities)
    db.session.flush()
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
    return communities[3].id


def _time(client, url: str, headers=None) -> float:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


@contextmanager
def database(backend: str, folder: str):
    """A fresh database URL of the backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder}/bench.db"
        return
    import psycopg

    name = f"tongxin_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(backend: str, size: int) -> dict:
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return _measure(url, folder, size)


def _measure(url: str, folder: str, size: int) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})  # the test client speaks plain HTTP
    with app.app_context():
        db.create_all()
        community_id = _seed(app, size)
        # What `flask` does after bulk imports: refresh the planner's statistics.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"phone": "13800000000", "password": "bench12345"})
    token = client.post("/api/v1/auth/token", json={"phone": "13800000000", "password": "bench12345"}).json["token"]
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    pages = max(1, size // 30)
    urls = {
        "list, first page": "/admin/people/",
        "list, deep page": f"/admin/people/?page={pages // 2}",
        "list, community filter": f"/admin/people/?community_id={community_id}&migrant=1",
        "search by name prefix": "/admin/people/?q=居民0005",
        "API list (per_page=100)": "/api/v1/people?per_page=100",
    }
    baseline = _time(client, "/healthz")
    result = {"baseline_ms": baseline * 1000}
    for label, url in urls.items():
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api") else None
        statements.clear()
        client.get(url, headers=headers)
        count = len(statements)
        result[label] = (_time(client, url, headers) / baseline, count)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> None:
    for backend in BACKENDS:
        results = {size: run(backend, size) for size in SIZES}
        print(f"\n{backend}: people pages, time as a multiple of /healthz (SQL statements per request)")
        print(f"{'':<32}" + "".join(f"{size:>16,}" for size in SIZES))
        labels = [k for k in results[SIZES[0]] if k != "baseline_ms"]
        for label in labels:
            print(f"{label:<32}" + "".join(f"{results[s][label][0]:>10.1f}x ({results[s][label][1]:>2})"
                                           for s in SIZES))
        print(f"{'baseline /healthz median (ms)':<32}" + "".join(f"{results[s]['baseline_ms']:>16.2f}"
                                                               for s in SIZES))
