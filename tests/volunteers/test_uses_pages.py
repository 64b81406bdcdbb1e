"""The pages and API of the uses of points: errors beside the field with the input kept, approvals, the .xlsx
exports on the task queue, the public list masked, and list pages whose queries do not grow with their rows."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app import db
from community.database import utcnow
from tests.factories import count_statements, login, make_person, token_for
from tests.volunteers.uses_world import credit, small_world
from volunteers import allocation as A
from volunteers import redemptions as R
from volunteers.ledger import balance


@pytest.fixture
def w():
    world = small_world()
    world["check"] = R.create_item(world["street_admin"], world["street"], {
        "name": "健康体检", "kind": "health_check", "points": 50, "stock": 3})
    credit(world["ann"], 120, hours=10)
    return world


def test_a_redemption_beyond_the_balance_is_refused_beside_the_field(w, client):
    login(client, w["ann"])
    page = client.post(f"/volunteers/redeem/{w['check'].id}", data={"quantity": "3"})
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="item-{}-quantity-error"'.format(w["check"].id) in body and 'value="3"' in body
    assert "150" in body and "120" in body and db.session.query(R.Redemption).count() == 0


def test_a_resident_redeems_and_an_administrator_approves(w, client):
    login(client, w["ann"])
    done = client.post(f"/volunteers/redeem/{w['check'].id}", data={"quantity": "1"})
    assert done.status_code == 302 and "section=mine" in done.headers["Location"]
    client.post("/logout")
    login(client, w["admin_a"])
    waiting = client.get("/volunteers/approvals").get_data(as_text=True)
    assert "安娜" in waiting and "健康体检" in waiting
    redemption = db.session.query(R.Redemption).one()
    refused = client.post(f"/volunteers/redemptions/{redemption.id}/decline", data={"reason": ""})
    assert refused.status_code == 400 and f'id="redemption-{redemption.id}-reason-error"' in refused.get_data(
        as_text=True)
    approved = client.post(f"/volunteers/redemptions/{redemption.id}/approve", follow_redirects=True)
    assert approved.status_code == 200 and balance(w["ann"].id) == 70


def test_the_redemptions_export_runs_on_the_task_queue(w, client):
    R.apply(w["ann"], w["check"], 1)
    login(client, w["street_admin"])
    job = client.post("/volunteers/redemptions/export")
    assert job.status_code == 302
    page = client.get(job.headers["Location"])
    assert page.status_code == 200
    job_id = job.headers["Location"].rsplit("/", 1)[1].split("?")[0]
    workbook = client.get(f"/volunteers/exports/{job_id}.xlsx")
    sheet = load_workbook(BytesIO(workbook.data)).active
    rows = list(sheet.values)
    assert rows[0][1] == "申请人" and rows[1][1] == "安娜" and rows[1][7] == "待审批" and "*" in rows[1][2]
    client.post("/logout")
    login(client, w["admin_a"])
    assert client.get(f"/volunteers/exports/{job_id}.xlsx").status_code == 404  # its owner's only


def test_the_api_refuses_beyond_the_stock_in_the_error_format_and_approves(w, client):
    headers = token_for(client, w["ann"])
    refused = client.post("/api/v1/redemptions", json={"item_id": w["check"].id, "quantity": 4}, headers=headers)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "out_of_stock"
    assert "quantity" in refused.json["error"]["fields"]
    bad = client.post("/api/v1/redemptions", json={"item_id": w["check"].id, "quantity": -1}, headers=headers)
    assert bad.status_code == 400
    made = client.post("/api/v1/redemptions", json={"item_id": w["check"].id}, headers=headers)
    assert made.status_code == 201 and made.json["state"] == "pending"
    approved = client.post(f"/api/v1/redemptions/{made.json['id']}/approve", headers=token_for(client, w["admin_a"]))
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    again = client.post(f"/api/v1/redemptions/{made.json['id']}/approve", headers=token_for(client, w["admin_a"]))
    assert again.status_code == 409


def test_the_public_list_masks_other_names_and_states_the_rule(w, client):
    allocation = A.create_allocation(w["street_admin"], w["street"], {
        "title": "积分入学", "places": 1, "opens_at": utcnow() - timedelta(days=3), "closes_at": utcnow()})
    for person in (w["ann"], w["bob"]):
        A.apply(person, allocation, now=allocation.closes_at - timedelta(hours=1))
    A.publish_ranking(w["street_admin"], allocation, now=allocation.closes_at)
    login(client, w["bob"])
    body = client.get(f"/volunteers/allocations/{allocation.id}").get_data(as_text=True)
    assert "安*" in body and "安娜" not in body and "鲍勃" in body  # his own name, the other masked
    assert str(A.TIE_BREAKER)[:10] in body or "积分" in body
    api = client.get(f"/api/v1/allocations/{allocation.id}", headers=token_for(client, w["bob"])).json
    assert [line["name"] for line in api["applications"]] == ["安*", "鲍勃"] and api["tie_breaker"]


def test_creating_an_allocation_keeps_the_input_beside_the_error(w, client):
    login(client, w["street_admin"])
    page = client.post("/volunteers/allocations/", data={"street_id": w["street"].id, "title": "公租房",
                                                          "places": "0", "opens_at": "2026-12-01T08:00",
                                                          "closes_at": "2026-12-20T17:00"})
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="new-places-error"' in body and 'value="公租房"' in body


def test_list_pages_do_not_grow_their_queries_with_rows(w, client):
    login(client, w["admin_a"])
    credit(w["bob"], 500)
    R.apply(w["ann"], w["check"], 1)
    few, _ = count_statements(client, "/volunteers/approvals")
    for n in range(8):
        someone = make_person(w["a"], name=f"居民{n}")
        credit(someone, 100)
        R.apply(someone, w["check"], 1)
    many, body = count_statements(client, "/volunteers/approvals")
    assert "居民7" in body and many == few
