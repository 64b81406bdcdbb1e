"""What residents see of the roll, objections and nominations: names, not personal details."""
from app import db
from community.elections.models import RollObjection
from community.elections.services import lifecycle
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import make_person, token_for


def test_roll_and_objections_hide_personal_details_from_residents(client, community):
    election = make_election(community)
    voters = make_voters(election, community, 3)
    lifecycle.change_status(election.test_admin, election, "roll_published")
    db.session.add(RollObjection(election_id=election.id, filed_by_id=voters[0].id, text="名单有误",
                                 filed_at=election.roll_published_at, answer_due_at=election.roll_published_at))
    db.session.commit()
    resident = make_person(community, name="邻居")
    headers = token_for(client, resident)
    roll = client.get(f"/api/v1/elections/{election.id}/voters", headers=headers).json["items"]
    assert roll and all(v["is_migrant"] is None and v["household"] is None for v in roll)
    objections = client.get(f"/api/v1/elections/{election.id}/objections", headers=headers).json["items"]
    assert objections[0]["text"] == "名单有误" and objections[0]["filed_by_id"] is None
    admin_headers = token_for(client, election.test_admin)
    objections = client.get(f"/api/v1/elections/{election.id}/objections", headers=admin_headers).json["items"]
    assert objections[0]["filed_by_id"] == voters[0].id


def test_nominations_of_a_draft_are_not_public(client, community, places):
    election = make_election(community)
    make_voters(election, community, 3)
    outsider = make_person(places["west"], name="外社区")
    assert client.get(f"/api/v1/elections/{election.id}/nominations",
                      headers=token_for(client, make_person(community))).status_code == 403
    lifecycle.change_status(election.test_admin, election, "roll_published")
    assert client.get(f"/api/v1/elections/{election.id}/nominations",
                      headers=token_for(client, make_person(community, name="居民"))).status_code == 200
    assert client.get(f"/api/v1/elections/{election.id}/nominations",
                      headers=token_for(client, outsider)).status_code == 403
