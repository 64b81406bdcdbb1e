"""A discussion meeting's agenda drawn from the queue (the request goes on_agenda) and per item a resolution
(decision, responsible unit or person, deadline) that decides the request; nothing half-written on a refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.discussions import agenda as A
from community.discussions.mediation_models import AgendaItem
from community.discussions.models import Request, RequestEvent
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from community.meetings.models import MeetingResolution
from community.meetings.services import create_meeting
from tests.community.discussions.mediation_support import NOW, make_request
from tests.factories import login


@pytest.fixture
def meeting(mworld):
    """A discussion meeting of community A, organised by its administrator, starting in two days."""
    return create_meeting(mworld.admin_a, "discussion", mworld.a.id, {
        "title": "东门社区议事会", "starts_at": NOW + timedelta(days=2), "ends_at": NOW + timedelta(days=2, hours=1),
        "place": "东门社区议事厅"}, now=NOW)


def test_a_member_builds_the_agenda_and_records_a_resolution(mworld, meeting):
    queued = make_request(mworld.a, mworld.resident, status="submitted", supports=12)
    accepted = make_request(mworld.a, mworld.resident, status="accepted", title="夜市噪音")
    assert [r.id for r in A.waiting(meeting)] == [queued.id, accepted.id]
    first = A.add_item(mworld.member, meeting, queued.id, now=NOW)
    A.add_item(mworld.member, meeting, accepted.id, now=NOW)
    assert queued.status == "on_agenda" and accepted.status == "on_agenda"
    assert meeting.agenda == ["押金不退", "夜市噪音"] and A.waiting(meeting) == []
    deadline = (NOW + timedelta(days=16)).date()
    A.resolve_item(mworld.member, meeting, first, {"decision": "由老赵牵头与租赁服务站调解",
                                                   "responsible": "租赁服务站",
                                                   "deadline": deadline}, responsible_person=mworld.mediator, now=NOW)
    request = db.session.get(Request, queued.id)
    assert request.status == "decided" and request.deadline_on == deadline
    assert request.responsible_person_id == mworld.mediator.id and request.responsible == "租赁服务站"
    resolution = db.session.get(MeetingResolution, first.resolution_id)
    assert resolution.is_passed and resolution.due_on == deadline and "租赁服务站" == resolution.responsible
    assert [i.decided_at is not None for i in A.items(meeting)] == [True, False]
    from community.audit.kinds import summary_of
    from community.audit.models import AuditEntry

    steps = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "request.status",
                                                        AuditEntry.object_id == queued.id).order_by(AuditEntry.id))
    assert [summary_of(entry, {}) for entry in steps] == ["已提交 → 已列入议程", "已列入议程 → 已议决"]
    with pytest.raises(Conflict):
        A.resolve_item(mworld.member, meeting, first, {"decision": "再议", "responsible": "居委会",
                                                       "deadline": deadline}, now=NOW)


def test_only_queued_requests_of_the_community_go_on_the_agenda(mworld, meeting):
    fresh = make_request(mworld.a, mworld.resident, status="submitted", queued=False)
    elsewhere = make_request(mworld.b, mworld.resident, status="accepted")
    with pytest.raises(DomainError) as not_queued:
        A.add_item(mworld.member, meeting, fresh.id, now=NOW)
    assert not_queued.value.code == "not_queued"
    with pytest.raises(NotFound):
        A.add_item(mworld.member, meeting, elsewhere.id, now=NOW)
    with pytest.raises(NotFound):
        A.add_item(mworld.member, meeting, 2 ** 40, now=NOW)
    waiting = make_request(mworld.a, mworld.resident)
    for refused in (mworld.resident, mworld.mediator, mworld.admin_b):
        with pytest.raises(Forbidden):
            A.add_item(refused, meeting, waiting.id, now=NOW)
    A.add_item(mworld.member, meeting, waiting.id, now=NOW)
    with pytest.raises(DomainError):  # already on the agenda: no longer in the queue
        A.add_item(mworld.member, meeting, waiting.id, now=NOW)
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 1


@pytest.mark.parametrize("data, field", [
    ({"decision": "", "responsible": "居委会", "deadline": "2026-12-20"}, "decision"),
    ({"decision": "决" * 501, "responsible": "居委会", "deadline": "2026-12-20"}, "decision"),
    ({"decision": "疏通", "responsible": "", "deadline": "2026-12-20"}, "responsible"),
    ({"decision": "疏通", "responsible": "居委会", "deadline": "2026-12-01"}, "deadline"),
    ({"decision": "疏通", "responsible": "居委会", "deadline": "下周"}, "deadline"),
])
def test_a_refused_resolution_writes_nothing(mworld, meeting, data, field):
    item = A.add_item(mworld.member, meeting, make_request(mworld.a, mworld.resident).id, now=NOW)
    events = db.session.scalar(select(func.count()).select_from(RequestEvent))
    with pytest.raises((Invalid, DomainError)) as refused:
        A.resolve_item(mworld.member, meeting, item, data, now=NOW)
    assert field in refused.value.fields
    db.session.expire_all()
    assert db.session.get(Request, item.request_id).status == "on_agenda"
    assert db.session.scalar(select(func.count()).select_from(MeetingResolution)) == 0
    assert db.session.get(AgendaItem, item.id).decided_at is None
    assert db.session.scalar(select(func.count()).select_from(RequestEvent)) == events


def test_the_agenda_page_and_api(app, client, mworld, meeting):
    from community.accounts.services import issue_token

    request = make_request(mworld.a, mworld.resident)
    login(client, mworld.member)
    page = client.get(f"/discussions/meetings/{meeting.id}/agenda")
    assert page.status_code == 200 and "押金不退" in page.text
    assert client.post(f"/discussions/meetings/{meeting.id}/agenda", data={"request_id": request.id}).status_code == 302
    item = db.session.scalar(select(AgendaItem))
    refused = client.post(f"/discussions/meetings/{meeting.id}/agenda/{item.id}/resolution",
                          data={f"item{item.id}-decision": "疏通", f"item{item.id}-deadline": "2026-12-20"})
    assert refused.status_code == 422 and "疏通" in refused.text
    token = {"Authorization": f"Bearer {issue_token(mworld.member)[0]}"}
    agenda = client.get(f"/api/v1/meetings/{meeting.id}/agenda", headers=token)
    assert agenda.status_code == 200 and agenda.json["items"][0]["status"] == "on_agenda"
    decided = client.post(f"/api/v1/meetings/{meeting.id}/agenda/{item.id}/resolution", headers=token, json={
        "decision": "疏通消防通道", "responsible_person_id": mworld.mediator.id, "deadline": "2026-12-20"})
    assert decided.status_code == 200, decided.json
    assert decided.json["decided_at"] and decided.json["status"] == "decided"
    resident = {"Authorization": f"Bearer {issue_token(mworld.resident)[0]}"}
    assert client.get(f"/api/v1/meetings/{meeting.id}/agenda", headers=resident).status_code == 403
