"""The voter roll: every eligibility rule names itself; applications, objections and excuses."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.models import VoterRecord
from community.elections.rules import eligibility_problems
from community.elections.services import roll
from community.errors import Conflict, DomainError
from tests.community.elections.conftest import make_election
from tests.factories import make_person, token_for

MIGRANT = "贵州省毕节市七星关区"


@pytest.fixture
def election(community):
    return make_election(community, voting_opens_at=utcnow() + timedelta(days=30),
                         voting_closes_at=utcnow() + timedelta(days=31))


def codes(person, election):
    return [code for code, _m in eligibility_problems(person, election, election.voting_day)]


def test_age_on_voting_day(election, community):
    day = election.voting_day
    assert codes(make_person(community, born_on=day.replace(year=day.year - 18)), election) == []
    young = make_person(community, born_on=day.replace(year=day.year - 18) + timedelta(days=1))
    assert codes(young, election) == ["too_young"]
    assert codes(make_person(community, born_on=None), election) == ["age_unknown"]


def test_political_rights_and_residence(election, community, places):
    assert codes(make_person(community, has_political_rights=False), election) == ["no_political_rights"]
    assert codes(make_person(places["west"]), election) == ["not_resident"]


def test_migrant_one_year_rule_and_permit(election, community):
    day = election.voting_day
    settled = make_person(community, hukou_place=MIGRANT, living_since_on=day - timedelta(days=366))
    assert settled.is_migrant and codes(settled, election) == []
    recent = make_person(community, hukou_place=MIGRANT, living_since_on=day - timedelta(days=300))
    assert codes(recent, election) == ["migrant_residence"]
    election.migrant_needs_permit = True
    assert codes(settled, election) == ["migrant_permit"]
    settled.residence_permit_no = "浙居123"
    assert codes(settled, election) == []


def test_refusal_names_the_rule_in_the_api(client, election, community):
    young = make_person(community, born_on=date.today() - timedelta(days=365 * 10))
    headers = token_for(client, election.test_admin)
    response = client.post(f"/api/v1/elections/{election.id}/voters", headers=headers, json={"person_id": young.id})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_young" and "18" in response.json["error"]["message"]
    assert db.session.scalar(select(VoterRecord.id)) is None


def test_never_on_two_rolls_of_the_same_term(election, community, places):
    other = make_election(places["east"], admin=election.test_admin, committee=0,
                          voting_opens_at=utcnow() + timedelta(days=30), voting_closes_at=utcnow() + timedelta(days=31))
    person = make_person(community)
    roll.add_voter(election.test_admin, election, person)
    with pytest.raises(DomainError) as refused:
        roll.add_voter(election.test_admin, other, person)
    assert refused.value.code == "other_roll"


def test_migrant_applies_and_committee_approval_is_recorded(election, community):
    migrant = make_person(community, hukou_place=MIGRANT, living_since_on=date(2015, 1, 1))
    election.status = "roll_published"
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        roll.apply_for_roll(migrant, election, promise_signed=False)
    assert refused.value.code == "migrant_promise"
    row = roll.apply_for_roll(migrant, election, promise_signed=True)
    assert row.status == "applied"
    with pytest.raises(Conflict):
        roll.apply_for_roll(migrant, election, promise_signed=True)
    approved = roll.add_voter(election.test_admin, election, migrant)
    assert approved.status == "registered" and approved.approved_by_id == election.test_admin.id
    assert approved.approved_at is not None and approved.promise_signed


def test_committee_adding_migrant_needs_written_promise(election, community):
    migrant = make_person(community, hukou_place=MIGRANT, living_since_on=date(2015, 1, 1))
    with pytest.raises(DomainError) as refused:
        roll.add_voter(election.test_admin, election, migrant)
    assert refused.value.code == "migrant_promise"
    assert roll.add_voter(election.test_admin, election, migrant, promise_signed=True).approved_by_id


def test_build_roll_adds_eligible_locals_only(election, community):
    make_person(community)
    make_person(community, born_on=date.today())
    make_person(community, hukou_place=MIGRANT, living_since_on=date(2015, 1, 1))
    result = roll.build_roll(election.test_admin, election)
    # the administrator, the seven committee members and one resident are eligible locals
    assert result["added"] == 9
    assert result["skipped"] == {"too_young": 1, "migrant_applies": 1}


def test_household_method_one_voter_per_household(election, community):
    election.method = "household"
    db.session.commit()
    roll.add_voter(election.test_admin, election, make_person(community), household="1幢101")
    with pytest.raises(DomainError) as refused:
        roll.add_voter(election.test_admin, election, make_person(community), household="1幢101")
    assert refused.value.code == "household_taken"


def test_objections_within_five_days_answered(election, community):
    voter = make_person(community)
    roll.add_voter(election.test_admin, election, voter)
    published = utcnow()
    election.status, election.roll_published_at = "roll_published", published
    db.session.commit()
    with pytest.raises(DomainError) as late:
        roll.file_objection(voter, election, "名单漏了人", now=published + timedelta(days=5, minutes=1))
    assert late.value.code == "objection_late"
    objection = roll.file_objection(voter, election, "名单漏了人", now=published + timedelta(days=4))
    assert objection.answer_due_at == published + timedelta(days=7)
    roll.answer_objection(election.test_admin, election, objection, "已补入", "upheld")
    assert objection.outcome == "upheld" and objection.answered_by_id == election.test_admin.id


def test_excuse_at_least_two_days_before(election, community):
    voter = make_person(community)
    roll.add_voter(election.test_admin, election, voter)
    with pytest.raises(DomainError) as late:
        roll.excuse_voter(election.test_admin, election, voter.id, now=election.voting_opens_at - timedelta(days=1))
    assert late.value.code == "excuse_late"
    row = roll.excuse_voter(election.test_admin, election, voter.id, now=election.voting_opens_at - timedelta(days=3))
    assert row.excused_at is not None
