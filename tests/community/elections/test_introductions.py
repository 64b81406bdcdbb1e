"""Candidate introductions: written by the committee only (page and API), until voting opens; age and hometown
come from the person's record; the election API's candidate objects carry them."""
from __future__ import annotations

from app import db
from community.elections.services import candidates as cands
from community.elections.services import lifecycle
from tests.community.elections.conftest import committee_member, make_election, make_voters
from tests.factories import login, token_for


def _world(community):
    election = make_election(community, seats=2)
    voters = make_voters(election, community, 4, hometown="浙江宁海")
    candidate = cands.add_candidate(election.test_admin, election, voters[0])
    return election, voters, candidate


def _page(election, candidate) -> str:
    return f"/elections/{election.id}/manage/candidates/{candidate.id}/introduction"


def test_the_committee_writes_an_introduction_on_its_own_page(client, community):
    election, voters, candidate = _world(community)
    member = committee_member(election)
    login(client, member)
    manage = client.get(f"/elections/{election.id}/manage").get_data(as_text=True)
    assert _page(election, candidate) in manage  # one link per candidate on the manage page
    page = client.get(_page(election, candidate))
    assert page.status_code == 200 and "浙江宁海人" in page.get_data(as_text=True)
    saved = client.post(_page(election, candidate), data={"occupation": "  社区 网格员 ", "party": "member",
                                                          "statement": "多听居民的话。"})
    assert saved.status_code == 303
    db.session.refresh(candidate)
    assert (candidate.occupation, candidate.party, candidate.statement) == ("社区 网格员", "member", "多听居民的话。")
    shown = client.get(_page(election, candidate)).get_data(as_text=True)
    assert "的介绍已保存。" in shown and "中共党员" in shown


def test_a_too_long_statement_is_refused_beside_its_field_with_the_text_kept(client, community):
    election, voters, candidate = _world(community)
    login(client, election.test_admin)
    text = "我" * 501
    page = client.post(_page(election, candidate), data={"occupation": "厨师", "statement": text, "party": ""})
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and text in body and "厨师" in body and 'id="statement-error"' in body
    db.session.refresh(candidate)
    assert candidate.statement == ""


def test_residents_may_not_write_introductions(client, app, community):
    election, voters, candidate = _world(community)
    login(client, voters[1])
    assert client.get(_page(election, candidate)).status_code == 403
    assert client.post(_page(election, candidate), data={"occupation": "x"}).status_code == 403
    headers = token_for(app.test_client(), voters[1])
    api = f"/api/v1/elections/{election.id}/candidates/{candidate.id}"
    refused = app.test_client().patch(api, json={"occupation": "x"}, headers=headers)
    assert refused.status_code == 403 and set(refused.json["error"]) == {"code", "message", "fields"}
    # a resident gets the same 403 for a candidate id that does not exist (permission before lookup)
    unknown = app.test_client().patch(f"/api/v1/elections/{election.id}/candidates/999999", json={},
                                      headers=headers)
    assert unknown.status_code == 403
    db.session.refresh(candidate)
    assert candidate.occupation == ""


def test_the_api_reads_and_patches_introductions(app, community):
    election, voters, candidate = _world(community)
    member = committee_member(election)
    client = app.test_client()
    headers = token_for(client, member)
    api = f"/api/v1/elections/{election.id}/candidates/{candidate.id}"
    done = client.patch(api, json={"occupation": "快递员", "statement": "修好车棚。", "party": "probationary"},
                        headers=headers)
    assert done.status_code == 200
    intro = done.json["introduction"]
    assert intro["occupation"] == "快递员" and intro["party"] == "probationary" and intro["hometown"] == "浙江宁海"
    assert isinstance(intro["age"], int)
    bad = client.patch(api, json={"party": "secretary", "occupation": "x" * 61}, headers=headers)
    assert bad.status_code in (400, 422) and {"party", "occupation"} <= set(bad.json["error"]["fields"])
    listed = client.get(f"/api/v1/elections/{election.id}/candidates", headers=headers)
    assert listed.json[0]["introduction"]["statement"] == "修好车棚。"
    for voter in make_voters(election, community, 2):
        cands.add_candidate(election.test_admin, election, voter)
    lifecycle.change_status(election.test_admin, election, "voting")
    late = client.patch(api, json={"occupation": "改了"}, headers=headers)
    assert late.status_code == 422 and late.json["error"]["code"] == "wrong_status"
