"""The meetings API (shared/API.md): create, list, move, cancel, attendees, attendance, minutes, resolutions."""
from __future__ import annotations

from tests.community.meetings.conftest import STARTS
from tests.factories import token_for


def _create(client, headers, world, **values):
    body = {"kind": "general_meeting", "branch_id": world["branch"].id, "title": "支部党员大会",
            "starts_at": "2026-12-05T14:30:00+08:00", "ends_at": "2026-12-05T16:30:00+08:00",
            "place": "爵溪街道党群服务中心", **values}
    return client.post("/api/v1/meetings", json=body, headers=headers)


def test_a_meeting_through_the_api(client, world):
    headers = token_for(client, world["secretary"])
    created = _create(client, headers, world)
    assert created.status_code == 201, created.json
    meeting = created.json
    assert meeting["starts_at"].startswith("2026-12-05T06:30") and meeting["reminder_offsets_minutes"] == [1440, 60]
    mid = meeting["id"]
    invited = client.post(f"/api/v1/meetings/{mid}/attendees", json={"all_members": True}, headers=headers)
    assert invited.status_code == 201 and len(invited.json["invitees"]) == 5
    stranger = client.post(f"/api/v1/meetings/{mid}/attendance", headers=headers,
                           json={"person_id": world["resident"].id, "attendance": "present"})
    assert stranger.status_code == 422 and "李晓" in stranger.json["error"]["message"]
    entries = [{"person_id": p.id, "attendance": "present"} for p in [world["secretary"], *world["full"]]]
    present = client.post(f"/api/v1/meetings/{mid}/attendance", json={"entries": entries}, headers=headers)
    assert present.json["quorum"]["is_met"] is True and present.json["quorum"]["present"] == 4
    resolution = client.post(f"/api/v1/meetings/{mid}/resolutions", headers=headers,
                             json={"text": "同意转正", "votes_yes": 3, "votes_no": 1})
    assert resolution.status_code == 201 and resolution.json["is_passed"] is True
    empty = client.post(f"/api/v1/meetings/{mid}/minutes", headers=headers)
    assert empty.status_code == 400 and "议题" in empty.json["error"]["fields"]["json"]  # nothing said: refused
    minutes = client.post(f"/api/v1/meetings/{mid}/minutes", headers=headers,
                          json={"chair_id": world["secretary"].id, "topics": "预备党员转正"})
    assert minutes.status_code == 200 and minutes.json["chair_id"] == world["secretary"].id
    moved = client.patch(f"/api/v1/meetings/{mid}", headers=headers,
                         json={"place": "东门社区党群服务站", "reason": "场地冲突"})
    assert moved.json["place"] == "东门社区党群服务站" and moved.json["changes"][0]["reason"] == "场地冲突"
    cancelled = client.post(f"/api/v1/meetings/{mid}/cancel", json={"reason": "台风"}, headers=headers)
    assert cancelled.json["status"] == "cancelled" and len(cancelled.json["changes"]) == 2
    listed = client.get("/api/v1/meetings?per_page=5", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == mid
    ics = client.get(f"/api/v1/meetings/{mid}.ics", headers=headers)
    assert ics.mimetype == "text/calendar" and b"STATUS:CANCELLED" in ics.data


def test_ends_before_starts_is_a_422_naming_the_field(client, world):
    headers = token_for(client, world["secretary"])
    refused = _create(client, headers, world, ends_at="2026-12-05T14:00:00+08:00")
    assert refused.status_code == 422 and "ends_at" in refused.json["error"]["fields"]


def test_a_late_entry_says_so(client, world):
    headers = token_for(client, world["secretary"])
    late = _create(client, headers, world, starts_at="2020-01-04T14:30:00+08:00", ends_at="2020-01-04T16:00:00+08:00")
    assert late.status_code == 201 and late.json["is_late_entry"] is True
    assert STARTS.year == 2026


def test_refusals(client, world):
    other = token_for(client, world["other_secretary"])
    assert _create(client, other, world).status_code == 403
    mine = _create(client, token_for(client, world["secretary"]), world).json["id"]
    resident = token_for(client, world["resident"])
    assert client.get(f"/api/v1/meetings/{mine}", headers=resident).status_code == 403
    assert client.patch(f"/api/v1/meetings/{mine}", json={"place": "x"}, headers=other).status_code == 403
    assert client.get("/api/v1/meetings/999999", headers=resident).status_code == 404
    assert _create(client, other, world, kind="tea_party").status_code == 400


def test_moving_to_an_end_before_the_start_is_a_422_and_changes_nothing(client, world):
    from sqlalchemy import func, select

    from app import db
    from community.meetings.models import MeetingChange
    from community.reminders.models import Reminder

    headers = token_for(client, world["secretary"])
    mid = _create(client, headers, world, starts_at="2036-12-05T14:30:00+08:00",
                  ends_at="2036-12-05T16:30:00+08:00").json["id"]
    client.post(f"/api/v1/meetings/{mid}/attendees", json={"all_members": True}, headers=headers)
    before = {r.id: (r.due_at, r.state) for r in db.session.scalars(select(Reminder))}
    refused = client.patch(f"/api/v1/meetings/{mid}", headers=headers,
                           json={"starts_at": "2036-12-06T14:30:00+08:00", "place": "别处", "reason": "改期"})
    assert refused.status_code == 422 and "ends_at" in refused.json["error"]["fields"]  # ends the 5th, starts the 6th
    db.session.expire_all()
    meeting = client.get(f"/api/v1/meetings/{mid}", headers=headers).json
    assert meeting["place"] == "爵溪街道党群服务中心" and meeting["changes"] == []
    assert db.session.scalar(select(func.count()).select_from(MeetingChange)) == 0
    assert {r.id: (r.due_at, r.state) for r in db.session.scalars(select(Reminder))} == before  # no notice either
