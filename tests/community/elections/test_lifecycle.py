"""The lifecycle with its timeline, contested and committee rules; counting through further rounds."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.models import ElectionStep
from community.elections.rules import reminder_moments
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, setup, tally, voting
from community.errors import DomainError
from community.roles.models import RoleGrant
from tests.community.elections.conftest import count, make_election, make_voters, make_voting
from tests.factories import make_person, token_for


def refused_code(fn, *args, **kwargs):
    with pytest.raises(DomainError) as refused:
        fn(*args, **kwargs)
    return refused.value.code


def test_roll_published_at_least_20_days_before_voting(community):
    now = utcnow()
    election = make_election(community, roll_days_before=20, candidates_days_before=5,
                             voting_opens_at=now + timedelta(days=19), voting_closes_at=now + timedelta(days=20))
    make_voters(election, community, 3)
    assert refused_code(lifecycle.change_status, election.test_admin, election, "roll_published", now=now) \
        == "roll_too_late"
    setup.update_settings(election.test_admin, election, {"voting_opens_at": now + timedelta(days=21),
                                                       "voting_closes_at": now + timedelta(days=22)})
    lifecycle.change_status(election.test_admin, election, "roll_published", now=now)
    assert election.status == "roll_published" and election.roll_published_at == now


def test_candidates_published_at_least_5_days_before_and_contested(community):
    now = utcnow()
    election = make_election(community, seats=2, candidates_days_before=5,
                             voting_opens_at=now + timedelta(days=4), voting_closes_at=now + timedelta(days=5))
    voters = make_voters(election, community, 4)
    for v in voters[:2]:
        cands.add_candidate(election.test_admin, election, v)
    lifecycle.change_status(election.test_admin, election, "nominating", now=now)
    assert refused_code(lifecycle.change_status, election.test_admin, election, "candidates_published",
                        now=now) == "not_contested"
    cands.add_candidate(election.test_admin, election, voters[2])
    assert refused_code(lifecycle.change_status, election.test_admin, election, "candidates_published",
                        now=now) == "candidates_too_late"
    assert election.status == "nominating"


def test_committee_of_seven_to_nine(community):
    election = make_election(community, committee=6)
    make_voters(election, community, 3)
    assert refused_code(lifecycle.change_status, election.test_admin, election, "roll_published") == "committee_size"
    for _n in range(3):
        setup.appoint(election.test_admin, election, make_person(community), "election_committee")
    assert refused_code(setup.appoint, election.test_admin, election, make_person(community),
                        "election_committee") == "committee_size"


def test_candidate_leaves_the_committee(community):
    election = make_election(community)
    member_id = db.session.scalar(select(RoleGrant.person_id).where(RoleGrant.scope_type == "election"))
    from community.elections.services import roll
    from community.people.models import Person

    member = db.session.get(Person, member_id)
    roll.add_voter(election.test_admin, election, member)
    cands.add_candidate(election.test_admin, election, member)
    assert db.session.scalar(select(RoleGrant.id).where(RoleGrant.person_id == member_id,
                                                        RoleGrant.scope_type == "election")) is None


def test_counters_are_not_candidates_or_their_relatives(community):
    election = make_election(community)
    voters = make_voters(election, community, 3)
    cands.add_candidate(election.test_admin, election, voters[0])
    assert refused_code(setup.appoint, election.test_admin, election, voters[0], "counter") == "candidate_official"
    relative = make_person(community)
    setup.declare_kinship(election.test_admin, election, relative, voters[0])
    assert refused_code(setup.appoint, election.test_admin, election, relative, "counter") == "relative_counter"
    counter = make_person(community)
    setup.appoint(election.test_admin, election, counter, "counter")
    setup.declare_kinship(election.test_admin, election, counter, voters[2])
    assert refused_code(cands.add_candidate, election.test_admin, election, voters[2]) == "relative_counter"
    assert refused_code(cands.add_candidate, election.test_admin, election, counter) == "candidate_not_voter"


def test_joint_nomination_needs_ten_voters(community):
    election = make_election(community, min_nominators=10, voting_opens_at=utcnow() + timedelta(days=10),
                             voting_closes_at=utcnow() + timedelta(days=11))
    voters = make_voters(election, community, 12)
    lifecycle.change_status(election.test_admin, election, "nominating")
    nomination = cands.nominate(voters[0], election, voters[11], "voters")
    for v in voters[1:9]:
        cands.support_nomination(v, election, nomination)
    assert refused_code(cands.add_candidate, election.test_admin, election, voters[11]) == "too_few_nominators"
    assert cands.support_nomination(voters[9], election, nomination) == 10
    assert cands.add_candidate(election.test_admin, election, voters[11]).nomination_id == nomination.id


def _vote(election, voters, choices):
    for voter, chosen in zip(voters, choices, strict=False):
        voting.cast_ballot(voter, election, [c.id for c in chosen])


def _close_and_count(election):
    later = utcnow() + timedelta(days=2)
    count(election, later)


def test_full_cycle_publish_and_results_api(client, community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    _vote(election, voters, [[a, b], [a, b], [a, c], [b], [c]])
    _close_and_count(election)
    lifecycle.change_status(election.test_admin, election, "published")
    steps = db.session.scalars(select(ElectionStep.status).order_by(ElectionStep.id)).all()
    assert steps[-4:] == ["voting", "closed", "counted", "published"]
    assert all(s.actor_id for s in db.session.scalars(select(ElectionStep)))
    body = client.get(f"/api/v1/elections/{election.id}/results", headers=token_for(client, voters[0])).json
    assert body["registered"] == 5 and body["ballots_cast"] == 5 and body["valid"]
    votes = {t["candidate_id"]: (t["votes"], t["elected"]) for t in body["tallies"]}
    assert votes == {a.id: (3, True), b.id: (3, True), c.id: (2, False)}
    assert body["vacancies"] == 0 and body["integrity_problems"] == []
    assert body["composition"]["elected"] == 2 and body["composition"]["women"] == 2


def test_tie_at_last_seat_runoff_round(community):
    election, voters, (a, b, c) = make_voting(community, seats=1, n_voters=5)
    _vote(election, voters, [[a], [a], [a], [b], [c]])
    _close_and_count(election)
    assert tally.results(election)["tallies"][0]["elected"]
    election2, voters2, (x, y, z) = make_voting(community, seats=2, n_voters=7, term="T2")
    _vote(election2, voters2, [[x, y], [x, z], [x, y], [x, z], [y, z], [y, z], [x]])
    _close_and_count(election2)
    from community.elections.services.common import current_round

    plan = current_round(election2).next_plan
    assert plan["kind"] == "runoff" and plan["candidate_ids"] == sorted([y.id, z.id]) and plan["seats"] == 1
    assert refused_code(lifecycle.change_status, election2.test_admin, election2, "published") == "round_pending"
    lifecycle.change_status(election2.test_admin, election2, "voting",
                            data={"closes_at": utcnow() + timedelta(hours=3)})
    assert refused_code(voting.cast_ballot, voters2[0], election2, [x.id]) == "not_a_candidate"
    _vote(election2, voters2, [[y], [y], [z], [y]])
    _close_and_count(election2)
    lifecycle.change_status(election2.test_admin, election2, "published")
    elected = {t["candidate_id"] for t in tally.results(election2)["tallies"] if t["elected"]}
    assert elected == {x.id, y.id}


def test_second_round_with_floor_and_vacancy(community):
    election, voters, cs = make_voting(community, seats=2, n_voters=6, n_candidates=4)
    a, b, c, d = cs
    _vote(election, voters, [[a, b], [a, c], [a, d], [a, c], [b, d], [c]])
    _close_and_count(election)  # a 4 of 6 elected; c 3 of 6 is not more than half
    from community.elections.services.common import current_round

    plan = current_round(election).next_plan
    assert plan["kind"] == "second" and plan["seats"] == 1 and plan["candidate_ids"] == sorted([c.id, b.id, d.id])
    lifecycle.change_status(election.test_admin, election, "voting", data={"closes_at": utcnow() + timedelta(hours=3)})
    _vote(election, voters, [[c], [b], [d], [c], [b], [d]])  # 2 of 6 each: below one third? 2 >= 2: passes
    _close_and_count(election)
    assert current_round(election).next_plan["kind"] == "runoff"
    lifecycle.change_status(election.test_admin, election, "voting", data={"closes_at": utcnow() + timedelta(hours=3)})
    _vote(election, voters[:4], [[c], [c], [b], []])
    _close_and_count(election)
    lifecycle.change_status(election.test_admin, election, "published")
    result = tally.results(election)
    assert result["vacancies"] == 0 and {t["candidate_id"] for t in result["tallies"] if t["elected"]} == {a.id, c.id}


def test_second_round_floor_leaves_a_vacancy(community):
    election, voters, cs = make_voting(community, seats=2, n_voters=9, n_candidates=5)
    a, b, c, d, e = cs
    _vote(election, voters, [[a]] * 5 + [[b], [c], [d], [e]])
    _close_and_count(election)
    lifecycle.change_status(election.test_admin, election, "voting", data={"closes_at": utcnow() + timedelta(hours=3)})
    from community.elections.services.common import current_round

    field = [t.candidate_id for t in current_round(election).tallies]
    assert len(field) == 4
    _vote(election, voters, [[b], [b], [c], [c], [d], [d], [e], [e], []])  # 2 of 9 < one third
    _close_and_count(election)
    assert current_round(election).next_plan is None
    lifecycle.change_status(election.test_admin, election, "published")
    assert tally.results(election)["vacancies"] == 1


def test_turnout_half_invalid_calls_for_a_repeat(community):
    election, voters, (a, b, c) = make_voting(community, seats=1, n_voters=6)
    _vote(election, voters[:3], [[a], [a], [b]])
    _close_and_count(election)
    from community.elections.services.common import current_round

    round_ = current_round(election)
    assert round_.is_valid is False and round_.next_plan["kind"] == "repeat"
    assert not any(cand.is_elected for cand in (a, b, c))


def test_reminder_moments(community):
    now = utcnow()
    election = make_election(community, voting_opens_at=now + timedelta(days=30), candidates_days_before=5,
                             voting_closes_at=now + timedelta(days=31))
    assert [k for k, _t in reminder_moments(election)] == ["voting_open", "voting_closing"]
    election.roll_published_at = now
    election.published_at = now + timedelta(days=32)
    moments = dict(reminder_moments(election))
    assert moments["roll_published"] == now
    assert moments["nominations_closing"] == now + timedelta(days=30 - 5, hours=-24)
    assert moments["voting_open"] == now + timedelta(days=30)
    assert moments["voting_closing"] == now + timedelta(days=30)  # 24 h before closing
    assert moments["results_published"] == now + timedelta(days=32)
    assert [k for k, _t in reminder_moments(election)] == ["roll_published", "nominations_closing", "voting_open",
                                                           "voting_closing", "results_published"]


def test_reminder_recipients_skip_those_who_voted(community):
    from community.elections.services.reminders import reminder_recipients

    election, voters, candidates = make_voting(community)
    voting.cast_ballot(voters[0], election, [candidates[0].id])
    assert reminder_recipients(election, "voting_open") == sorted(v.id for v in voters)
    assert reminder_recipients(election, "voting_closing") == sorted(v.id for v in voters[1:])
