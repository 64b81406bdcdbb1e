"""Issue #15, the further points: published turnout base, proxy chains, recall signature deadline."""
from datetime import timedelta

import pytest

from app import db
from community.database import utcnow
from community.elections.services import lifecycle, recall, tally, voting
from community.errors import DomainError
from tests.community.elections.conftest import count, make_election, make_voters, make_voting
from tests.factories import token_for


def test_published_turnout_divides_by_the_base_the_verdict_used(client, community):
    election = make_election(community, seats=1, voting_opens_at=utcnow() + timedelta(days=3),
                             voting_closes_at=utcnow() + timedelta(days=4))
    voters = make_voters(election, community, 4)
    from community.elections.services import roll

    roll.excuse_voter(election.test_admin, election, voters[3].id)  # in time: three days ahead
    from community.elections.services import candidates as cands

    a, _b = (cands.add_candidate(election.test_admin, election, v) for v in voters[:2])
    opening = utcnow() + timedelta(days=3, minutes=1)
    lifecycle.change_status(election.test_admin, election, "voting", now=opening)
    for voter in voters[:2]:
        voting.cast_ballot(voter, election, [a.id], now=opening)
    later = opening + timedelta(days=2)
    count(election, now=later)  # close, open the sealed ballots with k shares, count
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    result = tally.results(election)
    assert result["valid"] is True and result["excused"] == 1 and result["registered"] == 4
    assert result["turnout_base"] == 3 and result["turnout"] == round(2 / 3, 4)  # not 0.5 beside valid
    api = client.get(f"/api/v1/elections/{election.id}/results", headers=token_for(client, voters[0])).json
    assert api["turnout_base"] == 3 and api["rounds"][0]["turnout_base"] == 3


def test_a_proxy_holder_cannot_delegate_and_a_delegator_cannot_hold(community):
    election, voters, _cands = make_voting(community, n_voters=5)
    admin = election.test_admin
    voting.approve_proxy(admin, election, voters[1], voters[0])  # 0 carries 1's vote
    with pytest.raises(DomainError) as holder:
        voting.approve_proxy(admin, election, voters[0], voters[2])
    assert holder.value.code == "proxy_chain"
    with pytest.raises(DomainError) as delegator:
        voting.approve_proxy(admin, election, voters[3], voters[1])
    assert delegator.value.code == "proxy_chain"
    assert len(voting.proxies(election)) == 1


def _published(community):
    election, voters, (a, _b, _c) = make_voting(community, seats=1, n_voters=10)
    for v in voters[:6]:
        voting.cast_ballot(v, election, [a.id])
    later = utcnow() + timedelta(days=2)
    count(election, now=later)  # close, open the sealed ballots with k shares, count
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    return election, voters, a


def test_an_unsupported_recall_lapses_at_its_deadline(client, community):
    election, voters, a = _published(community)
    proposed = utcnow()
    proposal = recall.propose_recall(voters[5], election, a, "长期不履职", now=proposed)
    due = proposal.signatures_due_at
    assert due == proposed + timedelta(days=election.recall_signature_days)
    assert recall.recall_state(election, proposal, due) == "proposed"
    after = due + timedelta(seconds=1)
    assert recall.recall_state(election, proposal, after) == "lapsed"
    with pytest.raises(DomainError) as late:
        recall.support_recall(voters[6], election, proposal, now=after)
    assert late.value.code == "signatures_closed"
    with pytest.raises(DomainError) as lapsed:
        recall.decide_recall(election.test_admin, election, proposal, 6, 6, now=after)
    assert lapsed.value.code == "recall_lapsed"
    db.session.expire_all()
    assert proposal.status == "lapsed"
    page = client.get(f"/api/v1/elections/{election.id}/results", headers=token_for(client, voters[0]))
    assert page.status_code == 200


def test_a_recall_supported_in_time_may_still_be_decided_after_the_deadline(community):
    election, voters, a = _published(community)
    proposal = recall.propose_recall(voters[5], election, a, "长期不履职")
    recall.support_recall(voters[6], election, proposal)  # 2 of 10: one fifth
    after = proposal.signatures_due_at + timedelta(days=1)
    assert recall.recall_state(election, proposal, after) == "proposed"
    decided = recall.decide_recall(election.test_admin, election, proposal, 6, 4, now=after)
    assert decided.status == "decided" and decided.is_passed


