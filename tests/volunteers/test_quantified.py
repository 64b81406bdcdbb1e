"""Quantified points: items and caps the street configures; province 100, city 150, district 50, at most 300."""
from __future__ import annotations

import pytest

from community.errors import DomainError, Forbidden, Invalid
from tests.factories import make_community, make_person, make_street
from volunteers.ledger import balance, reverse_entry
from volunteers.quantified import add_item, award, counted


@pytest.fixture
def items(points_world):
    w, admin = points_world, points_world["street_admin"]
    return {"education": add_item(admin, w["street"], "province", "学历", 30),
            "residence": add_item(admin, w["street"], "province", "居住年限", 80),
            "welfare": add_item(admin, w["street"], "city", "公益服务", 150),
            "blood": add_item(admin, w["street"], "city", "无偿献血", 40),
            "district": add_item(admin, w["street"], "district", "区级表彰", 50)}


def test_an_item_is_awarded_up_to_its_cap(points_world, items):
    w = points_world
    entry = award(w["street_admin"], items["education"], w["ann"], 30, "本科")
    assert entry.kind == "quantified" and balance(w["ann"].id) == 30
    with pytest.raises(DomainError, match="30"):
        award(w["street_admin"], items["education"], w["ann"], 1)
    assert counted(w["ann"].id)["levels"]["province"] == 30


def test_the_level_caps_and_the_total(points_world, items):
    w, admin = points_world, points_world["street_admin"]
    award(admin, items["education"], w["ann"], 30)
    award(admin, items["residence"], w["ann"], 70)  # province: 100, at its cap
    with pytest.raises(DomainError, match="100"):
        award(admin, items["residence"], w["ann"], 1)
    award(admin, items["welfare"], w["ann"], 120)
    award(admin, items["blood"], w["ann"], 30)  # city: 150
    with pytest.raises(DomainError, match="150"):
        award(admin, items["blood"], w["ann"], 1)
    award(admin, items["district"], w["ann"], 50)  # 300 in all
    assert counted(w["ann"].id)["total"] == 300 == balance(w["ann"].id)


def test_a_reversed_award_stops_counting(points_world, items):
    w, admin = points_world, points_world["street_admin"]
    entry = award(admin, items["education"], w["ann"], 30)
    reverse_entry(admin, entry.id, "学历认定有误")
    assert counted(w["ann"].id)["total"] == 0
    award(admin, items["education"], w["ann"], 20)
    assert balance(w["ann"].id) == 20


def test_bad_items_and_awards_are_refused(points_world, items):
    w, admin = points_world, points_world["street_admin"]
    with pytest.raises(Invalid):
        add_item(admin, w["street"], "district", "太多", 51)  # above the level's own cap
    with pytest.raises(Invalid):
        add_item(admin, w["street"], "county", "未知层级", 5)
    for points in (0, -1, 2.5):
        with pytest.raises(Invalid):
            award(admin, items["education"], w["ann"], points)
    with pytest.raises(Forbidden):
        award(w["scorer"], items["education"], w["ann"], 5)
    elsewhere = make_person(make_community(make_street("丹东街道"), "城东社区"), name="外街道")
    with pytest.raises(Forbidden):  # the street administrator's scope does not reach another street
        award(admin, items["education"], elsewhere, 5)
    assert balance(w["ann"].id) == 0


def test_the_street_page_adds_items_and_awards_them(client, points_world):
    from tests.factories import login

    w = points_world
    login(client, w["street_admin"])
    url = f"/admin/points/streets/{w['street'].id}/quantified"
    added = client.post(f"{url}/items", data={"level": "city", "name": "无偿献血", "max_points": "40"})
    assert added.status_code == 302
    too_many = client.post(f"{url}/items", data={"level": "district", "name": "区级", "max_points": "60"})
    assert too_many.status_code == 422 and 'id="item-max_points-error"' in too_many.get_data(as_text=True)
    from sqlalchemy import select

    from app import db
    from volunteers.quantified import QuantifiedItem

    item_id = db.session.scalar(select(QuantifiedItem.id))
    body = {"person": w["ann"].name, "person_id": str(w["ann"].id), "item_id": str(item_id), "points": "40"}
    assert client.post(f"{url}/awards", data=body).status_code == 302 and balance(w["ann"].id) == 40
    over = client.post(f"{url}/awards", data={**body, "points": "1"})
    assert over.status_code == 422 and 'id="award-points-error"' in over.get_data(as_text=True)
