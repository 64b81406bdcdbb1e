"""A phone or ID number registered outside the actor's scope is refused without saying so (security #6, finding 5).

A community administrator of street A must not learn, from the import preview, the person form or the API,
that a phone or ID number exists in street B: the row or field is refused with one neutral message, the same
whoever holds the number outside the scope. Inside the scope the duplicate may be named. The database's unique
keys still keep numbers unique platform-wide.
"""
from __future__ import annotations

import re

import pytest

from community.errors import Conflict, Invalid
from community.people import excel, services
from tests.community.api_support import API, error_of, person_body
from tests.community.import_support import HEADER, id_number, row, upload, xlsx
from tests.community.people_support import base_data, person_count
from tests.factories import login, make_admin, make_community, make_person, make_street, token_for

LEAKS = ("已被登记", "已存在", "already", "exists")


@pytest.fixture
def elsewhere(places):
    """People the east community's administrator may not see: one in another street, one in the
    same street's other community, and a platform account that belongs to no community."""
    other_street = make_street("丹西街道", "宁海县")
    other = make_community(other_street, "桥头社区")
    return {
        "street": make_person(other, phone="13900000501", id_number=id_number(seq="501")),
        "west": make_person(places["west"], phone="13900000502", id_number=id_number(seq="502")),
        "nowhere": make_person(None, phone="13900000503"),
    }


@pytest.fixture
def east_admin(places):
    return make_admin("community_admin", ("community", places["east"].id))


def _check(actor, *rows):
    return excel.check_rows(actor, [dict(zip(HEADER, values, strict=False)) for values in rows])


def test_preview_refuses_numbers_held_elsewhere_with_one_neutral_message(places, elsewhere, east_admin):
    checked = _check(east_admin,
                     row("甲", "13900000501"),                                   # phone held in another street
                     row("乙", "13900000511", number=id_number(seq="501")),       # ID held in another street
                     row("丙", "13900000502"),                                   # phone held in the west community
                     row("丁", "13900000503"))                                   # phone of a platform account
    checked += _check(east_admin, row("戊", "13900000502", number=id_number(seq="501")))  # both, two holders
    messages = set()
    for result in checked:
        assert result["problems"], result
        assert len(result["problems"]) == 1, result["problems"]
        text = result["problems"][0]
        assert not any(word in text for word in LEAKS), text
        assert "13900000" not in text
        messages.add(text)
    assert messages == {excel.cannot_import_message()}
    assert "无法导入" in excel.cannot_import_message()


def test_preview_names_a_duplicate_inside_the_scope(places, east_admin):
    make_person(places["east"], phone="13900000521", id_number=id_number(seq="521"))
    checked = _check(east_admin, row("甲", "13900000521"), row("乙", "13900000522", number=id_number(seq="521")))
    assert any("13900000521" in p and "已被登记" in p for p in checked[0]["problems"])
    assert any("身份证号" in p and "已存在" in p for p in checked[1]["problems"])


def test_preview_page_does_not_reveal_the_other_street(client, places, elsewhere, east_admin):
    login(client, east_admin)
    page = upload(client, xlsx([row("甲", "13900000501")])).get_data(as_text=True)
    assert re.search(r"<td>2</td><td>甲</td>", page)
    assert "无法导入" in page
    assert "已被登记" not in page and "桥头社区" not in page


@pytest.mark.parametrize("holder,field,change", [
    ("street", "phone", {"phone": "13900000501"}),
    ("west", "phone", {"phone": "13900000502"}),
    ("nowhere", "phone", {"phone": "13900000503"}),
    ("street", "id_number", {"id_number": id_number(seq="501"), "born_on": "1995-08-20"}),
])
def test_person_service_refuses_numbers_held_elsewhere_neutrally(places, elsewhere, east_admin, holder, field,
                                                                  change):
    before = person_count()
    with pytest.raises(Invalid) as caught:
        services.create_person(east_admin, base_data(places["east"], **change))
    message = caught.value.fields[field]
    assert not any(word in message for word in LEAKS)
    assert message == services._neutral_refusal(field).fields[field]
    assert person_count() == before
    mine = make_person(places["east"], phone="13900000530")
    with pytest.raises(Invalid) as caught:
        services.update_person(east_admin, mine, change)
    assert caught.value.fields[field] == message


def test_person_service_names_a_duplicate_inside_the_scope(places, east_admin):
    make_person(places["east"], phone="13900000541")
    with pytest.raises(Conflict) as caught:
        services.create_person(east_admin, base_data(places["east"], phone="13900000541"))
    assert "已存在" in caught.value.fields["phone"]


def test_person_form_and_api_refuse_numbers_held_elsewhere_neutrally(client, places, elsewhere, east_admin):
    login(client, east_admin)
    response = client.post("/admin/people/new", data={
        "name": "李晓", "phone": "13900000501", "hukou_place": "贵州省毕节市", "community_id": places["east"].id,
        "grid_id": 0, "born_on": "1999-03-02", "living_since_on": "2023-05-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "无法登记" in page
    assert not any(word in page for word in ("已被登记", "已存在"))
    client.post("/logout")
    headers = token_for(client, east_admin)
    before = person_count()
    response = client.post(f"{API}/people", json=person_body(places["east"], phone="13900000501"), headers=headers)
    error = error_of(response, 400, "invalid")
    assert not any(word in str(error) for word in LEAKS)
    assert "无法登记" in error["fields"]["phone"]
    assert person_count() == before
