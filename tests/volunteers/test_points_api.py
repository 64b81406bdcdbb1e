"""The points API: organisations, quotas, members, grants, a person's points, reversal, leaderboard."""
from __future__ import annotations

from tests.factories import token_for


def test_the_street_sets_up_an_organisation_and_its_scorer_grants(client, points_world):
    w = points_world
    admin = token_for(client, w["street_admin"])
    made = client.post("/api/v1/organisations", headers=admin,
                       json={"name": "爵溪网格一", "kind": "grid", "community_id": w["a"].id})
    assert made.status_code == 201, made.json
    org_id = made.json["id"]
    quota = client.post(f"/api/v1/organisations/{org_id}/quotas", headers=admin, json={"period": "2026-Q4",
                                                                                       "points": 100})
    assert quota.status_code == 201 and quota.json["starts_on"] == "2026-10-01" and quota.json["remaining"] == 100
    again = client.post(f"/api/v1/organisations/{org_id}/quotas", headers=admin, json={"period": "2026-Q4",
                                                                                       "points": 120})
    assert again.status_code == 200 and again.json["points"] == 120
    overlap = client.post(f"/api/v1/organisations/{org_id}/quotas", headers=admin, json={"period": "2026-11",
                                                                                         "points": 5})
    assert overlap.status_code == 422 and overlap.json["error"]["code"] == "period_overlaps"
    bad = client.post(f"/api/v1/organisations/{org_id}/quotas", headers=admin, json={"period": "2026-13",
                                                                                     "points": 5})
    assert bad.status_code == 400 and "period" in bad.json["error"]["fields"]
    member = client.post(f"/api/v1/organisations/{org_id}/members", headers=admin, json={"person_id": w["bob"].id})
    assert member.status_code == 201
    listed = client.get(f"/api/v1/organisations/{org_id}/members", headers=admin)
    assert listed.json["total"] == 1 and listed.json["items"][0]["name"] == "鲍勃"


def test_grant_answers_of_the_api(client, points_world):
    w = points_world
    scorer = token_for(client, w["firm_scorer"])
    body = {"organisation_id": w["firm"].id, "person_id": w["cai"].id, "points": 10, "category": "other",
            "reason": "企业志愿服务"}
    made = client.post("/api/v1/grants", headers=scorer, json=body)
    assert made.status_code == 201 and made.json["amount"] == 10 and made.json["kind"] == "grant"
    assert client.post("/api/v1/grants", headers=scorer, json={**body, "person_id": w["ann"].id}).status_code == 403
    assert client.post("/api/v1/grants", headers=scorer, json={**body, "points": 1.5}).status_code == 400
    assert client.post("/api/v1/grants", headers=scorer, json={**body, "points": -3}).status_code == 400
    assert client.post("/api/v1/grants", headers=scorer, json={**body, "points": 190}).status_code == 422
    assert client.post("/api/v1/grants", headers=scorer, json={**body, "organisation_id": w["town"].id}
                       ).status_code == 403
    from app import db
    from volunteers.points_models import Quota

    db.session.execute(Quota.__table__.update().values(points=15))
    db.session.commit()
    full = client.post("/api/v1/grants", headers=scorer, json={**body, "points": 6})
    assert full.status_code == 409 and full.json["error"]["code"] == "quota_exhausted"


def test_points_reversal_and_the_leaderboard(client, points_world):
    from volunteers.grants import make_grant

    w = points_world
    entry = make_grant(w["scorer"], w["town"], w["ann"], 30, "waste_sorting", "分类")
    make_grant(w["scorer"], w["town"], w["bob"], 40, "waste_sorting", "分类")
    ann = token_for(client, w["ann"])
    mine = client.get(f"/api/v1/people/{w['ann'].id}/points", headers=ann)
    assert mine.status_code == 200 and mine.json["balance"] == 30 and mine.json["stars"] == 0
    assert mine.json["entries"][0]["reason"] == "分类" and mine.json["hours"] == "0.00"
    assert client.get(f"/api/v1/people/{w['bob'].id}/points", headers=ann).status_code == 403
    admin = token_for(client, w["street_admin"])
    assert client.get(f"/api/v1/people/{w['bob'].id}/points", headers=admin).json["balance"] == 40
    assert client.post(f"/api/v1/ledger/{entry.id}/reverse", headers=ann, json={"reason": "x"}).status_code == 403
    reversed_ = client.post(f"/api/v1/ledger/{entry.id}/reverse", headers=admin, json={"reason": "重复发放"})
    assert reversed_.status_code == 201 and reversed_.json["amount"] == -30
    assert client.post(f"/api/v1/ledger/{entry.id}/reverse", headers=admin,
                       json={"reason": "再次"}).status_code == 409
    make_grant(w["scorer"], w["town"], w["ann"], 10, "other", "再发")
    board = client.get("/api/v1/leaderboard", headers=ann).json
    assert [(r["rank"], r["name"], r["points"]) for r in board["items"]] == [(1, "鲍*", 40), (2, "安娜", 10)]
    assert board["mine"] == {"rank": 2, "points": 10}
    street = client.get(f"/api/v1/leaderboard?street_id={w['street'].id}&period=2026", headers=ann)
    assert street.status_code == 200
    assert client.get("/api/v1/leaderboard?period=26", headers=ann).status_code == 400
