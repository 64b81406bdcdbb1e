"""The manage page's "Next step" asks first (issue #9): no step can be undone, so the first submit checks the
permission and the rules, changes nothing and says in plain words what will happen; only the confirmed submit
moves the election; a stranger gets a 403 and no confirmation page."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import utcnow
from community.elections.models import Election, ElectionStep
from community.elections.services.common import current_round
from tests.community.elections.conftest import make_election, make_voters, make_voting
from tests.factories import login, make_person


def _section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_the_first_submit_asks_and_changes_nothing_the_second_moves(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    login(client, election.test_admin)
    url = f"/elections/{election.id}/manage/status"
    steps = db.session.query(ElectionStep).filter_by(election_id=election.id).count()
    response = client.post(url, data={"status": "roll_published"})
    section = _section(response.get_data(as_text=True), "next-step")
    assert response.status_code == 200
    assert "公布选民名单后，名单即对本社区居民公开" in section and "不能撤回" in section
    assert 'name="confirmed" value="1"' in section and 'name="status" value="roll_published"' in section
    assert "是的，公布选民名单" in section and f'href="/elections/{election.id}/manage#next-step"' in section
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "draft"
    assert db.session.query(ElectionStep).filter_by(election_id=election.id).count() == steps

    response = client.post(url, data={"status": "roll_published", "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#next-step")
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "roll_published"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "选举已进入“选民名单已公布”阶段。" in _section(page, "next-step")


def test_steps_taken_at_once_are_each_named(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/status", data={"status": "nominating"})
    section = _section(response.get_data(as_text=True), "next-step")
    assert "一次完成以下步骤：选民名单已公布、提名中。" in section
    assert "公布选民名单后" in section and "开始提名后" in section
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "draft"


def test_closing_voting_says_nobody_can_vote_any_more(client, community):
    election, _voters, _candidates = make_voting(community)
    current_round(election).closes_at = utcnow() - timedelta(minutes=1)  # its scheduled end has passed
    db.session.commit()
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/status", data={"status": "closed"})
    section = _section(response.get_data(as_text=True), "next-step")
    assert "投票结束后，任何人都不能再投票" in section and "是的，结束投票" in section
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "voting"


def test_a_step_the_rules_refuse_is_refused_at_once_not_asked(client, community):
    election = make_election(community)  # the roll is empty: it cannot be published
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/status", data={"status": "roll_published"})
    section = _section(response.get_data(as_text=True), "next-step")
    assert response.status_code == 422 and 'name="confirmed"' not in section
    assert "选民名单为空" in section


def test_a_stranger_gets_403_and_no_confirmation(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    login(client, make_person(community, name="路人甲"))
    response = client.post(f"/elections/{election.id}/manage/status", data={"status": "roll_published"})
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and 'name="confirmed"' not in body and "公布选民名单后" not in body
    response = client.post(f"/elections/{election.id}/manage/status",
                           data={"status": "roll_published", "confirmed": "1"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "draft"


def test_the_next_round_says_when_it_closes_and_a_missing_closing_time_is_refused_at_once(client, community):
    from community.elections.services import voting
    from tests.community.elections.conftest import count

    election, voters, (a, b, _c) = make_voting(community, seats=1, n_voters=6)
    for voter, chosen in zip(voters[:3], [[a], [a], [b]], strict=True):
        voting.cast_ballot(voter, election, [chosen[0].id])
    count(election, utcnow() + timedelta(days=2))  # half the voters did not vote: a repeat is due
    assert election.status == "counted" and current_round(election).next_plan["kind"] == "repeat"
    login(client, election.test_admin)
    url = f"/elections/{election.id}/manage/status"
    response = client.post(url, data={"status": "voting"})  # no closing time
    assert response.status_code == 400 and 'name="confirmed"' not in _section(response.get_data(as_text=True),
                                                                              "next-step")
    response = client.post(url, data={"status": "voting", "closes_at": "2031-05-01T18:00"})
    section = _section(response.get_data(as_text=True), "next-step")
    assert response.status_code == 200 and "第2轮投票开始，至2031-05-01 18:00结束" in section
    assert 'name="closes_at" value="2031-05-01T18:00"' in section
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "counted"
    response = client.post(url, data={"status": "voting", "closes_at": "2031-05-01T18:00", "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Election, election.id).status == "voting"
    assert current_round(db.session.get(Election, election.id)).number == 2
