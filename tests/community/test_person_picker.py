"""The shared person picker: its search endpoint (permission first, scope limit, namesakes, masked output, a flat
statement count) and `picked_person`, the one rule by which every form reads the person it names."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from app import db
from community.errors import Forbidden, Invalid
from community.people.picker import PickAmong, picked_person
from tests.community.elections.conftest import committee_member, make_election
from tests.factories import grant, login, make_admin, make_people, make_person, token_for

URL = "/api/v1/people/picker"


def _search(client, headers, scope, action="election.manage", q="张"):
    return client.get(URL, query_string={"scope_type": scope[0], "scope_id": scope[1], "action": action, "q": q},
                      headers=headers or {})


@pytest.fixture
def world(places):
    """An election of 东门社区 with two 张三 there (and one in 西门社区), its committee member and a counter."""
    east, west = places["east"], places["west"]
    election = make_election(east, committee=0)
    first = make_person(east, name="张三", phone="13811110001", born_on=date(1960, 5, 1))
    second = make_person(east, name="张三", phone="13822220002", born_on=date(1999, 5, 1))
    outsider = make_person(west, name="张三", phone="13833330003")
    member = committee_member(election)
    counter = make_person(east, name="计票人")
    grant(counter, "counter", "election", election.id)
    return {"election": election, "first": first, "second": second, "outsider": outsider, "member": member,
            "counter": counter, "scope": ("election", election.id)}


def test_permission_comes_before_the_search(client, world):
    """A resident, a counter (who picks nobody) and a stranger get 403 whatever they type; anonymous 401."""
    resident = world["first"]
    for person in (resident, world["counter"]):
        response = _search(client, token_for(client, person), world["scope"])
        assert response.status_code == 403, response.json
        assert "张三" not in response.get_data(as_text=True)
    assert _search(client, None, world["scope"]).status_code == 401
    # an action that never picks people cannot be used to list them, even by someone who holds it
    admin = world["election"].test_admin
    response = _search(client, token_for(client, admin), world["scope"], action="election.create")
    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"action": "无效的值。"} or "action" in response.json["error"]["fields"]


def test_a_committee_member_finds_the_residents_of_the_elections_community_only(client, world):
    """Who may not list people still picks the election's residents: the two 张三 of 东门社区, not the third."""
    response = _search(client, token_for(client, world["member"]), world["scope"])
    assert response.status_code == 200, response.json
    ids = [item["id"] for item in response.json["items"]]
    assert sorted(ids) == sorted([world["first"].id, world["second"].id])
    assert world["outsider"].id not in ids


def test_namesakes_are_told_apart_by_community_masked_phone_and_age(client, world):
    """Each suggestion shows community, masked phone and age; the whole number never leaves the server."""
    response = _search(client, token_for(client, world["member"]), world["scope"], q="张三")
    items = {item["id"]: item for item in response.json["items"]}
    first, second = items[world["first"].id], items[world["second"].id]
    assert first["phone"] == "138****0001" and second["phone"] == "138****0002"
    assert first["community"] == "东门社区"
    assert first["age"] > second["age"]
    assert first["details"] != second["details"] and "138****0001" in first["details"]
    body = response.get_data(as_text=True)
    assert "13811110001" not in body and "13822220002" not in body


def test_a_phone_number_is_found_only_whole(client, world):
    """A whole number finds its person; a part of one finds nobody (a prefix would rebuild a masked number)."""
    headers = token_for(client, world["member"])
    assert [i["id"] for i in _search(client, headers, world["scope"], q="13822220002").json["items"]] == \
        [world["second"].id]
    assert _search(client, headers, world["scope"], q="1382222").json["items"] == []
    assert _search(client, headers, world["scope"], q="13833330003").json["items"] == []  # the other community


def test_the_session_cookie_of_the_pages_is_enough(client, world):
    """The pages' script calls the search with the signed-in session, no token."""
    login(client, world["member"])
    response = _search(client, None, world["scope"])
    assert response.status_code == 200 and len(response.json["items"]) == 2


def test_an_administrator_searches_their_community_with_person_list(client, places, world):
    """The core's own forms pick in a community scope with person.list; another community's admin may not."""
    east_admin = make_admin("community_admin", ("community", places["east"].id))
    west_admin = make_admin("community_admin", ("community", places["west"].id))
    scope = ("community", places["east"].id)
    assert len(_search(client, token_for(client, east_admin), scope, "person.list").json["items"]) == 2
    assert _search(client, token_for(client, west_admin), scope, "person.list").status_code == 403


