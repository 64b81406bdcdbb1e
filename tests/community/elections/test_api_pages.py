"""The API flow end to end, the pages a phone sees, the documents, and the demo data."""
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from community.database import as_local, utcnow
from community.elections.models import Candidate, Election, Recall, VoterRecord
from community.elections.services import lifecycle, voting
from tests.community.elections.conftest import count, make_voting
from tests.factories import login, make_admin, make_person, token_for


def test_api_flow_from_draft_to_voting(client, community):
    admin = make_admin("community_admin", ("community", community.id), community)
    headers = token_for(client, admin)
    now = utcnow()
    response = client.post("/api/v1/elections", headers=headers, json={
        "title": "东门社区居民代表推选", "community_id": community.id, "seats": 1, "roll_days_before": 0,
        "candidates_days_before": 0, "voting_opens_at": (now - timedelta(minutes=5)).isoformat(),
        "voting_closes_at": as_local(now + timedelta(hours=5)).replace(tzinfo=None).isoformat()})  # naive: Shanghai
    assert response.status_code == 201, response.json
    election_id = response.json["id"]
    assert response.json["status"] == "draft" and response.json["roll_days_before"] == 0
    assert response.json["objection_days"] == 5 and response.json["max_proxies"] == 3
    url = f"/api/v1/elections/{election_id}"
    early = client.post(url + "/status", headers=headers, json={"status": "voting"})
    assert early.status_code == 422 and early.json["error"]["code"] == "committee_size"
    for n in range(7):
        member = make_person(community, name=f"委员{n}")
        assert client.post(url + "/officials", headers=headers,
                           json={"person_id": member.id, "role": "election_committee"}).status_code == 201
    people = [make_person(community) for _ in range(3)]
    for person in people:
        assert client.post(url + "/voters", headers=headers, json={"person_id": person.id}).status_code == 201
    assert client.post(url + "/voters", headers=headers, json={"person_id": people[0].id}).status_code == 409
    assert client.post(url + "/candidates", headers=headers, json={"person_id": people[0].id}).status_code == 201
    refused = client.post(url + "/status", headers=headers, json={"status": "voting"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_contested"
    client.post(url + "/candidates", headers=headers, json={"person_id": people[1].id})
    opened = client.post(url + "/status", headers=headers, json={"status": "voting"})
    assert opened.status_code == 200 and opened.json["status"] == "voting"
    candidates = client.get(url + "/candidates", headers=headers).json
    voter_headers = token_for(client, people[2])
    assert client.post(url + "/ballots", headers=voter_headers,
                       json={"candidate_ids": [candidates[0]["id"]]}).status_code == 201
    assert client.get(url + "/results", headers=voter_headers).status_code == 404
    assert client.post(url + "/status", headers=voter_headers, json={"status": "closed"}).status_code == 403
    assert client.get(url + "/reminders", headers=headers).status_code == 200


def test_api_bad_input_is_400_not_500(client, community):
    admin = make_admin("community_admin", ("community", community.id), community)
    headers = token_for(client, admin)
    response = client.post("/api/v1/elections", headers=headers, json={"title": "x", "community_id": community.id,
                                                                       "seats": 0})
    assert response.status_code == 400 and "seats" in response.json["error"]["fields"]
    assert client.get("/api/v1/elections/999", headers=headers).status_code == 404
    assert client.post("/api/v1/elections/999/ballots", headers=headers, json={"candidate_ids": []}).status_code == 404


def test_openapi_documents_election_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/elections", "/api/v1/elections/{election_id}/ballots",
                 "/api/v1/elections/{election_id}/results", "/api/v1/elections/{election_id}/receipts"):
        assert path in paths


def _published(community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    for voter, chosen in zip(voters, [[a, b], [a, b], [a, c], [b], [c]], strict=True):
        voting.cast_ballot(voter, election, [x.id for x in chosen])
    later = utcnow() + timedelta(days=2)
    count(election, later)
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    return election, voters


def test_phone_pages_vote_and_receipt(client, community):
    election, voters, candidates = make_voting(community)
    login(client, voters[4])
    assert client.get("/").status_code == 200
    assert client.get("/elections/").status_code == 200
    assert client.get(f"/elections/{election.id}").status_code == 200
    assert client.get(f"/elections/{election.id}/vote").status_code == 200
    page = client.post(f"/elections/{election.id}/vote", data={"candidate_id": [str(candidates[0].id)]})
    assert page.status_code == 200 and not voting.receipts(election)  # the summary: nothing cast yet
    page = client.post(f"/elections/{election.id}/vote", data={"candidate_id": [str(candidates[0].id)],
                                                                "confirm": "1"}, follow_redirects=True)
    assert page.status_code == 200
    receipt = voting.receipts(election)[0]
    assert receipt in page.get_data(as_text=True)
    again = client.post(f"/elections/{election.id}/vote", data={"candidate_id": [str(candidates[0].id)],
                                                                 "confirm": "1"})
    assert again.status_code == 303
    board = client.get(f"/elections/{election.id}/receipts?receipt={receipt}")
    assert board.status_code == 200 and receipt in board.get_data(as_text=True)
    assert client.get(f"/elections/{election.id}/roll").status_code == 200
    assert client.get(f"/elections/{election.id}/proxies").status_code == 200


def test_committee_pages(client, community):
    election, voters, candidates = make_voting(community)
    login(client, election.test_admin)
    assert client.get("/elections/new").status_code == 200
    assert client.get(f"/elections/{election.id}/manage").status_code == 200
    response = client.post(f"/elections/{election.id}/manage/status",
                           data={"status": "published", "confirmed": "1"})
    assert response.status_code == 422  # refused: the page again, the reason beside the field, nothing changed
    assert "alert alert-danger" in response.get_data(as_text=True).split('id="next-step"')[1].split("</section>")[0]
    assert db.session.get(Election, election.id).status == "voting"
    response = client.post(f"/elections/{election.id}/manage/paper-issued", data={"person": voters[0].phone})
    assert response.status_code == 302 and response.headers["Location"].endswith("#proxies")
    assert client.get(f"/elections/{election.id}/paper").status_code == 200


def test_create_election_page(client, community):
    admin = make_admin("community_admin", ("community", community.id), community)
    login(client, admin)
    response = client.post("/elections/new", data={
        "title": "新选举", "community_id": community.id, "seats": 5, "method": "every_voter",
        "voting_opens_at": "2030-06-01T08:00", "voting_closes_at": "2030-06-01T17:00", "roll_days_before": 20,
        "objection_days": 5, "answer_days": 3, "candidates_days_before": 5, "min_nominators": 10, "max_proxies": 3,
        "migrant_min_years": 1})
    assert response.status_code == 302
    election = db.session.scalar(select(Election))
    assert election.term == "2030" and election.seats == 5 and election.voting_opens_at.hour == 0


def test_results_page_pdf_and_xlsx(client, community):
    election, voters = _published(community)
    login(client, voters[0])
    assert client.get(f"/elections/{election.id}/results").status_code == 200
    pdf = client.get(f"/elections/{election.id}/announcement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"STSong-Light" in pdf.data
    xlsx = client.get(f"/elections/{election.id}/results.xlsx")
    book = load_workbook(BytesIO(xlsx.data))
    assert book["汇总"]["B3"].value == 5 and {"各轮", "当选构成"} <= set(book.sheetnames)


def test_outsider_cannot_manage(client, community, places):
    election, _voters, _c = make_voting(community)
    outsider = make_admin("community_admin", ("community", places["west"].id), places["west"])
    login(client, outsider)
    assert client.get(f"/elections/{election.id}/manage").status_code == 403


def test_demo_seed(runner, app):
    from community.people.models import Person

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    elections = db.session.scalars(select(Election).order_by(Election.id)).all()
    assert [e.status for e in elections] == ["published", "voting"]
    assert elections[0].seats == 18 and elections[0].term == "2019"
    from community.elections.services.tally import results, verify

    body = results(elections[0])
    assert body["valid"] and sum(t["elected"] for t in body["tallies"]) == 18 and verify(elections[0]) == []
    from sqlalchemy import func

    from community.elections.models import Ballot
    from community.elections.sealed_models import BallotKey, KeyShare, SealedBallot

    def how_many(model, election):
        return db.session.scalar(select(func.count()).select_from(model).where(model.election_id == election.id))

    published, open_ = elections
    keys = {k.election_id: k for k in db.session.scalars(select(BallotKey))}
    assert keys[published.id].opened_at and keys[published.id].wrapped_private_key is None  # the ceremony ran
    assert how_many(SealedBallot, published) == 0 and how_many(Ballot, published) == body["ballots_cast"]
    assert keys[open_.id].opened_at is None and how_many(Ballot, open_) == 0 and how_many(SealedBallot, open_) > 0
    holders = db.session.scalars(select(KeyShare.holder_id).where(KeyShare.election_id == open_.id,
                                                                  KeyShare.held.is_not(None))).all()
    phones = set(db.session.scalars(select(Person.phone).where(Person.id.in_(holders))))
    assert {"13800000031", "13800000032"} <= phones  # the demo's committee member and counter see their shares
    li = db.session.scalar(select(Person).where(Person.phone == "13800000004"))
    assert db.session.scalar(select(VoterRecord.status).where(VoterRecord.person_id == li.id,
                                                              VoterRecord.election_id == elections[1].id)) \
        == "registered"


def test_home_card_and_recall_pages(client, community):
    election, voters, candidates = make_voting(community)
    login(client, voters[4])
    assert f"/elections/{election.id}/vote" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    election, voters = _published(community)
    login(client, voters[4])
    elected = [c for c in db.session.scalars(select(Candidate).where(Candidate.election_id == election.id))
               if c.is_elected]
    response = client.post(f"/elections/{election.id}/recalls", data={"candidate_id": elected[0].id,
                                                                       "reason": "不履职"})
    assert response.status_code == 302
    page = client.get(f"/elections/{election.id}/results").get_data(as_text=True)
    assert "不履职" in page
    recall_row = db.session.scalar(select(Recall))
    client.post("/logout")
    login(client, election.test_admin)
    client.post(f"/elections/{election.id}/recalls/{recall_row.id}/result", data={"votes_cast": 4, "votes_for": 3})
    db.session.refresh(recall_row)
    assert recall_row.status == "decided" and recall_row.is_passed


def test_counter_enters_paper_sheets_on_the_page(client, community):
    from community.elections.services import paper
    from tests.factories import grant

    election, voters, (a, b, c) = make_voting(community)
    paper.issue_paper_ballot(election.test_admin, election, voters[0], "hall")
    lifecycle.change_status(election.test_admin, election, "closed", now=utcnow() + timedelta(days=2))
    counter = make_person(community)
    grant(counter, "counter", "election", election.id)
    login(client, counter)
    assert client.get(f"/elections/{election.id}").status_code == 200
    assert client.get(f"/elections/{election.id}/paper").status_code == 200
    response = client.post(f"/elections/{election.id}/paper", data={"box": "hall", "sheet_no": "1",
                                                                    "candidate_id": [str(a.id)]})
    assert response.status_code == 302
    assert [s["state"] for s in paper.sheets(election)] == ["single"]
    assert client.get(f"/elections/{election.id}/manage").status_code == 403
    client.post("/logout")
    login(client, election.test_admin)
    assert client.get(f"/elections/{election.id}/manage").status_code == 200


def test_settings_page_changes_draft_rules(client, community):
    from tests.community.elections.conftest import make_election

    election = make_election(community)
    login(client, election.test_admin)
    assert client.get(f"/elections/{election.id}/manage/settings").status_code == 200
    response = client.post(f"/elections/{election.id}/manage/settings", data={
        "title": "改名", "community_id": community.id, "seats": 3, "method": "every_voter",
        "voting_opens_at": "2030-06-01T08:00", "voting_closes_at": "2030-06-01T17:00", "roll_days_before": 15,
        "objection_days": 5, "answer_days": 3, "candidates_days_before": 5, "min_nominators": 10, "max_proxies": 2,
        "migrant_min_years": 2})
    assert response.status_code == 302
    db.session.refresh(election)
    assert (election.title, election.seats, election.roll_days_before, election.max_proxies,
            election.migrant_min_years) == ("改名", 3, 15, 2, 2)


def test_api_roll_nominations_objections_paper_and_recall(client, community):
    from tests.community.elections.conftest import make_election, make_voters
    from tests.factories import grant

    now = utcnow()
    election = make_election(community, min_nominators=2, voting_opens_at=now + timedelta(days=10),
                             voting_closes_at=now + timedelta(days=11))
    voters = make_voters(election, community, 5)
    admin = token_for(client, election.test_admin)
    url = f"/api/v1/elections/{election.id}"
    assert client.post(url + "/status", headers=admin, json={"status": "nominating"}).status_code == 200
    resident = token_for(client, voters[0])
    roll_page = client.get(url + "/voters", headers=resident).json
    assert roll_page["total"] == 5 and all(v["household"] is None for v in roll_page["items"])
    objection = client.post(url + "/objections", headers=resident, json={"text": "少了一户"})
    assert objection.status_code == 201
    answer = client.post(url + f"/objections/{objection.json['id']}/answer", headers=admin,
                         json={"answer": "已核实", "outcome": "rejected"})
    assert answer.status_code == 200 and answer.json["outcome"] == "rejected"
    nomination = client.post(url + "/nominations", headers=resident, json={"nominee_id": voters[1].id})
    assert nomination.status_code == 201 and nomination.json["supporters"] == 1
    second = token_for(client, voters[2])
    path = url + f"/nominations/{nomination.json['id']}/supports"
    assert client.post(path, headers=second).json["supporters"] == 2
    assert client.post(path, headers=second).status_code == 409
    assert client.post(url + "/candidates", headers=admin, json={"person_id": voters[1].id}).status_code == 201
    assert client.post(url + "/proxies", headers=admin,
                       json={"principal_id": voters[3].id, "proxy_id": voters[4].id}).status_code == 201
    counter = make_person(community)
    grant(counter, "counter", "election", election.id)
    sheet = client.post(url + "/paper-ballots", headers=token_for(client, counter),
                        json={"sheet_no": 1, "candidate_ids": []})
    assert sheet.status_code == 422 and sheet.json["error"]["code"] == "wrong_status"
    assert client.post(url + "/recalls", headers=resident,
                       json={"candidate_id": 1, "reason": "x"}).status_code in (404, 422)


def test_scope_options_and_nav(community, places):
    """The election scope type is registered with election.appoint as its grant action: the roles form offers
    the elections the actor may appoint officials in, derived from the registration; the menu has its link."""
    from community.registry import registry
    from community.roles.views import scope_choices
    from tests.community.elections.conftest import make_election

    def elections(actor):
        return [key for key, _label in scope_choices(actor) if key.startswith("election:")]

    election = make_election(community)
    assert elections(election.test_admin) == [f"election:{election.id}"]
    other = make_admin("community_admin", ("community", places["west"].id), places["west"])
    assert elections(other) == []
    assert "elections.index" in [link.endpoint for link in registry().menu_links]


def test_voter_nominates_on_the_page(client, community):
    from community.elections.models import Nomination
    from tests.community.elections.conftest import make_election, make_voters

    election = make_election(community, voting_opens_at=utcnow() + timedelta(days=10),
                             voting_closes_at=utcnow() + timedelta(days=11))
    voters = make_voters(election, community, 3)
    lifecycle.change_status(election.test_admin, election, "nominating")
    login(client, voters[0])
    assert client.post(f"/elections/{election.id}/nominations", data={"nominee": "13999999999"}).status_code == 400
    assert db.session.scalar(select(Nomination)) is None
    client.post(f"/elections/{election.id}/nominations", data={"nominee": voters[1].name})
    nomination = db.session.scalar(select(Nomination))
    assert nomination.nominee_id == voters[1].id and nomination.kind == "voters"
    assert client.get(f"/elections/{election.id}").status_code == 200


def test_general_roles_api_applies_the_election_rules(client, places):
    """Granting a counter through /roles goes through the election's own appointment rules."""
    from community.elections.models import Candidate
    from tests.community.elections.conftest import make_election

    admin = make_admin()
    election = make_election(places["east"])
    candidate = make_person(places["east"], name="候选人")
    db.session.add(Candidate(election_id=election.id, person_id=candidate.id))
    db.session.commit()
    headers = token_for(client, admin)
    response = client.post("/api/v1/roles", headers=headers, json={
        "person_id": candidate.id, "role": "counter", "scope_type": "election", "scope_id": election.id})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "candidate_official"
    helper = make_person(places["east"], name="计票员")
    response = client.post("/api/v1/roles", headers=headers, json={
        "person_id": helper.id, "role": "counter", "scope_type": "election", "scope_id": election.id})
    assert response.status_code == 201
    assert client.delete(f"/api/v1/roles/{response.json['id']}", headers=headers).status_code == 204


def test_roles_list_shows_election_roles_inside_the_admins_community(client, places):
    """A community administrator's roles list includes the committees of the community's elections."""
    from tests.community.elections.conftest import make_election

    election = make_election(places["east"], committee=7)
    other = make_election(places["west"], committee=7)
    headers = token_for(client, election.test_admin)
    items = client.get("/api/v1/roles?per_page=100", headers=headers).json["items"]
    scopes = {(i["scope_type"], i["scope_id"]) for i in items}
    assert ("election", election.id) in scopes
    assert ("election", other.id) not in scopes
