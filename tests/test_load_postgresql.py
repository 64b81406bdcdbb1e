"""Load on PostgreSQL, everything recorded exactly once (issue #14, point 5), at the issue's sizes:
200 voters casting at once, 100 volunteers checking in at once, 50 scorers granting against one quota at once,
100 residents supporting one request at once, and the reminders dispatched by two worker processes at once.

The people use the pages they use on their phones (the ballot's confirm button, the scan page, the grant form,
the support button) over real HTTP: the test app is served by werkzeug's threaded server on a free port, one
thread per request, so every request of a burst is inside the application and the database together (gunicorn's
sync workers would take them a few at a time, and its gthread workers would cap them at workers × threads). Each
phone is a thread with its own connection and signed session cookie (tests/load_support.py), CSRF tokens on:
the phones wait at a threading.Barrier and post together. The reminders are dispatched by two processes, each
with its own app and connections, released together by a multiprocessing barrier. The app's pool is widened to
30 connections for the bursts (load_support.wide_pool), and PostgreSQL's own deadlock counter for the test
database must not move. SQLite has one writer: there these races prove nothing, so the module is skipped.
"""
from __future__ import annotations

import multiprocessing
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app import db
from tests.load_support import assert_sound, burst, deadlocks, deadlocks_since, phones, said, served, wide_pool


@pytest.fixture
def pg(app, backend):
    """PostgreSQL only; the app's pool widened for the burst; and no deadlock detected in the test database."""
    if backend != "postgresql":
        pytest.skip("load tests prove exactly-once under real concurrency: SQLite has one writer, PostgreSQL only")
    before = deadlocks()
    with wide_pool():
        yield
    assert deadlocks_since(before) == 0, "PostgreSQL detected a deadlock during the test"


