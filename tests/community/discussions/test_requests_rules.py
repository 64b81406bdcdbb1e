"""Supports (once each, the threshold queue), the follow-up workflow (no skipped or backward step but the one
reopen), notices to the submitter and every supporter exactly once per change, rating once, overdue flags."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.discussions import requests as R
from community.discussions import requests_submit as S
from community.discussions.models import RequestEvent, Support
from community.discussions.requests_reminders import OVERDUE, UPDATE, flag_overdue
from community.errors import Conflict, DomainError, Forbidden, Invalid
from community.reminders.models import Reminder
from tests.community.discussions.conftest import raise_item


def _events(item) -> int:
    return db.session.scalar(select(func.count()).select_from(RequestEvent).where(RequestEvent.request_id == item.id))


def _walk(town, item, *steps):
    for step in steps:
        extra = {"responsible": "街道劳动保障所", "deadline": date(2026, 12, 20)} if step == "decided" else {}
        R.change_status(town["handler"], item, step, f"→ {step}", **extra)


def test_a_resident_supports_once(town, item):
    assert S.support(town["neighbours"][0], item) == 1
    with pytest.raises(Conflict) as refused:
        S.support(town["neighbours"][0], item)
    assert refused.value.status == 409
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    db.session.refresh(item)
    assert item.support_count == 1


def test_one_cannot_support_ones_own_or_a_closed_item(town, item):
    with pytest.raises(DomainError):
        S.support(town["submitter"], item)
    R.change_status(town["handler"], item, "declined", "不属于议事范围")
    with pytest.raises(DomainError):
        S.support(town["neighbours"][0], item)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 0


def test_at_the_threshold_the_item_joins_the_queue(app, town, item, monkeypatch):
    monkeypatch.setitem(app.config, "DISCUSSION_SUPPORT_THRESHOLD", 3)
    other = raise_item(town, title="房东不退押金")
    for neighbour in town["neighbours"][:2]:
        S.support(neighbour, item)
    assert R.queue(town["a"].id) == []
    S.support(town["neighbours"][2], item)
    for neighbour in town["neighbours"][3:6]:
        S.support(neighbour, other)
    assert [i.id for i in R.queue(town["a"].id)] == [item.id, other.id]
    assert R.queue(town["b"].id) == []
    # Joining the queue is a step of the history, and the submitter and supporters hear of it.
    note = db.session.scalars(select(RequestEvent.note).where(RequestEvent.request_id == item.id)
                              .order_by(RequestEvent.id.desc())).first()
    assert "3" in note
    # A queued item may go straight onto a meeting's agenda; an unqueued one may not.
    R.change_status(town["handler"], item, "on_agenda", "列入议程")
    fresh = raise_item(town, title="没人附议的")
    with pytest.raises(DomainError):
        R.change_status(town["handler"], fresh, "on_agenda", "列入议程")


def test_twenty_simultaneous_supports_by_one_resident_leave_one(app, backend, town, item):
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the race needs PostgreSQL")
    import threading

    from community.discussions.models import Request
    from community.people.models import Person

    person_id, item_id = town["neighbours"][0].id, item.id
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(20), [], threading.Lock()

    def support():
        with app.app_context():
            actor, found = db.session.get(Person, person_id), db.session.get(Request, item_id)
            db.session.rollback()
            barrier.wait()
            try:
                S.support(actor, found)
                outcome = "supported"
            except Conflict:
                outcome = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=support) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["supported"]
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    assert db.session.get(Request, item_id).support_count == 1


def test_the_workflow_refuses_skipped_and_backward_steps(town, item):
    for wrong in ("on_agenda", "decided", "in_progress", "done"):
        with pytest.raises(DomainError):
            R.change_status(town["handler"], item, wrong, "跳步")
    _walk(town, item, "accepted", "on_agenda")
    for wrong in ("submitted", "accepted", "declined", "in_progress", "done"):
        with pytest.raises(DomainError):
            R.change_status(town["handler"], item, wrong, "倒退")
    with pytest.raises(Invalid):  # deciding names who is responsible
        R.change_status(town["handler"], item, "decided", "决定")
    _walk(town, item, "decided", "in_progress", "done")
    assert item.status == "done" and item.closed_at is not None and item.deadline_on == date(2026, 12, 20)
    with pytest.raises(DomainError):  # not rated unsatisfied: no reopening
        R.change_status(town["handler"], item, "in_progress", "重新办理")
    assert _events(item) == 6  # submitted + five steps, nothing from the refusals


def test_declining_needs_a_reason_and_is_final(town, item):
    with pytest.raises(Invalid) as refused:
        R.change_status(town["handler"], item, "declined", "  ")
    assert "note" in refused.value.fields
    R.change_status(town["handler"], item, "declined", "属于劳动仲裁范围，已告知仲裁途径")
    for step in ("accepted", "on_agenda"):
        with pytest.raises(DomainError):
            R.change_status(town["handler"], item, step, "")


def test_only_handlers_of_the_community_move_an_item(town, item):
    for stranger in (town["neighbours"][0], town["submitter"], town["admin_b"], town["outsider"]):
        with pytest.raises(Forbidden):
            R.change_status(stranger, item, "accepted", "受理")
    db.session.refresh(item)
    assert item.status == "submitted" and _events(item) == 1
    R.change_status(town["admin"], item, "accepted", "受理")  # the community's administrator may


def test_each_change_notifies_the_submitter_and_every_supporter_exactly_once(town, item):
    backers = town["neighbours"][:3]
    for neighbour in backers:
        S.support(neighbour, item)
    _walk(town, item, "accepted", "on_agenda")
    rows = db.session.execute(select(Reminder.recipient_id, Reminder.occasion).where(
        Reminder.kind == UPDATE, Reminder.channel == "inbox")).all()
    expected = {town["submitter"].id, *(p.id for p in backers)}
    occasions = {occasion for _r, occasion in rows}
    assert len(occasions) == 2  # one per change
    for occasion in occasions:
        recipients = [r for r, o in rows if o == occasion]
        assert sorted(recipients) == sorted(expected)  # each once: no duplicates, nobody missing
    # Notifying the same change again adds nothing (the outbox's key is the change).
    from community.reminders.services import notify

    event = db.session.scalars(select(RequestEvent).order_by(RequestEvent.id.desc())).first()
    assert notify(UPDATE, f"request:{item.id}", f"event:{event.id}", expected) == 0
    db.session.commit()


def test_the_submitter_rates_once_after_closure_and_may_reopen_once(town, item):
    with pytest.raises(DomainError) as early:
        R.rate(town["submitter"], item, "satisfied")
    assert early.value.code == "not_closed"
    _walk(town, item, "accepted", "on_agenda", "decided", "in_progress", "done")
    with pytest.raises(Forbidden):
        R.rate(town["neighbours"][0], item, "satisfied")
    with pytest.raises(Invalid):
        R.rate(town["submitter"], item, "great")
    R.rate(town["submitter"], item, "unsatisfied", reopen=True, note="工资只发了一半")
    assert item.status == "in_progress" and item.has_reopened and item.rating is None
    _walk(town, item, "done")
    R.rate(town["submitter"], item, "unsatisfied")
    with pytest.raises(Conflict):
        R.rate(town["submitter"], item, "satisfied")
    with pytest.raises(DomainError):  # reopened once already
        R.change_status(town["handler"], item, "in_progress", "再次重办")
    db.session.refresh(item)
    assert item.rating == "unsatisfied" and item.status == "done"


def test_a_handler_reopens_once_after_an_unsatisfied_rating(town, item):
    _walk(town, item, "accepted", "on_agenda", "decided", "in_progress", "done")
    R.rate(town["submitter"], item, "unsatisfied")
    with pytest.raises(Invalid):  # reopening says why
        R.change_status(town["handler"], item, "in_progress", "")
    R.change_status(town["handler"], item, "in_progress", "当事人不满意，重新协调")
    assert item.has_reopened and item.rating is None


def test_items_past_their_deadline_are_flagged_to_the_responsible_person_once(town, item):
    _walk(town, item, "accepted", "on_agenda")
    R.change_status(town["handler"], item, "decided", "由赵师傅负责", responsible_person=town["handler"],
                    deadline=date(2026, 12, 10))
    assert flag_overdue(date(2026, 12, 10)) == 0  # on the day itself it is not late yet
    assert flag_overdue(date(2026, 12, 11)) == 1
    assert flag_overdue(date(2026, 12, 12)) == 0  # once per deadline
    assert db.session.scalars(select(Reminder.recipient_id).where(Reminder.kind == OVERDUE)).all() == \
        [town["handler"].id]
    R.change_status(town["handler"], item, "in_progress", "处理中")
    _walk(town, item, "done")
    assert flag_overdue(date(2026, 12, 11) + timedelta(days=30)) == 0  # closed items are not late


def test_the_daily_job_is_registered(app):
    from community.registry import registry

    reg = registry(app)
    assert "discussions.daily" in reg.tasks
    assert reg.scheduled_jobs["discussions.daily"] == {"hour": 8, "minute": 40}
