"""The points pages: a person's points, leaderboards, the scorer's grant form, the street's admin pages."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from app import db
from tests.factories import count_statements, login, make_people
from volunteers.grants import make_grant
from volunteers.ledger import balance
from volunteers.points_models import Organisation, Quota


def test_a_person_sees_their_points_history_and_chart(client, points_world):
    w = points_world
    make_grant(w["scorer"], w["town"], w["ann"], 12, "waste_sorting", "垃圾分类督导")
    login(client, w["ann"])
    page = client.get("/points/").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "垃圾分类督导" in html and 'id="points-balance">12<' in html
    island = re.search(r'<script type="application/json" id="chart-data"[^>]*>(.*?)</script>', html, re.S)
    months = json.loads(island.group(1))["months"]
    assert len(months["labels"]) == 12 and months["values"][-1] == 12
    assert client.get(f"/points/people/{w['bob'].id}").status_code == 403  # someone else's: not for a resident


def test_the_person_page_and_leaderboard_cost_the_same_queries_whatever_the_rows(client, points_world):
    w = points_world
    login(client, w["ann"])
    make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "一")
    few_person, _ = count_statements(client, f"/points/people/{w['ann'].id}")
    few_board, _ = count_statements(client, "/points/leaderboard")
    for person in make_people(w["a"], 15, "邻居"):
        make_grant(w["scorer"], w["town"], person, 2, "other", "多")
        make_grant(w["scorer"], w["town"], w["ann"], 1, "other", "多")
    many_person, _ = count_statements(client, f"/points/people/{w['ann'].id}")
    many_board, html = count_statements(client, "/points/leaderboard")
    assert many_person == few_person and many_board == few_board
    assert "邻*" in html and "邻居0" not in html and "安娜" in html


def test_the_street_leaderboard_of_the_year(client, points_world):
    w = points_world
    make_grant(w["firm_scorer"], w["firm"], w["cai"], 30, "other", "企业")
    login(client, w["ann"])
    html = client.get("/points/leaderboard?where=street&span=year").get_data(as_text=True)
    assert "蔡*" in html and "爵溪街道" in html


def test_the_scorer_grants_with_the_picker_after_a_confirmation(client, points_world):
    w = points_world
    login(client, w["scorer"])
    form_url = client.get("/points/grant").headers["Location"]
    assert "500" in client.get(form_url).get_data(as_text=True)
    body = {"person": w["ann"].name, "person_id": str(w["ann"].id), "points": "15", "category": "civic_campaign",
            "reason": "文明创建"}
    asked = client.post(form_url, data=body)
    assert asked.status_code == 200 and "confirmed" in asked.get_data(as_text=True) and balance(w["ann"].id) == 0
    done = client.post(form_url, data={**body, "confirmed": "1"})
    assert done.status_code == 302 and balance(w["ann"].id) == 15
    assert "485" in client.get(form_url).get_data(as_text=True)


def test_bad_input_on_the_grant_form_is_shown_beside_the_field_and_kept(client, points_world):
    w = points_world
    login(client, w["scorer"])
    url = f"/points/organisations/{w['town'].id}/grant"
    body = {"person": w["ann"].name, "person_id": str(w["ann"].id), "points": "2.5", "category": "other",
            "reason": "保留的理由", "confirmed": "1"}
    refused = client.post(url, data=body)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="grant-points-error"' in html and "保留的理由" in html
    outside = client.post(url, data={**body, "points": "5", "person": w["cai"].name, "person_id": str(w["cai"].id)})
    assert outside.status_code == 400 and balance(w["cai"].id) == 0  # the picker finds nobody outside the scope
    too_many = client.post(url, data={**body, "points": "51"})
    assert too_many.status_code == 422 and "50" in too_many.get_data(as_text=True) and balance(w["ann"].id) == 0


def test_the_street_admin_sets_up_an_organisation_quota_member_and_caps(client, points_world):
    w = points_world
    login(client, w["street_admin"])
    assert "爵溪针织厂" in client.get("/admin/points/organisations").get_data(as_text=True)
    made = client.post("/admin/points/organisations", data={"name": "爵溪渔业公司", "kind": "enterprise",
                                                             "community_id": str(w["a"].id)})
    assert made.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "爵溪渔业公司"))
    url = f"/admin/points/organisations/{org.id}"
    assert client.post(f"{url}/quotas", data={"period": "2026-Q4", "points": "300"}).status_code == 302
    bad = client.post(f"{url}/quotas", data={"period": "明年", "points": "300"})
    assert bad.status_code == 422 and 'id="quota-period-error"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(Quota.points).where(Quota.organisation_id == org.id)) == 300
    added = client.post(f"{url}/members", data={"person": w["cai"].name, "person_id": str(w["cai"].id)})
    assert added.status_code == 302 and "蔡丽" in client.get(url).get_data(as_text=True)
    caps = f"/admin/points/streets/{w['street'].id}/caps"
    assert client.get(caps).status_code == 200
    saved = client.post(caps, data={"max_per_grant": "30", "person_daily": "60", "person_yearly": "600",
                                    "blood_donation_daily": "10", "blood_donation_yearly": "20"})
    assert saved.status_code == 302
    wrong = client.post(caps, data={"max_per_grant": "-3", "person_daily": "60", "person_yearly": "600"})
    assert wrong.status_code == 422 and 'id="caps-max_per_grant-error"' in wrong.get_data(as_text=True)


def test_the_street_admin_reverses_an_entry_from_the_persons_page(client, points_world):
    w = points_world
    entry = make_grant(w["scorer"], w["town"], w["ann"], 12, "other", "错发")
    login(client, w["street_admin"])
    assert "reason-" in client.get(f"/points/people/{w['ann'].id}").get_data(as_text=True)
    asked = client.post(f"/points/entries/{entry.id}/reverse", data={"reason": "重复"})
    assert asked.status_code == 200 and balance(w["ann"].id) == 12
    done = client.post(f"/points/entries/{entry.id}/reverse", data={"reason": "重复", "confirmed": "1"})
    assert done.status_code == 302 and balance(w["ann"].id) == 0
