"""An election of one residents' group (居民小组), bound to its grid: only that grid's residents vote."""
from datetime import date

import pytest

from community.elections.services import roll, setup
from community.errors import DomainError, Invalid
from tests.community.elections.conftest import make_election
from tests.factories import make_community, make_grid, make_person, token_for


def test_only_the_groups_residents_are_eligible(community):
    first, second = make_grid(community, "第1网格"), make_grid(community, "第2网格")
    election = make_election(community)
    setup.update_settings(election.test_admin, election, {"grid_id": first.id})
    assert election.residents_group == "第1网格"
    inside = make_person(community, name="组内", grid_id=first.id, born_on=date(1980, 1, 1))
    outside = make_person(community, name="组外", grid_id=second.id, born_on=date(1980, 1, 1))
    roll.add_voter(election.test_admin, election, inside)
    with pytest.raises(DomainError) as refused:
        roll.add_voter(election.test_admin, election, outside)
    assert refused.value.code == "not_in_group"


def test_building_the_roll_takes_only_the_group(community):
    first, second = make_grid(community, "第1网格"), make_grid(community, "第2网格")
    election = make_election(community)
    setup.update_settings(election.test_admin, election, {"grid_id": first.id})
    for n in range(3):
        make_person(community, name=f"甲{n}", grid_id=first.id, born_on=date(1980, 1, 1))
        make_person(community, name=f"乙{n}", grid_id=second.id, born_on=date(1980, 1, 1))
    result = roll.build_roll(election.test_admin, election)
    assert result["added"] == 3


def test_the_grid_must_be_in_the_elections_community(community, places):
    elsewhere = make_grid(make_community(places["street"], "南门社区"), "第1网格")
    election = make_election(community)
    with pytest.raises(Invalid) as refused:
        setup.update_settings(election.test_admin, election, {"grid_id": elsewhere.id})
    assert "grid_id" in refused.value.fields


def test_api_creates_a_group_election(client, community):
    from tests.factories import make_admin

    grid = make_grid(community, "第3网格")
    admin = make_admin("community_admin", ("community", community.id), community)
    body = {"title": "第三居民小组推选", "community_id": community.id, "seats": 2, "grid_id": grid.id}
    response = client.post("/api/v1/elections", headers=token_for(client, admin), json=body)
    assert response.status_code == 201, response.json
    assert response.json["grid_id"] == grid.id
    bad = client.post("/api/v1/elections", headers=token_for(client, admin), json=body | {"grid_id": 2 ** 31})
    assert bad.status_code == 400
