"""Proxies (at most three), paper ballots entered twice, and recall."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.database import utcnow
from community.elections.models import Ballot, Participation
from community.elections.services import lifecycle, paper, recall, tally, voting
from community.elections.services.common import current_round
from community.errors import Conflict, DomainError, Forbidden
from tests.community.elections.conftest import count, make_voting, open_ballots
from tests.factories import grant, make_person, token_for


def test_proxy_limit_three_and_published_list(client, community):
    election, voters, candidates = make_voting(community, n_voters=8)
    admin = election.test_admin
    proxy = voters[0]
    for principal in voters[1:4]:
        voting.approve_proxy(admin, election, principal, proxy)
    with pytest.raises(DomainError) as refused:
        voting.approve_proxy(admin, election, voters[4], proxy)
    assert refused.value.code == "proxy_limit"
    listing = client.get(f"/api/v1/elections/{election.id}/proxies", headers=token_for(client, voters[5])).json
    assert {(p["principal_id"], p["proxy_id"]) for p in listing} == {(v.id, proxy.id) for v in voters[1:4]}


def test_proxy_votes_for_principal_once(community):
    election, voters, candidates = make_voting(community, n_voters=6)
    voting.approve_proxy(election.test_admin, election, voters[1], voters[0])
    voting.cast_ballot(voters[0], election, [candidates[0].id], on_behalf_of=voters[1])
    voting.cast_ballot(voters[0], election, [candidates[1].id])
    with pytest.raises(Conflict):
        voting.cast_ballot(voters[1], election, [candidates[1].id])
    with pytest.raises(Forbidden) as refused:
        voting.cast_ballot(voters[0], election, [candidates[1].id], on_behalf_of=voters[2])
    assert refused.value.code == "no_proxy"
    channels = dict(db.session.execute(select(Participation.voter_id, Participation.channel)).all())
    assert channels == {voters[1].id: "proxy", voters[0].id: "online"}


def _close(election):
    lifecycle.change_status(election.test_admin, election, "closed", now=utcnow() + timedelta(days=2))


def test_paper_ballots_entered_twice_differences_flagged_until_resolved(community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    for v in voters[:3]:
        paper.issue_paper_ballot(election.test_admin, election, v, "hall")
    voting.cast_ballot(voters[3], election, [a.id])
    with pytest.raises(Conflict):
        paper.issue_paper_ballot(election.test_admin, election, voters[3], "hall")
    _close(election)
    one, two = make_person(community), make_person(community)
    grant(one, "counter", "election", election.id)
    grant(two, "counter", "election", election.id)
    for counter in (one, two):
        paper.enter_paper_ballot(counter, election, "hall", 1, [a.id, b.id])
        paper.enter_paper_ballot(counter, election, "hall", 3, [a.id, b.id, c.id])  # too many marks: void
    paper.enter_paper_ballot(one, election, "hall", 2, [b.id])
    paper.enter_paper_ballot(two, election, "hall", 2, [c.id])
    with pytest.raises(Conflict):
        paper.enter_paper_ballot(one, election, "hall", 2, [b.id])
    states = {s["sheet_no"]: s["state"] for s in paper.sheets(election)}
    assert states == {1: "agreed", 2: "differs", 3: "agreed"}
    with pytest.raises(DomainError) as refused:  # the sealed ballots are opened with the paper ones, all settled
        open_ballots(election)
    assert refused.value.code == "paper_unreconciled"
    with pytest.raises(DomainError) as sealed:
        lifecycle.change_status(election.test_admin, election, "counted", now=utcnow() + timedelta(days=2))
    assert sealed.value.code == "ballots_sealed"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    with pytest.raises(Forbidden):
        paper.enter_paper_ballot(voters[4], election, "hall", 4, [a.id])
    paper.resolve_sheet(election.test_admin, election, "hall", 2, [b.id])
    assert open_ballots(election)["paper"] == 3
    with pytest.raises(DomainError) as late:  # a sheet typed after the opening would be stored apart
        paper.enter_paper_ballot(one, election, "hall", 4, [a.id])
    assert late.value.code == "already_opened"
    lifecycle.change_status(election.test_admin, election, "counted", now=utcnow() + timedelta(days=2))
    round_ = current_round(election)
    assert (round_.ballots_returned, round_.void_ballots, round_.participants) == (4, 1, 4)
    votes = {t.candidate_id: t.votes for t in round_.tallies}
    assert votes == {a.id: 2, b.id: 2, c.id: 0}
    assert tally.verify(election) == []


def test_more_paper_ballots_than_voters_voids_the_round(community):
    election, voters, (a, b, c) = make_voting(community, seats=1, n_voters=3)
    paper.issue_paper_ballot(election.test_admin, election, voters[0], "mobile-1")
    voting.cast_ballot(voters[1], election, [a.id])
    _close(election)
    counter1, counter2 = make_person(community), make_person(community)
    grant(counter1, "counter", "election", election.id)
    grant(counter2, "counter", "election", election.id)
    for counter in (counter1, counter2):
        for sheet in (1, 2):
            paper.enter_paper_ballot(counter, election, "mobile-1", sheet, [a.id])
    open_ballots(election)
    lifecycle.change_status(election.test_admin, election, "counted", now=utcnow() + timedelta(days=2))
    round_ = current_round(election)
    assert round_.is_valid is False and round_.outcome == "more_ballots_than_voters"
    assert not a.is_elected


def test_recall_thresholds_in_service(community):
    election, voters, (a, b, c) = make_voting(community, seats=1, n_voters=10)
    for v in voters[:6]:
        voting.cast_ballot(v, election, [a.id])
    later = utcnow() + timedelta(days=2)
    count(election, later)
    lifecycle.change_status(election.test_admin, election, "published", now=later)
    assert a.is_elected
    proposal = recall.propose_recall(voters[5], election, a, "长期不履职")
    with pytest.raises(DomainError) as refused:
        recall.decide_recall(election.test_admin, election, proposal, 6, 6)
    assert refused.value.code == "recall_too_few"  # one fifth of 10 is 2
    assert recall.support_recall(voters[6], election, proposal) == 2
    with pytest.raises(Conflict):
        recall.support_recall(voters[6], election, proposal)
    decided = recall.decide_recall(election.test_admin, election, proposal, 6, 4)
    assert decided.is_valid and decided.is_passed and a.is_recalled
