"""The database going away in the middle of a request (issue #14, point 3): an error page (503, Chinese, the
app's error template) or the API's error body, nothing half-written, and the next request works again.

Creating a person writes twice in one unit of work: the person, then the audit row. Between the two the
connection dies for real on PostgreSQL (another connection terminates its backend with
pg_terminate_backend, so the driver meets a closed connection) and, on SQLite, the second statement fails with
the driver's OperationalError ("disk I/O error"), as a vanished or unwritable file makes it fail.
"""
from __future__ import annotations

import contextlib
import sqlite3

import psycopg
from sqlalchemy import event, func, select

from app import db
from community.audit.models import AuditEntry
from community.people.models import Person
from tests.community.api_support import API, error_of, person_body
from tests.conftest import PG_ADMIN_URL
from tests.factories import login

PHONE = "13812345678"


@contextlib.contextmanager
def database_goes_away(before: str):
    """The first statement starting with `before` (e.g. "INSERT INTO audit_entry") finds the database gone."""
    engine, fired = db.engine, []

    def execute(cursor, statement, _parameters, _context):
        if fired or not statement.lstrip().upper().startswith(before.upper()):
            return False  # the driver runs it as usual
        fired.append(statement)
        if engine.dialect.name == "postgresql":
            pid = cursor.connection.info.backend_pid
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:  # waits until the backend is gone
                assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
            return False  # the statement goes to the dead connection
        raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "do_execute", execute)
    try:
        yield fired
    finally:
        event.remove(engine, "do_execute", execute)
    assert fired, f"no statement started with {before!r}: the fault was never injected"


def written() -> tuple[int, int]:
    """People with the test's phone, and audit rows of creating a person."""
    db.session.remove()
    people = db.session.scalar(select(func.count()).select_from(Person).where(Person.phone == PHONE))
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "person.create"))
    db.session.remove()
    return people, audits


def page_form(community) -> dict:
    return {"name": "王芳", "phone": PHONE, "gender": "F", "born_on": "1992-02-03", "id_number": "",
            "hukou_place": "贵州省遵义市湄潭县", "community_id": str(community.id), "grid_id": "0",
            "living_since_on": "2020-01-01", "residence_permit_no": "", "residence_permit_until": "",
            "employer": "", "hometown": "遵义", "has_political_rights": "y"}


def test_a_page_whose_database_goes_away_between_two_writes(client, places, admin):
    form = page_form(places["east"])
    login(client, admin)
    db.session.remove()
    with database_goes_away("INSERT INTO audit_entry") as fired:
        response = client.post("/admin/people/new", data=form)
    assert fired
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert "数据库暂时无法连接" in page and "返回首页" in page  # the error template, in Chinese
    assert response.headers["Retry-After"]
    assert written() == (0, 0)  # the person written first is not there either

    # The next request gets a working connection (PostgreSQL: the pool replaced the dead one).
    assert client.get("/healthz").status_code == 200
    again = client.post("/admin/people/new", data=form)
    assert again.status_code == 200, again.get_data(as_text=True)[:500]
    assert written() == (1, 1)


def test_an_api_call_whose_database_goes_away_between_two_writes(client, places, east_admin):
    _admin, headers = east_admin
    body = person_body(places["east"])
    db.session.remove()
    with database_goes_away("INSERT INTO audit_entry"):
        response = client.post(f"{API}/people", json=body, headers=headers)
    error = error_of(response, 503, "unavailable")
    assert error["message"] == "数据库暂时无法连接，本次操作没有保存任何内容，请一分钟后再试。"
    assert written() == (0, 0)
    again = client.post(f"{API}/people", json=body, headers=headers)
    assert again.status_code == 201, again.json
    assert written() == (1, 1)


def test_a_database_gone_before_the_first_query_still_gives_the_error_page(client, places, admin):
    """Signed in, the first query loads the person: the page then renders without the database, as signed out."""
    name = admin.name
    login(client, admin)
    db.session.remove()
    with database_goes_away("SELECT"):
        response = client.get("/admin/people/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "数据库暂时无法连接" in page and name not in page
    assert client.get("/admin/people/").status_code == 200


def test_a_bug_in_a_statement_is_still_a_500_not_an_outage(client, places, east_admin):
    """Only a lost or refused database is a 503: an error in the SQL itself says "something went wrong"."""
    from community.errors import database_unavailable

    db.session.remove()
    with db.engine.connect() as connection:
        try:
            connection.exec_driver_sql("SELECT no_such_column FROM person")
        except Exception as error:  # noqa: BLE001 (whatever the driver calls it)
            assert not database_unavailable(error)
        else:
            raise AssertionError("the statement should have failed")


def test_a_deadlock_or_a_locked_database_says_busy_not_unreachable(client, places, east_admin):
    """The database is there but could not finish (PostgreSQL: deadlock detected, 40P01; SQLite: database is
    locked): a 503 that says the system is busy, with nothing written, not that the database is gone."""
    _admin, headers = east_admin
    engine, fired = db.engine, []

    def execute(_cursor, statement, _parameters, _context):
        if fired or not statement.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRY"):
            return False
        fired.append(statement)
        if engine.dialect.name == "postgresql":
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        raise sqlite3.OperationalError("database is locked")

    body = person_body(places["east"])
    db.session.remove()
    event.listen(engine, "do_execute", execute)
    try:
        response = client.post(f"{API}/people", json=body, headers=headers)
    finally:
        event.remove(engine, "do_execute", execute)
    assert fired
    error = error_of(response, 503, "busy")
    assert error["message"] == "系统正忙，本次操作没有保存任何内容，请稍后再试。"
    assert written() == (0, 0)
