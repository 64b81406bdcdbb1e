"""What the page benches share: the app on a fresh database of each backend, the loop that counts a page's SQL
statements and times it as a multiple of /healthz, and the table printed per backend (a page whose statement
count grows with the rows is marked "grows!" and makes the bench fail).

A bench module gives `seed(size) -> world` (run inside the app context) and `pages(app, world) -> {label:
visit}` with signed-in test clients, where a visit is a page `(client, path, headers)` (its path may be a
callable, called when its turn comes: a page that exists only after a write above it) or a write, `Post`;
`compare(title, sizes, size_label, seed, pages)` runs both at every size on every backend and prints the
tables (`migrate=True`: the schema built by the migrations, as a deployment builds it, not by create_all).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import event, insert, select, text

BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_CONFIG = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                "BACKGROUND_SYNC": True, "SESSION_COOKIE_SECURE": False}  # the test client speaks plain HTTP
PASSWORD = "bench12345"


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


def median_time(client, path: str, headers=None) -> float:
    """The median seconds of BENCH_REPEAT (15) GETs of the path, each of which must answer 200."""
    samples = []
    for _ in range(int(os.environ.get("BENCH_REPEAT", "15"))):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def signed_in(app, phone: str, password: str = PASSWORD):
    """A test client signed in with the phone number."""
    client = app.test_client()
    client.post("/login", data={"phone": phone, "password": password})
    return client


def bearer(app, phone: str, password: str = PASSWORD) -> dict:
    """The Authorization header of a token for the phone number."""
    token = app.test_client().post("/api/v1/auth/token", json={"phone": phone, "password": password}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def street_with(*names: str) -> tuple:
    """(street, [communities]): 爵溪街道 with a community of each name, flushed."""
    from app import db
    from community.places.models import Community, Street

    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    communities = [Community(street_id=street.id, name=name) for name in names]
    db.session.add_all(communities)
    db.session.flush()
    return street, communities


def people(community, n: int, prefix: str, start: int) -> list[int]:
    """n residents of the community named prefix00000…, phones 15 and start + i; their ids in order."""
    from app import db
    from community.people.models import Person

    rows = [{"name": f"{prefix}{i:05d}", "phone": f"15{start + i:09d}", "hukou_place": "浙江省宁波市象山县",
             "is_migrant": False, "community_id": community.id, "born_on": date(1980, 1, 1), "gender": "F",
             "living_since_on": date(2000, 1, 1), "has_political_rights": True, "is_active_account": True,
             "must_change_password": False} for i in range(n)]
    for chunk in range(0, n, 5000):
        db.session.execute(insert(Person), rows[chunk:chunk + 5000])
    return list(db.session.scalars(select(Person.id).where(Person.name.like(f"{prefix}%")).order_by(Person.id)))


def prepare(db, migrate: bool = False) -> None:
    """The schema: the migrations (`migrate`), else create_all after the extension the requests' search index
    needs on PostgreSQL (the migrations make it)."""
    if migrate:
        from flask_migrate import upgrade

        upgrade()
        return
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    db.create_all()


@contextmanager
def seeded(backend: str, size, seed: Callable, migrate: bool = False):
    """(app, world): the app on a fresh database of the backend, its schema built and `seed(size)` run, then
    ANALYZE (plans from the seeded rows' statistics, as in production); dropped afterwards."""
    from app import create_app, db

    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, **BENCH_CONFIG})
        with app.app_context():
            prepare(db, migrate)
            world = seed(size)
            db.session.commit()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        try:
            yield app, world
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def counting(app):
    """The list the app's SQL statements are counted into while inside (clear it to start a count)."""
    from app import db

    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


@dataclass
class Post:
    """A write: one POST of the path per body (client.post's keyword arguments: json, data, headers), each to
    answer `status`; measured as the median time and the median statements of one (the support that reaches
    DISCUSSION_SUPPORT_THRESHOLD also queues its item: it runs more than the others). `location` keeps the last
    answer's Location header, for a page measured after it."""
    client: Any
    path: str
    bodies: list[dict] = field(default_factory=lambda: [{}])
    status: int = 201
    location: str = ""

    def measure(self, statements: list) -> tuple[float, int]:
        samples, counts = [], []
        for body in self.bodies:
            statements.clear()
            began = time.perf_counter()
            answer = self.client.post(self.path, **body)
            samples.append(time.perf_counter() - began)
            counts.append(len(statements))
            assert answer.status_code == self.status, (self.path, answer.status_code)
            self.location = answer.headers.get("Location", "")
        return statistics.median(samples), sorted(counts)[len(counts) // 2]


def _page(visit: tuple, statements: list) -> tuple[float, int]:
    """A warm-up GET, the statements of a second one, then its median time."""
    client, path, headers = visit
    path = path() if callable(path) else path
    client.get(path, headers=headers or {})
    statements.clear()
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code)
    count = len(statements)  # before the timing runs, which adds its own requests' statements
    return median_time(client, path, headers), count


def measure(app, world, pages: Callable) -> dict:
    """Per visit of `pages(app, world)`, in order: {label: (time as a multiple of /healthz, statements)}."""
    visits = pages(app, world)
    first = next(iter(visits.values()))
    with counting(app) as statements:
        baseline = median_time(first.client if isinstance(first, Post) else first[0], "/healthz")
        result = {"baseline_ms": baseline * 1000}
        for label, visit in visits.items():
            seconds, count = visit.measure(statements) if isinstance(visit, Post) else _page(visit, statements)
            result[label] = (seconds / baseline, count)
    return result


def run(backend: str, size, seed: Callable, pages: Callable, migrate: bool = False) -> dict:
    """`measure` on a fresh database of the backend (dropped afterwards)."""
    with seeded(backend, size, seed, migrate) as (app, world):
        return measure(app, world, pages)


def print_table(title: str, headers: list[str], results: list[dict]) -> bool:
    """One table: a line per page, a column per size; False when a page's statement count grows."""
    width = max([18, *(len(h) + 4 for h in headers)])
    labels = [k for k in results[0] if k != "baseline_ms"]
    column = max([32, *(len(label) + 2 for label in labels)])
    print(f"\n{title}")
    print(f"{'':<{column}}" + "".join(f"{h:>{width}}" for h in headers))
    steady = True
    for label in labels:
        counts = [r[label][1] for r in results]
        grows = "  grows!" if counts[-1] > counts[0] else ""
        steady = steady and not grows
        print(f"{label:<{column}}" + "".join(f"{r[label][0]:>{width - 6}.1f}x ({r[label][1]:>2})" for r in results)
              + grows)
    print(f"{'baseline /healthz median (ms)':<{column}}" + "".join(f"{r['baseline_ms']:>{width}.2f}"
                                                                  for r in results))
    return steady


def compare(title: str, sizes: list, size_label: Callable, seed: Callable, pages: Callable,
            migrate: bool = False) -> bool:
    """Run every size on every backend and print a table per backend; False when a count grows."""
    steady = True
    for backend in BACKENDS:
        results = [run(backend, size, seed, pages, migrate) for size in sizes]
        steady = print_table(f"{backend}: {title}; time as a multiple of /healthz (SQL statements per request)",
                             [size_label(size) for size in sizes], results) and steady
    return steady
