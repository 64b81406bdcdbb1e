"""Transactions that compose: a service called by another joins its unit of work, the outermost commits once,
audit rows go with the work they describe, and an audited refusal keeps its row without committing (or
losing) its caller's work."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app import db
from community.audit.models import AuditEntry
from community.database import after_commit, transactional, unit_of_work, utcnow
from community.elections.services import setup, voting
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from community.places import services as place_services
from community.places.models import Street
from community.roles.models import RoleGrant
from tests.factories import make_admin, make_person


@contextmanager
def commits():
    """Count the COMMITs the database receives inside the block."""
    seen = []

    def on_commit(_connection):
        seen.append(1)

    event.listen(db.engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(db.engine, "commit", on_commit)


def committed(statement):
    """A value as another connection sees it: only what was committed. A bare DB-API connection, as a SQLAlchemy
    one would BEGIN IMMEDIATE on SQLite and wait for the writer under test."""
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        row = cursor.fetchone()
        connection.rollback()
        return row[0] if row else None
    finally:
        connection.close()


def streets_named(name: str) -> int:
    return committed(select(func.count()).select_from(Street).where(Street.name == name))


def audit_rows(action: str) -> int:
    return committed(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


@transactional
def two_streets(actor, first: str, second: str):
    """A service calling two services."""
    place_services.create_street(actor, first)
    place_services.create_street(actor, second)


@pytest.mark.parametrize("second, error", [("东城街道", Conflict), ("", Invalid)])
def test_a_failure_in_the_second_service_leaves_nothing_of_the_first(places, second, error):
    admin = make_admin()
    if second:
        place_services.create_street(admin, second)  # taken: the second service meets a duplicate
    before = audit_rows("street.create")
    with pytest.raises(error):
        two_streets(admin, "西城街道", second)
    assert streets_named("西城街道") == 0
    assert audit_rows("street.create") == before  # no audit row of the undone street either
    assert db.session.scalar(select(func.count()).select_from(Street).where(Street.name == "西城街道")) == 0


def test_the_outermost_unit_commits_once(places):
    admin = make_admin()
    with commits() as seen:
        two_streets(admin, "西城街道", "南城街道")
    assert len(seen) == 1
    assert streets_named("西城街道") == 1 and streets_named("南城街道") == 1
    assert audit_rows("street.create") == 2  # written in that same transaction


def test_nested_units_commit_only_at_the_outermost_and_hooks_run_after_it(places):
    admin = make_admin()
    ran = []
    with commits() as seen, unit_of_work():
        place_services.create_street(admin, "西城街道")
        with unit_of_work():
            after_commit(lambda: ran.append(streets_named("西城街道")))
        assert streets_named("西城街道") == 0 and not seen and not ran
    assert len(seen) == 1 and ran == [1]  # the hook saw the committed row


def _election(places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    now = utcnow()
    election = setup.create_election(admin, places["east"], {
        "title": "测试选举", "seats": 2, "voting_opens_at": now + timedelta(days=5),
        "voting_closes_at": now + timedelta(days=6)})
    return admin, election


def test_an_audited_refusal_neither_commits_nor_loses_the_outer_work(places):
    admin, election = _election(places)
    platform = make_admin()
    with pytest.raises(RuntimeError), unit_of_work():
        new_street(platform, "西城街道")
        with pytest.raises(NotFound):
            voting.check_receipt(admin, election, "NO-SUCH-RECEIPT")
        # The refusal committed nothing: neither the outer work nor (yet) its own row.
        assert streets_named("西城街道") == 0 and audit_rows("election.receipt_refused") == 0
        # …and it did not roll the outer work back either: the unit still sees it.
        assert db.session.scalar(select(func.count()).select_from(Street).where(Street.name == "西城街道")) == 1
        raise RuntimeError("the outer work fails later")
    assert streets_named("西城街道") == 0  # the outer work rolled back…
    assert audit_rows("election.receipt_refused") == 1  # …but the refusal's row was kept
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "election.receipt_refused"))
    assert row.actor_id == admin.id and row.object_id == election.id and "unknown_receipt" in row.summary


def test_a_refusal_caught_by_an_outer_unit_that_commits_is_written_in_its_transaction(places):
    admin, election = _election(places)
    platform = make_admin()
    with commits() as seen, unit_of_work():
        new_street(platform, "西城街道")
        with pytest.raises(NotFound):
            voting.check_receipt(admin, election, "NO-SUCH-RECEIPT")
    assert len(seen) == 1
    assert streets_named("西城街道") == 1 and audit_rows("election.receipt_refused") == 1


def test_a_refusal_on_its_own_keeps_its_row(places):
    admin, election = _election(places)
    with pytest.raises(NotFound):
        voting.check_receipt(admin, election, "NO-SUCH-RECEIPT")
    assert audit_rows("election.receipt_refused") == 1


def new_street(actor, name: str) -> Street:
    return place_services.create_street(actor, name)


def test_dismiss_needs_an_actor_who_may_dismiss(places):
    admin, election = _election(places)
    member = make_person(places["east"], name="委员")
    setup.appoint(admin, election, member, "election_committee")
    with pytest.raises(Forbidden):
        setup.dismiss(None, election, member.id, "election_committee")
    with pytest.raises(TypeError):
        setup.dismiss(admin, election, member.id, "election_committee", commit=False)
    with pytest.raises(Forbidden):  # a resident of the community may not either
        setup.dismiss(make_person(places["east"]), election, member.id, "election_committee")
    assert committed(select(func.count()).select_from(RoleGrant).where(RoleGrant.person_id == member.id)) == 1
    assert setup.dismiss(admin, election, member.id, "election_committee") is True
    assert committed(select(func.count()).select_from(RoleGrant).where(RoleGrant.person_id == member.id)) == 0


def test_work_that_must_commit_alone_refuses_to_run_inside_a_unit(places):
    from community.accounts.throttle import claim_attempt

    with pytest.raises(RuntimeError), unit_of_work():
        claim_attempt("13700000000", utcnow())


def test_refusal_rows_need_a_unit_of_work():
    from community.audit.services import record_refusal

    with pytest.raises(RuntimeError):
        record_refusal(None, "x.refused", "no unit")
    with pytest.raises(RuntimeError):
        after_commit(lambda: None)


def test_a_job_is_queued_only_when_its_unit_commits(places):
    from community.background import Job, start_job

    admin = make_admin()
    with pytest.raises(DomainError), unit_of_work():
        start_job(admin.id, "export", admin.id, {})
        raise DomainError("changed our mind")
    assert committed(select(func.count()).select_from(Job)) == 0
    job_id = start_job(admin.id, "export", admin.id, {})  # immediate mode: it ran once the job row was committed
    assert committed(select(Job.state).where(Job.id == job_id)) == "done"
