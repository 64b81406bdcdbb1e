"""The mediation part of the access matrix's world (tests/community/test_access_matrix.py): the identity
"mediator" (a mediator of community A) with its open case {mediation_case}; on A's discussion meeting {meeting}
an agenda item {agenda_item}; {fresh_request}, a request of A not in the queue; {figures_job}, admin_a's export."""
from __future__ import annotations

from app import db
from community.discussions import mediation
from community.discussions.agenda import add_item
from community.discussions.models import Request
from community.meetings.models import Meeting
from tests.factories import grant, make_people

KEYS = frozenset({"mediation_case", "agenda_item", "fresh_request", "figures_job"})


def _request(community, submitter, *, queued: bool) -> Request:
    row = Request(kind="request", title="楼道堆物", body="楼道堆满杂物", category="safety", community_id=community.id,
                  submitter_id=submitter.id, status="submitted", search_text="楼道堆物",
                  queued_at=mediation.utcnow() if queued else None)
    db.session.add(row)
    db.session.commit()
    return row


def build(community_a, who: dict, meeting_id: int) -> dict:
    """The identity "mediator", a case, an agenda item, a request out of the queue and an export job; the
    placeholders' ids (after the requests' world, which adds "discussion_member")."""
    from community.background import start_job

    mediator, = make_people(None, 1, "调解员")  # living in no community: no resident's rights in A
    raiser, = make_people(community_a, 1, "居民")
    grant(mediator, "mediator", "community", community_a.id)
    who["mediator"] = mediator
    case = mediation.open_case(mediator, community_a.id, {
        "kind": "landlord_tenant", "title": "押金纠纷", "parties": [
            {"name": "王房东", "side": "房东", "phone": "13900001111"}, {"name": "张租客", "side": "租客"}]})
    meeting = db.session.get(Meeting, meeting_id)
    item = add_item(who["admin_a"], meeting, _request(community_a, raiser, queued=True).id)
    admin_a = who["admin_a"]
    return {"mediation_case": case.id, "agenda_item": item.id,
            "fresh_request": _request(community_a, raiser, queued=False).id,
            "figures_job": start_job(admin_a.id, "discussions.figures_export", admin_a.id, None)}
