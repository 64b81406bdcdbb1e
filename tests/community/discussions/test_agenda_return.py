"""Back to the queue: an item taken off a meeting's agenda (with a reason), or on the agenda of a meeting that is
cancelled, steps on_agenda → accepted with the note in its history, its people told once, in one unit of work."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.discussions import agenda as A
from community.discussions import requests as workflow
from community.discussions.mediation_models import AgendaItem
from community.discussions.models import Request, RequestEvent, Support
from community.errors import DomainError, Forbidden, Invalid
from community.meetings.services import cancel_meeting, create_meeting
from community.reminders.models import Reminder
from tests.community.discussions.mediation_support import NOW, make_request
from tests.factories import login, make_person


@pytest.fixture
def meeting(mworld):
    """A discussion meeting of community A, organised by its administrator, starting in two days."""
    return create_meeting(mworld.admin_a, "discussion", mworld.a.id, {
        "title": "东门社区议事会", "starts_at": NOW + timedelta(days=2), "ends_at": NOW + timedelta(days=2, hours=1),
        "place": "东门社区议事厅"}, now=NOW)


def _on_agenda(mworld, meeting, title: str):
    request = make_request(mworld.a, mworld.resident, status="accepted", title=title)
    supporter = make_person(mworld.a, name=f"{title}的支持者")
    db.session.add(Support(request_id=request.id, supporter_id=supporter.id, created_at=NOW))
    db.session.commit()
    return A.add_item(mworld.member, meeting, request.id, now=NOW), supporter


def _returns(request_id: int) -> list[RequestEvent]:
    return list(db.session.scalars(select(RequestEvent).where(
        RequestEvent.request_id == request_id, RequestEvent.from_status == "on_agenda",
        RequestEvent.to_status == "accepted")))


def _told(event: RequestEvent) -> Counter:
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == workflow.UPDATE_KIND))
    return Counter((r.recipient_id, r.channel) for r in rows if (r.payload or {}).get("event_id") == event.id)


def test_an_item_taken_off_the_agenda_returns_to_the_queue_with_its_reason(mworld, meeting):
    item, supporter = _on_agenda(mworld, meeting, "夜市噪音")
    request_id = item.request_id
    with pytest.raises(Forbidden):
        A.remove_item(mworld.resident, meeting, item, "不议了")  # not one who manages the agenda
    with pytest.raises(Invalid):
        A.remove_item(mworld.member, meeting, item, " ")  # a reason is required
    assert db.session.get(Request, request_id).status == "on_agenda"
    A.remove_item(mworld.member, meeting, item, "材料不全，下次再议", now=NOW)
    db.session.commit()
    request = db.session.get(Request, request_id)
    assert request.status == "accepted" and [r.id for r in A.waiting(meeting)] == [request_id]
    assert A.items(meeting) == [] and meeting.agenda == []
    back, = _returns(request_id)
    assert back.note == "材料不全，下次再议" and back.actor_id == mworld.member.id
    told = _told(back)
    assert {who for who, _channel in told} == {mworld.resident.id, supporter.id} and set(told.values()) == {1}
    # It may go on the agenda again, of this meeting or another.
    A.add_item(mworld.member, meeting, request_id, now=NOW)
    assert db.session.get(Request, request_id).status == "on_agenda"


def test_the_step_back_is_only_from_the_agenda(mworld, meeting):
    item, _supporter = _on_agenda(mworld, meeting, "押金不退")
    A.resolve_item(mworld.member, meeting, item, {"decision": "由居委会协调", "responsible": "居委会",
                                                  "deadline": (NOW + timedelta(days=10)).date()}, now=NOW)
    with pytest.raises(DomainError):
        A.remove_item(mworld.member, meeting, item, "不议了")  # decided: it stays
    accepted = make_request(mworld.a, mworld.resident, status="accepted", title="路灯不亮")
    with pytest.raises(DomainError):  # the workflow's ordinary path never steps back
        workflow.change_status(mworld.member, accepted, "accepted", "再来一次")
    on_agenda = make_request(mworld.a, mworld.resident, status="on_agenda", title="停车难")
    with pytest.raises(DomainError):
        workflow.change_status(mworld.member, on_agenda, "accepted", "退回")
    db.session.rollback()
    assert db.session.get(Request, on_agenda.id).status == "on_agenda"


def test_cancelling_a_meeting_returns_its_two_undecided_items_exactly_once(mworld, meeting):
    first, supporter = _on_agenda(mworld, meeting, "夜市噪音")
    second, _other = _on_agenda(mworld, meeting, "楼道堆物")
    ids = [first.request_id, second.request_id]
    with pytest.raises(Forbidden):
        cancel_meeting(mworld.resident, meeting, "台风")
    cancel_meeting(mworld.member, meeting, "台风预警，改期", now=NOW)
    db.session.commit()
    assert [db.session.get(Request, i).status for i in ids] == ["accepted", "accepted"]
    kept = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    assert len(kept) == 2 and all(i.decided_at is None for i in kept)  # the record of what it was to discuss
    assert {r.id for r in A.waiting(meeting)} == set(ids)
    for request_id in ids:
        back, = _returns(request_id)
        assert "台风预警，改期" in back.note
        assert set(_told(back).values()) == {1}
    assert supporter.id in {who for who, _channel in _told(_returns(ids[0])[0])}
    with pytest.raises(DomainError):
        cancel_meeting(mworld.member, meeting, "再取消一次")
    with pytest.raises(DomainError):
        A.resolve_item(mworld.member, meeting, first, {"decision": "照办", "responsible": "居委会",
                                                       "deadline": (NOW + timedelta(days=9)).date()}, now=NOW)
    assert all(len(_returns(i)) == 1 for i in ids)


def test_the_agenda_page_takes_an_item_off_after_a_confirmation(client, mworld, meeting):
    item, _supporter = _on_agenda(mworld, meeting, "夜市噪音")
    login(client, mworld.member)
    url = f"/discussions/meetings/{meeting.id}/agenda/{item.id}/remove"
    page = client.get(f"/discussions/meetings/{meeting.id}/agenda").text
    assert url in page
    assert client.post(url, data={"note": ""}).status_code == 422  # the reason, beside its field
    ask = client.post(url, data={"note": "材料不全"})
    assert ask.status_code == 200 and 'name="confirmed"' in ask.text
    assert db.session.get(Request, item.request_id).status == "on_agenda"
    done = client.post(url, data={"note": "材料不全", "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Request, item.request_id).status == "accepted"