@pytest.fixture
def address(app, pg, monkeypatch):
    """The app served on a free port, with CSRF on (the phones send their tokens, as the pages do)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with served(app) as base:
        yield base


def _count(column, *where) -> int:
    """count(column) of the rows matching `where`."""
    return db.session.scalar(select(func.count(column)).where(*where))


def _report(name: str, result) -> None:
    print(f"\nload: {name}: {len(result.answers)} requests in {result.seconds:.2f} s {result.statuses()}")


# ------------------------------------------------------------------------------------------------ 200 ballots
def test_two_hundred_voters_casting_at_once_are_each_counted_once(app, address):
    from community.elections.models import Participation, RoundTally
    from community.elections.sealed_models import BallotReceipt, SealedBallot
    from community.elections.services import candidates as cands
    from community.elections.services import lifecycle, tally
    from tests.community.elections.conftest import count, make_election
    from tests.factories import make_community, make_people, make_street, put_on_roll

    community = make_community(make_street())
    election = make_election(community)
    voters = make_people(community, 200, "选民")
    put_on_roll(election, voters, election.test_admin)
    candidates = [cands.add_candidate(election.test_admin, election, v).id for v in voters[:3]]
    lifecycle.change_status(election.test_admin, election, "voting")
    db.session.commit()
    marks = [[candidates[0]], [candidates[1], candidates[2]], [candidates[0], candidates[2]]]
    chosen = [marks[i % 3] for i in range(200)]
    url = f"/elections/{election.id}/vote"
    voted = phones(app, address, voters)
    form = [[("candidate_id", str(c)) for c in ticks] + [("confirm", "1")] for ticks in chosen]

    cast = burst([lambda p=p, f=f: p.post(url, f) for p, f in zip(voted, form, strict=True)])
    _report("200 ballots", cast)
    assert_sound(cast, {303})
    assert {a.location for a in cast.answers} == {f"/elections/{election.id}/receipt"}
    kept = [p.session(app)["ballot_receipts"][str(election.id)] for p in voted]
    receipts = {rows[0][1] for rows in kept}
    assert all(len(rows) == 1 for rows in kept) and len(receipts) == 200  # each phone has its own receipt
    board = set(db.session.scalars(select(BallotReceipt.receipt).where(BallotReceipt.election_id == election.id)))
    assert board == receipts
    assert _count(SealedBallot.election_id) == 200 and _count(Participation.id) == 200
    assert _count(func.distinct(Participation.voter_id)) == 200

    again = burst([lambda p=p, f=f: p.post(url, f) for p, f in zip(voted, form, strict=True)])
    _report("200 second ballots", again)
    assert_sound(again, {303})  # back to the receipt page, with the reason in the flash
    message = said(app, "You have already voted in this round. A ballot cannot be changed once cast.")
    assert all(("info", message) in p.session(app).get("_flashes", []) for p in voted)
    db.session.expire_all()
    assert _count(SealedBallot.election_id) == 200 and _count(BallotReceipt.receipt) == 200

    count(election)
    votes = dict(db.session.execute(select(RoundTally.candidate_id, RoundTally.votes)).all())
    assert votes == {c: sum(ticks.count(c) for ticks in chosen) for c in candidates}  # 133 + 67 + 133 marks
    assert sum(votes.values()) == sum(map(len, chosen)) == 333
    assert tally.verify(election) == []


# --------------------------------------------------------------------------------------------- 100 check-ins
def test_one_hundred_volunteers_checking_in_at_once_are_each_in_once(app, address, monkeypatch):
    from community.database import utcnow
    from tests.factories import grant, make_community, make_people, make_person, make_street
    from tests.volunteers.activities_world import beach
    from volunteers import activities_services as S
    from volunteers import checkin as K
    from volunteers.activities import Activity, Checkin, CheckinCodeUse, Signup

    monkeypatch.setitem(app.config, "VOLUNTEER_CHECKIN_CODE_SECONDS", 60)  # the longest a code lives
    community = make_community(make_street())
    chen = make_person(community, name="陈老师")
    grant(chen, "organiser", "community", community.id)
    volunteers = make_people(community, 100, "志愿者")
    starts = (utcnow() + timedelta(minutes=20)).replace(microsecond=0)
    activity = S.create_activity(chen, community.id, beach(starts_at=starts, ends_at=starts + timedelta(hours=3),
                                                           capacity=100))
    db.session.execute(insert(Signup), [{"activity_id": activity.id, "person_id": v.id, "state": "signed_up"}
                                        for v in volunteers])  # 100 places taken (the sign-ups are not raced here)
    db.session.execute(update(Activity).where(Activity.id == activity.id).values(taken=100))
    db.session.commit()
    code = K.issue_code(chen, activity).code  # what the organiser's screen shows
    held = phones(app, address, volunteers)

    first = burst([lambda p=p: p.post("/activities/scan", [("code", code)]) for p in held])
    _report("100 check-ins", first)
    assert_sound(first, {302})
    assert _count(func.distinct(Checkin.person_id), Checkin.activity_id == activity.id) == 100
    assert _count(Checkin.id) == 100 and _count(CheckinCodeUse.person_id) == 100

    again = burst([lambda p=p: p.post("/activities/scan", [("code", code)]) for p in held])
    _report("100 repeated scans", again)
    assert_sound(again, {422})  # the scan page answers every refusal with a 422 and the reason
    message = said(app, "This code was already used. Wait for the next code on the organiser's screen.")
    assert all(message in a.body for a in again.answers)
    db.session.expire_all()
    assert _count(Checkin.id) == 100 and _count(CheckinCodeUse.person_id) == 100
    assert _count(Checkin.id, Checkin.checked_out_at.is_not(None)) == 0
    assert db.session.get(Activity, activity.id).taken == 100


# ----------------------------------------------------------------------------------- 50 scorers, one quota
def test_fifty_scorers_granting_at_once_against_a_quota_of_thirty_grant_thirty(app, address):
    from flask_babel import ngettext

    from community import integrity
    from tests.factories import grant_all, make_people
    from tests.volunteers.points_world import build
    from volunteers.grants import Grant
    from volunteers.ledger import LedgerEntry, PointsAccount
    from volunteers.points_models import Quota

    w = build()
    quota = w["town_quota"]
    db.session.execute(Quota.__table__.update().where(Quota.id == quota.id).values(points=30))
    db.session.commit()
    scorers = make_people(w["a"], 50, "赋分员")
    grant_all(scorers, "scorer", "organisation", w["town"].id)
    residents = make_people(w["a"], 50, "受赠居民")
    url = f"/points/organisations/{w['town'].id}/grant"
    forms = [[("person", r.name), ("person_id", str(r.id)), ("points", "1"), ("category", "volunteer_service"),
              ("reason", "同时赋分"), ("confirmed", "1")] for r in residents]
    held = phones(app, address, scorers)

    result = burst([lambda p=p, f=f: p.post(url, f) for p, f in zip(held, forms, strict=True)])
    _report("50 grants against a quota of 30", result)
    assert_sound(result, {302, 409})
    assert result.statuses() == {302: 30, 409: 20}
    with app.test_request_context():
        exhausted = ngettext("The quota is exhausted: %(num)d point left for %(period)s.",
                             "The quota is exhausted: %(num)d points left for %(period)s.", 0, period=quota.period)
    assert all(exhausted in a.body for a in result.answers if a.status == 409)
    db.session.expire_all()
    left = db.session.scalar(select(Quota.points - Quota.used).where(Quota.id == quota.id))
    assert left == 0
    assert _count(Grant.id) == 30 and _count(LedgerEntry.id) == 30
    assert _count(func.distinct(LedgerEntry.person_id)) == 30
    assert db.session.scalar(select(func.sum(PointsAccount.balance))) == \
        db.session.scalar(select(func.sum(LedgerEntry.amount))) == 30
    assert integrity.check() == []  # every account's totals equal the sum of its entries


# --------------------------------------------------------------------------------------------- 100 supports
def test_one_hundred_residents_supporting_at_once_count_one_hundred(app, address):
    from flask_babel import ngettext

    from community.discussions import requests_submit as S
    from community.discussions.models import Request, RequestEvent, Support
    from community.discussions.requests import threshold
    from tests.factories import make_community, make_people, make_person, make_street

    community = make_community(make_street())
    submitter = make_person(community, name="李晓")
    item = S.submit(submitter, {"kind": "request", "title": "水产加工厂拖欠三个月工资", "category": "wages",
                                "body": "老板一直说资金周转不过来，工资一分没发。", "community_id": community.id,
                                "is_public": True})
    db.session.commit()
    neighbours = make_people(community, 100, "邻居")
    url = f"/requests/{item.id}/support"
    held = phones(app, address, neighbours)

    first = burst([lambda p=p: p.post(url, []) for p in held])
    _report("100 supports", first)
    assert_sound(first, {302})
    db.session.expire_all()
    assert _count(Support.id) == 100 and _count(func.distinct(Support.supporter_id)) == 100
    assert db.session.get(Request, item.id).support_count == 100
    with app.test_request_context():
        joined = ngettext("%(num)d support: the item joins the queue for the next meeting.",
                          "%(num)d supports: the item joins the queue for the next meeting.", threshold())
    queued = _count(RequestEvent.id, RequestEvent.request_id == item.id, RequestEvent.note == joined)

    again = burst([lambda p=p: p.post(url, []) for p in held])
    _report("100 repeated supports", again)
    assert_sound(again, {409})
    message = said(app, "You have already supported this item.")
    assert all(message in a.body for a in again.answers)
    db.session.expire_all()
    assert _count(Support.id) == 100 and db.session.get(Request, item.id).support_count == 100
    assert db.session.get(Request, item.id).queued_at is not None and queued == 1  # joined the queue once


# ------------------------------------------------------------------------------------- reminders, 2 workers
def test_two_workers_dispatching_at_once_deliver_each_reminder_once(app, pg):
    from community.reminders.models import Notification, Reminder, ReminderPreference
    from community.reminders.services import schedule
    from tests.community.elections.conftest import make_election
    from tests.community.reminders.conftest import T0, make_people
    from tests.community.reminders.servers import Webhook
    from tests.factories import make_community, make_street
    from tests.load_support import dispatch_in_process

    context = multiprocessing.get_context("spawn")  # fresh interpreters: nothing shared with this process
    barrier, results = context.Barrier(3), context.Queue()
    with Webhook(["ok"]) as hook:
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                  "SECRET_KEY": app.config["SECRET_KEY"], "BACKGROUND_SYNC": True, "SERVER_NAME": None,
                  "INSTANCE_PATH": app.instance_path, "WEBHOOK_URL": hook.url}
        workers = [context.Process(target=dispatch_in_process, args=(config, T0, barrier, results), daemon=True)
                   for _ in range(2)]
        for worker in workers:
            worker.start()  # they build their apps while the reminders are written
        community = make_community(make_street())
        election = make_election(community, committee=0)  # what the reminders name; no committee needed
        people = make_people(1200, community_id=community.id)  # one INSERT; more than a pass claims at once
        db.session.add_all(ReminderPreference(person_id=p, kind="election_voting_open", channel="webhook",
                                              is_enabled=True) for p in people[:100])
        db.session.commit()
        made = schedule("election_voting_open", f"election:{election.id}", "voting_open:1", people,
                        T0 - timedelta(minutes=5), payload={"election_id": election.id, "round": 1})
        db.session.commit()
        assert made == 1300  # an inbox row each, and a webhook row for the first hundred
        db.session.remove()
        barrier.wait(timeout=180)
        started = time.monotonic()
        passes = [results.get(timeout=180) for _ in workers]
        seconds = time.monotonic() - started
        for worker in workers:
            worker.join(timeout=30)
    print(f"\nload: 2 worker processes dispatched {made} reminders in {seconds:.2f} s, sending "
          f"{' + '.join(str(p['sent']) for p in passes)}")
    assert all(worker.exitcode == 0 for worker in workers)
    assert sum(p["sent"] for p in passes) == made  # not one sent by both
    assert _count(Notification.id) == 1200 == _count(func.distinct(Notification.reminder_id))
    assert _count(Reminder.id, Reminder.state != "sent") == 0
    assert len(hook.requests) == 100 == len(hook.delivered_keys())
