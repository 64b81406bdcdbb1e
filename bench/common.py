"""What the page benches share: the app on a fresh database of each backend, the loop that counts a page's SQL
statements and times it as a multiple of /healthz, and the table printed per backend (a page whose statement
count grows with the rows is marked "grows!" and makes the bench fail).

A bench module gives `seed(size) -> world` (run inside the app context) and `pages(app, world) -> {label:
(client, path, headers)}` (signed-in test clients); `compare(title, sizes, size_label, seed, pages)` runs
both at every size on every backend and prints the tables.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable

from sqlalchemy import event, text

from bench.people_list import BACKENDS, _time, database

BENCH_CONFIG = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                "BACKGROUND_SYNC": True, "SESSION_COOKIE_SECURE": False}
PASSWORD = "bench12345"


def signed_in(app, phone: str, password: str = PASSWORD):
    """A test client signed in with the phone number."""
    client = app.test_client()
    client.post("/login", data={"phone": phone, "password": password})
    return client


def bearer(app, phone: str, password: str = PASSWORD) -> dict:
    """The Authorization header of a token for the phone number."""
    token = app.test_client().post("/api/v1/auth/token", json={"phone": phone, "password": password}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def prepare(db) -> None:
    """create_all, after the extension the requests' search index needs on PostgreSQL (the migrations make it)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    db.create_all()


def measure(url: str, folder: str, size, seed: Callable, pages: Callable) -> dict:
    """Seed one database, then per page: a warm-up request, its statements counted on a second one, and its
    median time over BENCH_REPEAT requests as a multiple of /healthz. {label: (multiple, statements)}."""
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, **BENCH_CONFIG})
    with app.app_context():
        prepare(db)
        world = seed(size)
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # plans from the seeded rows' statistics, as in production
        db.session.commit()
    visits = pages(app, world)
    statements = []
    with app.app_context():
        listener = lambda *_args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
    first_client = next(iter(visits.values()))[0]
    baseline = _time(first_client, "/healthz")
    result = {"baseline_ms": baseline * 1000}
    for label, (client, path, headers) in visits.items():
        client.get(path, headers=headers or {})
        statements.clear()
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)
        count = len(statements)  # before the timing runs, which adds its own requests' statements
        result[label] = (_time(client, path, headers) / baseline, count)
    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", listener)
        db.session.remove()
        db.engine.dispose()
    return result


def run(backend: str, size, seed: Callable, pages: Callable) -> dict:
    """`measure` on a fresh database of the backend (dropped afterwards)."""
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return measure(url, folder, size, seed, pages)


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


def compare(title: str, sizes: list, size_label: Callable, seed: Callable, pages: Callable) -> bool:
    """Run every size on every backend and print a table per backend; False when a count grows."""
    steady = True
    for backend in BACKENDS:
        results = [run(backend, size, seed, pages) for size in sizes]
        steady = print_table(f"{backend}: {title}; time as a multiple of /healthz (SQL statements per request)",
                             [size_label(size) for size in sizes], results) and steady
    return steady
