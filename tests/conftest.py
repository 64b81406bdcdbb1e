"""Fixtures: every test runs once on SQLite and once on PostgreSQL.

The schema is built by the migrations (so they are tested too) once per backend
and worker; rows are removed after each test, so tests may commit for real and
concurrency tests can use several connections.
"""
from __future__ import annotations

import json
import os
import secrets
from datetime import date

import psycopg
import pytest
from sqlalchemy import text

from app import create_app, db, limiter

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _pg_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    """An application on a fresh database of the backend, migrated to head."""
    folder = tmp_path_factory.mktemp(f"instance-{backend}")
    dbname = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'test.db'}"
    else:
        dbname = f"tongxin_test_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
            # Tests need no durability: a commit need not wait for the disk (several times faster here).
            conn.execute(f'ALTER DATABASE "{dbname}" SET synchronous_commit = off')
        url = _pg_url(dbname)
    application = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret-" + backend,
        "WTF_CSRF_ENABLED": False, "BACKGROUND_SYNC": True, "INSTANCE_PATH": str(folder),
        "SERVER_NAME": None,
    })
    from flask_migrate import upgrade

    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if dbname:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _wipe(application) -> None:
    """Empty the tables a test wrote to (children first), and restart their ids.

    Only the tables that hold rows are touched: TRUNCATE of every table cost about a second per test on
    PostgreSQL, most of the suite's time. Triggers are out of the way while wiping (the ledger's refuses
    DELETE): on PostgreSQL by the replica role for this transaction, on SQLite by dropping and re-creating
    them around the deletes.
    """
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            filled = set(conn.execute(text(probe)).scalars())
            written = [t for t in tables if t in filled]
            if not written:
                return
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in written:
                    conn.execute(text(f'DELETE FROM "{table}"'))
                conn.execute(text("SELECT setval(s, 1, false) FROM (SELECT pg_get_serial_sequence(quote_ident(t), "
                                  "'id') AS s FROM unnest(CAST(:names AS text[])) AS t) AS q WHERE s IS NOT NULL"),
                             {"names": [t for t in written if "id" in db.metadata.tables[t].c]})
            else:
                triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
                # A reversal names the entry it reverses (ledger_entry.reverses_id): check keys at the commit.
                conn.execute(text("PRAGMA defer_foreign_keys = ON"))
                for name, _sql in triggers:
                    conn.execute(text(f'DROP TRIGGER "{name}"'))
                for table in written:
                    conn.execute(text(f'DELETE FROM "{table}"'))
                conn.execute(text("DELETE FROM sqlite_sequence WHERE name IN (SELECT value FROM json_each(:names))")
                             if _has_sqlite_sequence(conn) else text("SELECT 1"), {"names": json.dumps(written)})
                for _name, sql in triggers:
                    conn.execute(text(sql))


def _has_sqlite_sequence(conn) -> bool:
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first() is not None


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts from an empty database inside an app context."""
    with app.app_context():
        yield
        db.session.remove()
    _wipe(app)
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def places():
    """A street (county 象山县) with two communities."""
    from tests.factories import make_community, make_street

    street = make_street()
    return {"street": street, "east": make_community(street, "东门社区"), "west": make_community(street, "西门社区")}


@pytest.fixture
def today():
    return date.today()
