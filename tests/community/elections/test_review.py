"""Review findings: authorisation, secrecy, rules and bad input on the election pages and API."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.models import PaperEntry, VoterRecord
from community.elections.services import lifecycle, paper, roll, setup
from community.errors import Conflict, DomainError
from tests.community.elections.conftest import count, make_election, make_voters, make_voting
from tests.factories import grant, login, make_person, token_for


def _closed_with_counter(community):
    election, voters, candidates = make_voting(community, seats=2, n_voters=5)
    paper.issue_paper_ballot(election.test_admin, election, voters[0], "hall")
    lifecycle.change_status(election.test_admin, election, "closed", now=utcnow() + timedelta(days=2))
    counter = make_person(community, name="计票员")
    grant(counter, "counter", "election", election.id)
    return election, voters, candidates, counter


def _nothing_cast() -> bool:
    from sqlalchemy import func

    from community.elections.models import Ballot, Participation
    from community.elections.sealed_models import BallotReceipt, SealedBallot

    return all(db.session.scalar(select(func.count()).select_from(model)) == 0
               for model in (Participation, SealedBallot, BallotReceipt, Ballot))


def test_unicode_digits_in_forms_are_not_a_500(client, community):
    election, voters, candidates = make_voting(community)
    login(client, voters[0])
    vote = f"/elections/{election.id}/vote"
    for step in ({}, {"confirm": "1"}):  # the summary step and the cast itself
        response = client.post(vote, data={"candidate_id": ["²", str(candidates[0].id)], **step})
        assert response.status_code == 400 and _nothing_cast()
        assert "请在名单中勾选候选人" in response.get_data(as_text=True)  # the refusal is shown, not swallowed
        response = client.post(vote, data={"candidate_id": "9" * 5000, **step})
        assert response.status_code == 400 and _nothing_cast()
    client.post("/logout")  # sign-out is a POST
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/paper-issued", data={"person": "²", "box": "hall"})
    assert response.status_code == 400 and _nothing_cast()  # the page again, the refusal beside the field
    client.post("/logout")
    login(client, voters[1])
    response = client.post(vote, data={"candidate_id": [str(candidates[0].id)], "confirm": "1"})  # well filled
    assert response.status_code == 303 and not _nothing_cast()


def test_unicode_digits_in_paper_form_are_not_a_500(client, community):
    election, voters, candidates, counter = _closed_with_counter(community)
    login(client, counter)
    response = client.post(f"/elections/{election.id}/paper", data={"sheet_no": "1", "candidate_id": ["²"]})
    assert response.status_code == 302 and db.session.scalar(select(PaperEntry.id)) is None
    response = client.post(f"/elections/{election.id}/paper", data={"sheet_no": "1",
                                                                     "candidate_id": [str(candidates[0].id)]})
    assert response.status_code == 302 and db.session.scalar(select(PaperEntry.id)) is not None


def test_huge_sheet_number_is_refused_not_a_500(client, community):
    election, voters, candidates, counter = _closed_with_counter(community)
    response = client.post(f"/api/v1/elections/{election.id}/paper-ballots", headers=token_for(client, counter),
                           json={"box": "hall", "sheet_no": 2 ** 40, "candidate_ids": [candidates[0].id]})
    assert response.status_code == 400
    login(client, counter)
    response = client.post(f"/elections/{election.id}/paper", data={"sheet_no": str(2 ** 40),
                                                                     "candidate_id": [str(candidates[0].id)]})
    assert response.status_code == 302
    assert db.session.scalar(select(PaperEntry.id)) is None


def test_changing_the_term_keeps_one_roll_per_term(community):
    first = make_election(community, term="2026")
    voter = make_voters(first, community, 1)[0]
    second = make_election(community, admin=first.test_admin, term="2027")
    setup.update_settings(first.test_admin, first, {"term": "2027"})
    assert db.session.scalar(select(VoterRecord.term).where(VoterRecord.person_id == voter.id)) == "2027"
    with pytest.raises(DomainError) as refused:  # already on first's roll, now of the same term
        roll.add_voter(second.test_admin, second, voter)
    assert refused.value.code == "other_roll"


def test_announcement_with_markup_characters_in_names(client, community):
    election, voters, candidates = make_voting(community, seats=1, n_voters=3, n_candidates=2,
                                               title="A & B <东门>")
    admin = election.test_admin
    candidates[0].person.name = "<b>张 & 三"
    db.session.commit()
    from community.elections.services import voting

    for v in voters:
        voting.cast_ballot(v, election, [candidates[0].id])
    later = utcnow() + timedelta(days=2)
    count(election, later)
    lifecycle.change_status(admin, election, "published", now=later)
    login(client, voters[0])
    response = client.get(f"/elections/{election.id}/announcement.pdf")
    assert response.status_code == 200
    response = client.get(f"/elections/{election.id}/results.xlsx")
    assert response.status_code == 200


def test_results_workbook_keeps_a_formula_like_name_as_text(client, community):
    from io import BytesIO

    from openpyxl import load_workbook

    from community.elections.services import voting

    election, voters, candidates = make_voting(community, seats=1, n_voters=3, n_candidates=2)
    candidates[0].person.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    for v in voters:
        voting.cast_ballot(v, election, [candidates[0].id])
    later = utcnow() + timedelta(days=2)
    count(election, later)
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    login(client, voters[0])
    book = load_workbook(BytesIO(client.get(f"/elections/{election.id}/results.xlsx").data))
    cells = [c for row in book["汇总"].iter_rows() for c in row if c.value == candidates[0].person.name]
    assert cells and all(c.data_type == "s" for c in cells)


def test_term_change_clashing_with_another_roll_is_refused(community):
    first = make_election(community, term="2026")
    second = make_election(community, admin=first.test_admin, term="2027")
    both = make_person(community)
    roll.add_voter(first.test_admin, first, both)  # different terms: allowed
    roll.add_voter(second.test_admin, second, both)
    with pytest.raises(Conflict) as refused:
        setup.update_settings(first.test_admin, first, {"term": "2027"})
    assert refused.value.code == "other_roll"
    db.session.expire_all()
    assert first.term == "2026"


def test_a_mobile_box_does_not_link_its_voter_to_the_marks(community):
    from community.audit.models import AuditEntry
    from community.elections.models import Participation

    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    paper.issue_paper_ballot(election.test_admin, election, voters[0], "mobile-1")  # one home visit
    lifecycle.change_status(election.test_admin, election, "closed", now=utcnow() + timedelta(days=2))
    for name in ("甲", "乙"):
        counter = make_person(community, name=name)
        grant(counter, "counter", "election", election.id)
        paper.enter_paper_ballot(counter, election, "mobile-1", 1, [a.id])
    assert not hasattr(Participation, "box")  # the table has no column for it at all
    assert db.session.scalars(select(Participation.channel)).all() == ["paper"]
    summaries = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "election.paper_issued"))
    assert all("mobile-1" not in s for s in summaries)


def test_a_counter_cannot_read_the_other_counters_typing(client, community):
    election, voters, candidates, counter = _closed_with_counter(community)
    other = make_person(community, name="计票员二")
    grant(other, "counter", "election", election.id)
    paper.enter_paper_ballot(counter, election, "hall", 1, [candidates[0].id, candidates[1].id])
    listing = client.get(f"/api/v1/elections/{election.id}/paper-ballots", headers=token_for(client, other))
    assert listing.status_code == 200
    assert listing.json[0]["entries"] == [] and listing.json[0]["marks"] is None
    own = client.get(f"/api/v1/elections/{election.id}/paper-ballots", headers=token_for(client, counter)).json
    assert own[0]["entries"][0]["marks"] == sorted([candidates[0].id, candidates[1].id])
    full = client.get(f"/api/v1/elections/{election.id}/paper-ballots",
                      headers=token_for(client, election.test_admin)).json
    assert len(full[0]["entries"]) == 1


@pytest.mark.parametrize("number", [2 ** 40, 2 ** 70])
def test_out_of_range_ids_on_every_route_are_not_found_not_a_500(app, client, community, number):
    from tests.factories import make_admin

    election, voters, candidates = make_voting(community)
    admin = make_admin()
    headers = token_for(client, admin)
    login(client, admin)
    body = {key: number for key in ("person_id", "principal_id", "proxy_id", "nominee_id", "candidate_id",
                                    "relative_id", "on_behalf_of", "subject_person_id")}
    body.update(candidate_ids=[number], sheet_no=1, status="closed", text="x", answer="x", outcome="upheld",
                reason="x", votes_cast=1, votes_for=1, promise_signed=True)
    form = {key: str(number) for key in ("phone", "candidate_id", "on_behalf_of", "sheet_no", "votes_cast",
                                          "votes_for", "principal", "proxy")}
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/elections", "/api/v1/elections")):
            continue
        for own_election in (True, False):
            url = rule.rule
            for arg in rule.arguments:
                value = election.id if arg == "election_id" and own_election else number
                url = url.replace(f"<int:{arg}>", str(value)).replace(f"<string:{arg}>", str(value))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                api = url.startswith("/api")
                kwargs = {"headers": headers} if api else {}
                if method in ("POST", "PATCH"):
                    kwargs["json" if api else "data"] = body if api else form
                response = client.open(url, method=method, **kwargs)
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
    assert failures == []
    assert client.get(f"/api/v1/elections?community_id={number}", headers=headers).status_code == 400


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+08:00"])
def test_dates_out_of_range_are_invalid_input(client, community, when):
    election, voters, candidates = make_voting(community)
    admin = election.test_admin
    headers = token_for(client, admin)
    response = client.post("/api/v1/elections", headers=headers, json={
        "title": "x", "community_id": community.id, "seats": 1, "voting_opens_at": when})
    assert response.status_code == 400
    assert "voting_opens_at" in response.json["error"]["fields"]
    login(client, admin)
    lifecycle.change_status(admin, election, "closed", now=utcnow() + timedelta(days=2))
    lifecycle.change_status(admin, election, "counted", now=utcnow() + timedelta(days=2))  # invalid: nobody voted
    response = client.post(f"/api/v1/elections/{election.id}/status", headers=headers,
                           json={"status": "voting", "closes_at": when})
    assert response.status_code == 400
    response = client.post(f"/elections/{election.id}/manage/status",
                           data={"status": "voting", "closes_at": when[:16], "confirmed": "1"})
    assert response.status_code == 400  # the page again, the refusal beside the field
    assert election.status == "counted"


def test_a_proxy_taken_off_the_roll_cannot_vote_for_the_principal(community):
    from community.elections.models import Participation
    from community.elections.services import voting
    from community.errors import Forbidden

    election = make_election(community, roll_days_before=0, candidates_days_before=0)
    voters = make_voters(election, community, 6)
    from community.elections.services import candidates as cands

    candidates = [cands.add_candidate(election.test_admin, election, v) for v in voters[2:5]]
    lifecycle.change_status(election.test_admin, election, "roll_published")
    voting.approve_proxy(election.test_admin, election, voters[1], voters[0])
    roll.remove_voter(election.test_admin, election, voters[0].id, "moved away")
    lifecycle.change_status(election.test_admin, election, "voting")
    with pytest.raises(Forbidden) as refused:
        voting.cast_ballot(voters[0], election, [candidates[0].id], on_behalf_of=voters[1])
    assert refused.value.code == "proxy_not_voter"
    assert db.session.scalar(select(Participation.id)) is None


def test_patch_changes_only_the_fields_sent(client, community):
    election = make_election(community, roll_days_before=0, candidates_days_before=0)
    make_voters(election, community, 3)
    headers = token_for(client, election.test_admin)
    url = f"/api/v1/elections/{election.id}"
    response = client.patch(url, headers=headers, json={"title": "新标题"})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "新标题" and response.json["seats"] == 2
    assert client.patch(url, headers=headers, json={"seats": 3}).json["seats"] == 3
    lifecycle.change_status(election.test_admin, election, "roll_published")
    later = (utcnow() + timedelta(days=3)).isoformat()
    assert client.patch(url, headers=headers, json={"voting_closes_at": later}).status_code == 200
    refused = client.patch(url, headers=headers, json={"seats": 4})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "settings_locked"


def test_outsiders_cannot_run_an_election(client, community, places):
    """A resident, an admin of another community, another election's committee and a counter: refused."""
    election, voters, candidates = make_voting(community, n_voters=6)
    west = make_election(places["west"])
    other_committee = make_person(community)
    grant(other_committee, "election_committee", "election", west.id)
    counter = make_person(community)
    grant(counter, "counter", "election", election.id)
    e = f"/api/v1/elections/{election.id}"
    someone, another = voters[4].id, voters[3].id
    calls = [("PATCH", e, {"title": "x"}), ("POST", e + "/status", {"status": "closed"}),
             ("POST", e + "/officials", {"person_id": someone, "role": "counter"}),
             ("POST", e + "/kinship", {"person_id": someone, "relative_id": another}),
             ("POST", e + "/voters", {"person_id": someone}), ("DELETE", e + f"/voters/{someone}", None),
             ("POST", e + f"/voters/{someone}/excuse", None), ("POST", e + "/candidates", {"person_id": someone}),
             ("POST", e + "/proxies", {"principal_id": someone, "proxy_id": another}),
             ("POST", e + "/paper-participation", {"person_id": someone}),
             ("POST", e + "/paper-ballots/resolve", {"sheet_no": 1, "candidate_ids": []}),
             ("GET", e + "/reminders", None), ("GET", e + "/results", None),
             ("POST", e + "/ballots", {"candidate_ids": [candidates[0].id], "on_behalf_of": someone})]
    for person in (voters[5], west.test_admin, other_committee, counter):
        headers = token_for(client, person)
        own = [] if person is counter else [("POST", e + "/paper-ballots", {"sheet_no": 1, "candidate_ids": []}),
                                             ("GET", e + "/paper-ballots", None)]
        for method, url, body in calls + own:
            response = client.open(url, method=method, headers=headers, json=body)
            assert response.status_code in (403, 404), (person.name, method, url, response.status_code)


def test_a_candidate_cannot_be_taken_off_the_roll(community):
    from community.elections.services import candidates as cands

    election = make_election(community)
    voter = make_voters(election, community, 1)[0]
    candidate = cands.add_candidate(election.test_admin, election, voter)
    with pytest.raises(DomainError) as refused:
        roll.remove_voter(election.test_admin, election, voter.id, "moved away")
    assert refused.value.code == "candidate_on_roll"
    cands.remove_candidate(election.test_admin, election, candidate)
    roll.remove_voter(election.test_admin, election, voter.id, "moved away")
