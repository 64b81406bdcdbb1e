"""Security issue #6, point 6 (permission before any lookup) and the proxies list for strangers."""
from __future__ import annotations

import re

import pytest

from tests.community.elections.conftest import committee_member, make_election, make_voting
from tests.factories import login, make_community, make_person, make_street, token_for

MANAGE_FORM_DATA = [{}, {"phone": "garbage"}, {"phone": "13999999999"}, {"phone": "{resident}"},
                    {"phone": "{resident_id}"}, {"principal": "{resident}", "proxy": "{resident}"},
                    {"principal": "13999999999", "proxy": "13999999998"}]


def _manage_form_urls(app, election, resident) -> list[str]:
    """Every committee form post of the election pages, with the ids filled in."""
    values = {"election_id": election.id, "person_id": resident.id, "objection_id": 1, "candidate_id": 1}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("elections_manage.") and "POST" in rule.methods and "election_id" in rule.arguments:
            urls.append(_fill(rule.rule, values))
    assert len(urls) >= 12, urls
    return urls


def _fill(rule: str, values: dict) -> str:
    for name, value in values.items():
        rule = rule.replace(f"<int:{name}>", str(value))
    return rule


@pytest.mark.parametrize("who", ["resident", "committee_member"])
def test_election_manage_forms_answer_the_same_403_whatever_is_posted(app, client, places, who):
    election = make_election(places["east"], committee=1)
    resident = make_person(places["east"], name="居民")
    actor = make_person(places["east"], name="旁人") if who == "resident" else committee_member(election)
    login(client, actor)
    urls = _manage_form_urls(app, election, resident)
    if who == "committee_member":  # a committee member manages, but may not appoint officials
        urls = [url for url in urls if url.endswith("/manage/officials")]
    for url in urls:
        answers = set()
        for data in MANAGE_FORM_DATA:
            data = {k: v.format(resident=resident.phone, resident_id=resident.id) for k, v in data.items()}
            response = client.post(url, data={**data, "role": "counter"})
            page = re.sub(r'nonce="[^"]*"', 'nonce=""', response.get_data(as_text=True))  # a new nonce per answer
            answers.add((response.status_code, page))
        # whoever holds no share of the ballot key is told there is none to show (404), whatever is posted
        refused = 404 if url.endswith("/ballot-key/share") else 403
        assert len(answers) == 1 and next(iter(answers))[0] == refused, (url, [a[0] for a in answers])


def test_election_api_checks_permission_before_looking_up_the_person(client, places):
    election = make_election(places["east"], committee=1)
    resident = make_person(places["east"])
    headers = token_for(client, make_person(places["east"], name="旁人"))
    posts = {
        "officials": lambda pid: {"person_id": pid, "role": "counter"},
        "kinship": lambda pid: {"person_id": pid, "relative_id": pid},
        "voters": lambda pid: {"person_id": pid, "promise_signed": True},
        "proxies": lambda pid: {"principal_id": pid, "proxy_id": pid, "note": ""},
        "paper-participation": lambda pid: {"person_id": pid, "box": "hall"},
        "candidates": lambda pid: {"person_id": pid},
    }
    for path, body in posts.items():
        for person_id in (resident.id, 999999):
            response = client.post(f"/api/v1/elections/{election.id}/{path}", headers=headers, json=body(person_id))
            assert response.status_code == 403, (path, person_id, response.json)


def test_the_proxies_list_is_hidden_from_another_street_like_the_roll(client, places):
    election, voters, _candidates = make_voting(places["east"])
    elsewhere = make_community(make_street("丹城街道"), "东谷社区")
    stranger = make_person(elsewhere, name="外街道居民")
    headers = token_for(client, stranger)
    assert client.get(f"/api/v1/elections/{election.id}/voters", headers=headers).status_code in (403, 404)
    response = client.get(f"/api/v1/elections/{election.id}/proxies", headers=headers)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    login(client, stranger)
    assert client.get(f"/elections/{election.id}/roll").status_code == 404
    assert client.get(f"/elections/{election.id}/proxies").status_code == 404
    client.post("/logout")
    login(client, voters[0])
    assert client.get(f"/elections/{election.id}/proxies").status_code == 200
    assert client.get(f"/api/v1/elections/{election.id}/proxies",
                      headers=token_for(client, voters[0])).status_code == 200


def test_a_resident_cannot_tell_which_person_records_exist(client, places):
    """Opening someone's record (page or API) is refused with one 403, whether that person exists or not;
    one's own record stays open (person.view allows "self")."""
    resident = make_person(places["east"], name="居民甲")
    other = make_person(places["east"], name="居民乙")
    headers = token_for(client, resident)
    login(client, resident)
    for person_id in (other.id, 999999):
        assert client.get(f"/admin/people/{person_id}").status_code == 403, person_id
        assert client.get(f"/api/v1/people/{person_id}", headers=headers).status_code == 403, person_id
    assert client.get(f"/admin/people/{resident.id}").status_code == 200
    assert client.get(f"/api/v1/people/{resident.id}", headers=headers).status_code == 200
