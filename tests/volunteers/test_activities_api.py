"""The activities' API (shared/API.md) and pages end to end: create, sign up, code, check in and out, confirm;
bad input answers in the error format with nothing written; the list pages' queries do not grow with rows."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app import db
from community.database import as_local, utcnow
from tests.factories import count_statements, login, token_for
from tests.volunteers.activities_world import beach
from volunteers import activities_services as S
from volunteers.activities import Activity


def _body(**overrides):
    values = beach(**overrides)
    for key in ("starts_at", "ends_at"):
        values[key] = as_local(values[key]).replace(tzinfo=None).isoformat()
    return values


def test_the_api_from_creation_to_confirmation(activities_world, client, app):
    w = activities_world
    chen, ann = token_for(client, w["chen"]), token_for(client, w["volunteers"][0])
    made = client.post("/api/v1/activities", json={**_body(starts_at=utcnow() + timedelta(minutes=30),
                                                            ends_at=utcnow() + timedelta(hours=3)),
                                                   "community_id": w["a"].id}, headers=chen)
    assert made.status_code == 201, made.json
    activity_id = made.json["id"]
    assert made.json["places_left"] == 30 and made.json["starts_at"].endswith("+08:00")
    signed = client.post(f"/api/v1/activities/{activity_id}/signups", json={}, headers=ann)
    assert signed.status_code == 201 and signed.json["state"] == "signed_up"
    assert client.post(f"/api/v1/activities/{activity_id}/signups", json={}, headers=ann).status_code == 409
    code = client.get(f"/api/v1/activities/{activity_id}/checkin-code", headers=chen)
    assert code.status_code == 200 and code.json["qr"].startswith("data:image/svg+xml")
    assert client.get(f"/api/v1/activities/{activity_id}/checkin-code", headers=ann).status_code == 403
    scanned = client.post("/api/v1/checkins", json={"code": code.json["code"]}, headers=ann)
    assert scanned.status_code == 200 and scanned.json["action"] == "in", scanned.json
    again = client.post("/api/v1/checkins", json={"code": code.json["code"]}, headers=ann)
    assert again.status_code == 409 and again.json["error"]["code"] == "replayed_code"
    other = client.post("/api/v1/checkins", json={"code": code.json["code"], "activity_id": activity_id + 1},
                        headers=ann)
    assert other.status_code == 422 and other.json["error"]["code"] == "wrong_activity"
    roster = client.get(f"/api/v1/activities/{activity_id}/roster", headers=chen)
    assert [line["name"] for line in roster.json["items"]] == [w["volunteers"][0].name]
    confirmed = client.post(f"/api/v1/activities/{activity_id}/confirm", headers=chen)
    assert confirmed.status_code == 422 and confirmed.json["error"]["code"] == "not_begun"


def test_bad_input_is_a_clear_error_and_nothing_is_written(activities_world, client):
    w = activities_world
    chen = token_for(client, w["chen"])
    for bad, status, field in (({"capacity": 0}, 422, "capacity"), ({"capacity": -1}, 422, "capacity"),
                               ({"capacity": 2.5}, 400, "capacity"), ({"category": "fishing"}, 400, "category")):
        answer = client.post("/api/v1/activities", json={**_body(**bad), "community_id": w["a"].id}, headers=chen)
        assert answer.status_code == status, (bad, answer.json)
        assert field in answer.json["error"]["fields"] and answer.json["error"]["message"]
    body = _body()
    body["ends_at"], body["starts_at"] = body["starts_at"], body["ends_at"]
    answer = client.post("/api/v1/activities", json={**body, "community_id": w["a"].id}, headers=chen)
    assert answer.status_code == 422 and "ends_at" in answer.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    db.session.commit()
    answer = client.post(f"/api/v1/activities/{activity.id}/roster", headers=chen, json={
        "person_id": w["volunteers"][0].id, "checked_in_at": "2031-01-01T10:00", "checked_out_at": "2031-01-01T09:00"})
    assert answer.status_code == 422


def test_the_pages_sign_up_show_the_code_and_scan(activities_world, client):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(starts_at=utcnow() + timedelta(minutes=20),
                                                             ends_at=utcnow() + timedelta(hours=2)))
    db.session.commit()
    login(client, w["volunteers"][0])
    assert "爵溪海滩清洁" in client.get("/activities/").get_data(as_text=True)
    answer = client.post(f"/activities/{activity.id}/signup")
    assert answer.status_code == 302 and "section=signup" in answer.location
    assert client.get(f"/activities/{activity.id}/code").status_code == 403
    client.post("/logout")
    login(client, w["chen"])
    page = client.get(f"/activities/{activity.id}/code").get_data(as_text=True)
    assert "rotating-code.js" in page and "<script>" not in page
    code = page.split('id="checkin-text" aria-live="polite">', 1)[1].split("<", 1)[0]
    client.post("/logout")
    login(client, w["volunteers"][0])
    form = client.get(f"/activities/scan?code={code}").get_data(as_text=True)
    assert code in form
    done = client.post("/activities/scan", data={"code": code})
    assert done.status_code == 302, done.get_data(as_text=True)
    refused = client.post("/activities/scan", data={"code": code})
    assert refused.status_code == 422 and 'id="code-error"' in refused.get_data(as_text=True)


def test_the_list_pages_run_a_fixed_number_of_queries(activities_world, client):
    w = activities_world
    login(client, w["chen"])
    counts = []
    for more in (2, 12):
        for i in range(more - (counts and 2 or 0)):
            activity = S.create_activity(w["chen"], w["a"].id, beach(title=f"活动{i}"))
            S.sign_up(w["volunteers"][i % 6], activity)
        db.session.commit()
        counts.append((count_statements(client, "/activities/")[0],
                       count_statements(client, "/activities/organised")[0]))
    assert counts[0] == counts[1], counts