def test_at_most_ten_and_the_statement_count_does_not_grow(client, places, world):
    """10 suggestions at most, in the same number of statements for 3 or 40 matching people."""
    headers = token_for(client, world["member"])

    def statements() -> tuple[int, int]:
        seen = []
        listener = lambda *_a: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = _search(client, headers, world["scope"], q="李")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), len(response.json["items"])

    make_people(places["east"], 3, name="李")
    few = statements()
    make_people(places["east"], 37, name="李四")
    many = statements()
    assert few[1] == 3 and many[1] == 10
    assert many[0] == few[0], (few, many)


def test_bad_input_is_a_400_not_a_500(client, world):
    headers = token_for(client, world["member"])
    assert _search(client, headers, world["scope"], q="张" * 51).status_code == 400
    response = client.get(URL, query_string={"scope_type": "election", "scope_id": "x", "action": "election.manage"},
                          headers=headers)
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------- picked_person
def _form(**values) -> MultiDict:
    return MultiDict(values)


def test_picked_person_takes_the_chosen_suggestion(app, world):
    member, scope = world["member"], world["scope"]
    with app.test_request_context():
        person = picked_person(member, _form(person="张三", person_id=str(world["second"].id)), scope,
                               "election.manage")
        assert person.id == world["second"].id


def test_picked_person_offers_the_namesakes_to_choose_from(app, world):
    """Without JavaScript the typed name fits two people: PickAmong names the field and carries both."""
    with app.test_request_context():
        with pytest.raises(PickAmong) as raised:
            picked_person(world["member"], _form(person="张三"), world["scope"], "election.manage")
    error = raised.value
    assert error.fields == {"person": error.message} and "张三" in error.message
    assert sorted(c["id"] for c in error.choices) == sorted([world["first"].id, world["second"].id])
    # choosing one of them (a radio button of the re-rendered form) keeps the typed text
    with app.test_request_context():
        assert picked_person(world["member"], _form(person="张", person_id=str(world["first"].id)),
                             world["scope"], "election.manage").id == world["first"].id


def test_picked_person_resolves_a_unique_name_or_a_whole_phone(app, world, places):
    make_person(places["east"], name="王五")
    with app.test_request_context():
        assert picked_person(world["member"], _form(person="王五"), world["scope"], "election.manage").name == "王五"
        assert picked_person(world["member"], _form(person="138 2222 0002"), world["scope"],
                             "election.manage").id == world["second"].id


def test_picked_person_refuses_beside_the_field(app, world):
    """Nobody found, an empty field, a chosen id outside the scope, or a text that no longer shows the chosen
    person: an Invalid naming the field, never someone else."""
    member, scope = world["member"], world["scope"]
    with app.test_request_context():
        for form in (_form(person="赵六"), _form(person=""), _form(person="", person_id=str(world["outsider"].id)),
                     _form(person="赵六", person_id=str(world["first"].id)), _form(person="1383333")):
            with pytest.raises(Invalid) as raised:
                picked_person(member, form, scope, "election.manage")
            assert "person" in raised.value.fields and not isinstance(raised.value, PickAmong)
        with pytest.raises(Invalid) as raised:
            picked_person(member, _form(voter="赵六"), scope, "election.manage", field="voter")
        assert "voter" in raised.value.fields


def test_picked_person_checks_the_permission_before_looking(app, world):
    """A stranger is refused the same way whether the name exists or not."""
    with app.test_request_context():
        for typed in ("张三", "赵六"):
            with pytest.raises(Forbidden):
                picked_person(world["counter"], _form(person=typed), world["scope"], "election.manage")


def test_the_macro_keeps_the_text_shows_the_error_and_keeps_a_choice_refused_for_another_reason(app, world):
    """After a refused submit: the typed text stays, the error stands beside the field (aria-invalid, described
    by it); the chosen person is dropped only when the refusal was about the choice itself."""
    from flask import render_template_string

    from community.errors import DomainError

    template = ('{% from "_picker.html" import person_picker %}'
                '{{ person_picker("person", "选民", ("election", 1), "election.manage", form=form, error=error) }}')
    form = _form(person="张三", person_id=str(world["first"].id))
    with app.test_request_context():
        try:
            picked_person(world["member"], _form(person="赵六"), world["scope"], "election.manage")
        except Invalid as error:
            not_found = error
        html = render_template_string(template, form=_form(person="赵六", person_id="7"), error=not_found)
        assert 'value="赵六"' in html and 'id="person-error"' in html and 'aria-invalid="true"' in html
        assert 'name="person_id" value=""' in html
        rule = DomainError("规则：候选人须为名单上的选民。", fields={"person": "规则：候选人须为名单上的选民。"})
        html = render_template_string(template, form=form, error=rule)
        assert f'name="person_id" value="{world["first"].id}"' in html and "规则" in html
