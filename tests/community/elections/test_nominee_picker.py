"""A voter's joint nomination chooses the nominee by name with the person picker, among the voters on that
election's roll only: permission first (a resident not on the roll gets 403 before any search), the roll as the
scope, and a refused form showing its error beside the field with the typed name kept."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.models import Nomination
from community.elections.services import lifecycle
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import login, make_person

URL = "/api/v1/people/picker"
ACTION = "election.nominate_jointly"


def _nominating(community):
    election = make_election(community, voting_opens_at=utcnow() + timedelta(days=10),
                             voting_closes_at=utcnow() + timedelta(days=11))
    voters = make_voters(election, community, 3)
    lifecycle.change_status(election.test_admin, election, "nominating")
    return election, voters


def _search(client, election, q):
    return client.get(URL, query_string={"scope_type": "election", "scope_id": election.id, "action": ACTION,
                                         "q": q})


def test_a_resident_not_on_the_roll_is_refused_before_any_search(client, community, monkeypatch):
    from community.people import picker

    election, voters = _nominating(community)
    outsider = make_person(community, name="路人甲")
    login(client, outsider)
    searched = []
    monkeypatch.setattr(picker, "_people", lambda *args: searched.append(args) or select(None))
    for q in ("选民", "没有这个人", voters[1].phone):
        response = _search(client, election, q)
        assert response.status_code == 403 and response.json["error"]["code"]
    assert searched == [], "searched before refusing"
    monkeypatch.undo()
    response = client.post(f"/elections/{election.id}/nominations", data={"nominee": voters[1].name})
    assert response.status_code == 403 and db.session.scalar(select(Nomination)) is None


def test_a_voter_finds_only_the_voters_on_that_roll(client, community, places):
    election, voters = _nominating(community)
    make_person(community, name="选民乙", phone="13700009999")  # same community and name prefix, not on the roll
    make_person(places["west"], name="选民丙")
    login(client, voters[0])
    found = _search(client, election, "选民").json["items"]
    assert sorted(item["id"] for item in found) == sorted(v.id for v in voters)
    assert all(item["age"] is None and "****" in item["phone"] for item in found)
    assert _search(client, election, "13700009999").json["items"] == []  # a whole phone: still only the roll
    assert _search(client, election, "委员").json["items"] == []  # the committee is not on the roll


def test_a_voter_nominates_a_neighbour_by_name(client, community):
    election, voters = _nominating(community)
    login(client, voters[0])
    page = client.get(f"/elections/{election.id}").get_data(as_text=True)
    assert 'name="nominee"' in page and 'name="phone"' not in page and "js/picker.js" in page
    response = client.post(f"/elections/{election.id}/nominations",
                           data={"nominee": voters[2].name, "nominee_id": str(voters[2].id)})
    assert response.status_code == 302
    nomination = db.session.scalar(select(Nomination))
    assert nomination.nominee_id == voters[2].id and nomination.kind == "voters"
    assert voters[2].name in client.get(response.location).get_data(as_text=True)


def test_a_refused_nomination_shows_the_error_beside_the_field_and_keeps_the_name(client, community):
    election, voters = _nominating(community)
    outsider = make_person(community, name="邻居丁")
    login(client, voters[0])
    for typed, status in (("查无此人", 400), (outsider.name, 400), (str(outsider.id), 400)):
        response = client.post(f"/elections/{election.id}/nominations", data={"nominee": typed})
        page = response.get_data(as_text=True)
        assert response.status_code == status, typed
        assert f'value="{typed}"' in page and 'id="nominee-error"' in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(Nomination)) is None
    # a namesake on the roll: both offered, chosen by name, never by phone
    twin = make_person(community, name="选民1")
    from community.elections.services import roll

    roll.add_voter(election.test_admin, election, twin)
    page = client.post(f"/elections/{election.id}/nominations", data={"nominee": "选民1"}).get_data(as_text=True)
    assert page.count('type="radio" name="nominee_id"') == 2 and 'value="选民1"' in page
