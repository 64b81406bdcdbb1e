"""On PostgreSQL: two members taking the same item off the agenda while two others cancel its meeting, all at
once — the request steps back to the queue exactly once (one history row, one notice per person)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.discussions import agenda as A
from community.discussions.mediation_models import AgendaItem
from community.discussions.models import RequestEvent
from community.errors import DomainError
from community.meetings.models import Meeting
from community.meetings.services import cancel_meeting, create_meeting
from community.people.models import Person
from tests.community.discussions.mediation_support import NOW, make_request


def test_simultaneous_take_offs_and_cancellations_return_the_item_once(app, backend, mworld):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    meeting = create_meeting(mworld.admin_a, "discussion", mworld.a.id, {
        "title": "东门社区议事会", "starts_at": NOW + timedelta(days=2), "ends_at": NOW + timedelta(days=2, hours=1),
        "place": "议事厅"}, now=NOW)
    request = make_request(mworld.a, mworld.resident, status="accepted", title="夜市噪音")
    item = A.add_item(mworld.member, meeting, request.id, now=NOW)
    db.session.commit()
    ids = {"meeting": meeting.id, "item": item.id, "request": request.id,
           "people": [mworld.member.id, mworld.admin_a.id]}
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(4), [], threading.Lock()

    def run(n: int):
        with app.app_context():
            try:
                actor = db.session.get(Person, ids["people"][n % 2])
                found = db.session.get(Meeting, ids["meeting"])
                agenda_item = db.session.get(AgendaItem, ids["item"])
                barrier.wait()
                if n < 2:
                    A.remove_item(actor, found, agenda_item, "材料不全", now=NOW)
                else:
                    cancel_meeting(actor, found, "台风", now=NOW)
                outcome = "done"
            except DomainError:
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A take-off or a cancellation wins the request; the others are refused (a second cancellation after a
    # winning take-off is the meetings' own business, so only the request's steps are counted).
    assert len(outcomes) == 4 and "done" in outcomes, outcomes
    assert db.session.scalar(select(func.count()).select_from(RequestEvent).where(
        RequestEvent.request_id == ids["request"], RequestEvent.from_status == "on_agenda",
        RequestEvent.to_status == "accepted")) == 1
