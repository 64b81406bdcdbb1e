"""The elections page and GET /api/v1/elections list the same elections (one rule: elections_query); forms
name residents by phone as it was stored."""
from __future__ import annotations

import re

from tests.community.elections.conftest import committee_member, make_election
from tests.factories import grant, login, make_admin, make_community, make_person, make_street, token_for


def listed_by_page(client, person) -> list[int]:
    login(client, person)
    page = client.get("/elections/").get_data(as_text=True)
    client.post("/logout")
    return [int(n) for n in re.findall(r'href="/elections/(\d+)"', page)]


def listed_by_api(client, person) -> list[int]:
    answer = client.get("/api/v1/elections?per_page=100", headers=token_for(client, person))
    assert answer.status_code == 200, answer.json
    return [item["id"] for item in answer.json["items"]]


def test_the_page_and_the_api_list_the_same_elections(client, places):
    far = make_community(make_street("丹城街道"), "丹南社区")
    east, west, elsewhere = (make_election(c) for c in (places["east"], places["west"], far))
    resident = make_person(places["east"], name="东门居民")
    street_admin = make_admin("street_admin", ("street", places["street"].id))
    west_admin = make_admin("community_admin", ("community", places["west"].id))
    helper = committee_member(elsewhere)
    helper_living_east = make_person(places["east"], name="东门计票人")
    grant(helper_living_east, "counter", "election", west.id)
    expected = {
        "resident": (resident, [east.id]),
        "street administrator": (street_admin, [west.id, east.id]),
        "community administrator": (west_admin, [west.id]),
        "committee member elsewhere": (helper, [elsewhere.id]),
        "counter of another community": (helper_living_east, [west.id, east.id]),
        "platform administrator": (make_admin(), [elsewhere.id, west.id, east.id]),
    }
    for who, (person, ids) in expected.items():
        assert listed_by_api(client, person) == ids, who
        assert listed_by_page(client, person) == ids, who


def test_filters_of_the_api_narrow_what_the_caller_may_see(client, places):
    east = make_election(places["east"])
    make_election(places["west"])
    resident = make_person(places["east"], name="东门居民")
    headers = token_for(client, resident)
    assert client.get(f"/api/v1/elections?community_id={places['west'].id}",
                      headers=headers).json["items"] == []
    found = client.get(f"/api/v1/elections?community_id={places['east'].id}&status=draft", headers=headers).json
    assert [item["id"] for item in found["items"]] == [east.id] and found["total"] == 1


def test_a_resident_named_in_a_form_is_found_by_the_phone_as_typed(places):
    """Forms naming a resident by phone (nominations, paper and proxy ballots) clean it as it was stored."""
    from community.elections.services.common import resident

    election = make_election(places["east"])
    neighbour = make_person(places["east"], name="邻居", phone="13900000077")
    assert resident(election, "139 0000-0077") == neighbour
    assert resident(election, "１３９００００００７７") == neighbour
    assert resident(election, str(neighbour.id)) == neighbour