def _recall_ready(community):
    election, voters, a = _published(community)
    proposal = recall.propose_recall(voters[5], election, a, "长期不履职")
    recall.support_recall(voters[6], election, proposal)  # 2 of 10: one fifth
    return election, voters, a, proposal


def test_a_recall_is_voted_on_the_platform_by_secret_ballot(client, community):
    from sqlalchemy import func, select

    from community.elections.models import Participation
    from community.elections.sealed_models import SealedBallot

    election, voters, a, proposal = _recall_ready(community)
    headers = token_for(client, election.test_admin)
    url = f"/api/v1/elections/{election.id}"
    opened = client.post(f"{url}/recalls/{proposal.id}/vote", headers=headers,
                         json={"closes_at": (utcnow() + timedelta(hours=2)).isoformat()})
    assert opened.status_code == 201, opened.json
    round_no = opened.json["round_no"]
    with pytest.raises(DomainError) as entry:  # the totals entry is for paper votes only
        recall.decide_recall(election.test_admin, election, proposal, 6, 6)
    assert entry.value.code == "recall_voted_online"
    receipts = []
    for voter, marks in zip(voters[:7], [[a.id]] * 4 + [[]] * 3, strict=True):
        response = client.post(f"{url}/ballots", headers=token_for(client, voter), json={"candidate_ids": marks})
        assert response.status_code == 201, response.json
        receipts.append(response.json["receipt"])
    again = client.post(f"{url}/ballots", headers=token_for(client, voters[0]), json={"candidate_ids": []})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Participation).where(
        Participation.round_no == round_no)) == 7
    assert db.session.scalar(select(func.count()).select_from(SealedBallot).where(
        SealedBallot.round_no == round_no)) == 7  # sealed until k supervisors open them for the count
    later = utcnow() + timedelta(hours=3)
    count(election, now=later)  # close, open the sealed ballots with k shares, count
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    db.session.expire_all()
    assert proposal.status == "decided" and proposal.registered == 10 and proposal.votes_cast == 7
    assert proposal.votes_for == 4 and proposal.is_valid and proposal.is_passed and a.is_recalled
    assert a.elected_round == 1 and election.status == "published"
    result = tally.results(election)
    assert result["integrity_problems"] == [] and result["vacancies"] == 0 and not result["next_round_due"]
    assert result["rounds"][-1]["outcome"] == "recall_passed"
    assert set(receipts) <= set(voting.receipts(election, round_no))


def test_a_recall_vote_without_half_the_voters_is_invalid(community):
    election, voters, a, proposal = _recall_ready(community)
    recall.open_recall_vote(election.test_admin, election, proposal, None, utcnow() + timedelta(hours=2))
    for voter in voters[:5]:
        voting.cast_ballot(voter, election, [a.id])
    later = utcnow() + timedelta(hours=3)
    count(election, now=later)  # close, open the sealed ballots with k shares, count
    db.session.expire_all()
    assert proposal.is_valid is False and proposal.is_passed is False and not a.is_recalled
    assert lifecycle.current_round(election).next_plan is None


def test_a_recall_vote_needs_its_fifth_of_the_voters(community):
    election, voters, a = _published(community)
    proposal = recall.propose_recall(voters[5], election, a, "长期不履职")
    with pytest.raises(DomainError) as refused:
        recall.open_recall_vote(election.test_admin, election, proposal, None, utcnow() + timedelta(hours=2))
    assert refused.value.code == "recall_too_few"


def test_the_committee_opens_a_recall_vote_from_the_results_page(client, community):
    from tests.factories import login

    election, voters, a, proposal = _recall_ready(community)
    login(client, election.test_admin)
    page = client.get(f"/elections/{election.id}/results").get_data(as_text=True)
    assert "以无记名投票方式在平台表决" in page
    bad = client.post(f"/elections/{election.id}/recalls/{proposal.id}/vote", data={"closes_at": "x"})
    assert bad.status_code == 302 and proposal.round_no is None  # malformed time: refused, no 500
    closes = (utcnow() + timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/elections/{election.id}/recalls/{proposal.id}/vote", data={"closes_at": closes})
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.round_no == 2 and election.status == "voting"
    login(client, voters[0])
    assert "罢免表决" in client.get(f"/elections/{election.id}/vote").get_data(as_text=True)
