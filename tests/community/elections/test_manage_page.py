"""The committee's manage page (issue #9): people chosen by name, back to the section after each form, errors
beside the field with the input kept, sentences that say what happened and why not, only reachable next steps,
removing a committee member after a confirmation, a committee member standing as a candidate, residents'
group nominations, and the committee member's home card."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import db
from community.database import utcnow
from community.elections.hooks import home_panels
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, roll
from community.elections.services.common import officials
from community.errors import DomainError
from community.roles.models import RoleGrant
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import count_statements, login, make_person

MIGRANT = "贵州省毕节市"


def _section(html: str, anchor: str) -> str:
    """The text of one section of the page."""
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def _member(election):
    return db.session.get(RoleGrant, db.session.scalar(select(RoleGrant.id).where(
        RoleGrant.scope_type == "election", RoleGrant.scope_id == election.id,
        RoleGrant.role == "election_committee").order_by(RoleGrant.id))).person


# ---------------------------------------------------------------------------------------------- services
def test_next_steps_offer_only_what_the_rules_allow_and_say_why_not(community):
    election = make_election(community)
    steps = dict(lifecycle.next_steps(election))
    assert set(steps) == {"roll_published", "nominating", "candidates_published", "voting"}
    assert all(steps.values()), steps  # an empty roll: nothing is reachable yet
    assert "名单" in steps["roll_published"] and steps["nominating"] == steps["roll_published"]
    make_voters(election, community, 3)
    steps = dict(lifecycle.next_steps(election))
    assert steps["roll_published"] is None and steps["nominating"] is None
    assert "差额" in steps["candidates_published"] and steps["voting"]
    assert election.status == "draft"  # a dry run changes nothing


def test_build_roll_says_whom_it_left_out_and_by_which_rule(community):
    election = make_election(community)
    make_person(community, name="小明", born_on=date.today())
    make_person(community, name="阿花", hukou_place=MIGRANT, living_since_on=date(2015, 1, 1))
    result = roll.build_roll(election.test_admin, election)
    reasons = {r["code"]: r for r in result["reasons"]}
    assert reasons["too_young"]["names"] == ["小明"] and reasons["too_young"]["rule"].startswith("规则")
    assert reasons["migrant_applies"]["names"] == ["阿花"] and "申请" in reasons["migrant_applies"]["rule"]
    assert result["skipped"] == {"too_young": 1, "migrant_applies": 1}  # the API's counts stay as they were


def test_a_member_standing_as_candidate_may_not_shrink_the_committee_below_its_minimum(community):
    """Once the roll is published, a committee of 7 cannot lose a member to the candidate list."""
    election = make_election(community)
    make_voters(election, community, 3)
    member = _member(election)
    roll.add_voter(election.test_admin, election, member)
    lifecycle.change_status(election.test_admin, election, "nominating")
    try:
        cands.add_candidate(election.test_admin, election, member)
    except DomainError as error:
        assert error.code == "committee_size" and member.name in error.message
    else:
        raise AssertionError("the committee would have dropped to 6")
    assert member.id in officials(election, "election_committee")


def test_a_committee_member_gets_a_home_card_to_the_manage_page(app, community):
    election = make_election(community)
    member = _member(election)
    with app.test_request_context():
        cards = home_panels(member)
    card = next(c for c in cards if c["url"].endswith(f"/elections/{election.id}/manage"))
    assert election.title in card["title"] and "选民名单" in card["body"]


# ---------------------------------------------------------------------------------------------- the page
def test_a_voter_is_picked_by_name_among_namesakes_and_the_page_returns_to_the_roll(client, community):
    election = make_election(community)
    first = make_person(community, name="张三", phone="13811110001", born_on=date(1960, 1, 1))
    make_person(community, name="张三", phone="13811110002", born_on=date(1995, 1, 1))
    login(client, election.test_admin)
    url = f"/elections/{election.id}/manage/voters"
    response = client.post(url, data={"person": "张三"})  # no JavaScript: the two namesakes are offered
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    roll_section = _section(html, "roll")
    assert 'value="张三"' in roll_section and roll_section.count('type="radio"') == 2
    assert "138****0001" in roll_section and "13811110001" not in html
    response = client.post(url, data={"person": "张三", "person_id": str(first.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("?section=roll#roll")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已将张三加入选民名单。" in _section(page, "roll")
    assert roll.voter_record(election, first.id).status == "registered"


def test_a_wrong_entry_keeps_the_input_and_shows_the_error_beside_the_field(client, community):
    election = make_election(community)
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/candidates", data={"person": "无此人"})
    assert response.status_code == 400
    candidates = _section(response.get_data(as_text=True), "candidates")
    assert 'value="无此人"' in candidates and 'id="candidate-person-error"' in candidates
    assert 'aria-invalid="true"' in candidates
    # a rule naming no field (not on the roll) is shown beside the picker too, never only at the top
    resident = make_person(community, name="李四")
    response = client.post(f"/elections/{election.id}/manage/candidates", data={"person": "李四",
                                                                              "person_id": str(resident.id)})
    candidates = _section(response.get_data(as_text=True), "candidates")
    assert response.status_code == 422 and 'id="candidate-person-error"' in candidates and "选民" in candidates


def test_the_built_roll_is_reported_in_sentences_not_codes(client, community):
    election = make_election(community)
    make_person(community, name="阿花", hukou_place=MIGRANT, living_since_on=date(2015, 1, 1))
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/build-roll")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    section = _section(page, "roll")
    assert "加入选民名单" in section and "阿花" in section and "规则" in section
    assert "migrant_applies" not in page


def test_the_next_step_list_offers_only_reachable_steps(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    login(client, election.test_admin)
    section = _section(client.get(f"/elections/{election.id}/manage").get_data(as_text=True), "next-step")
    assert 'value="roll_published"' in section and 'value="nominating"' in section
    assert 'value="candidates_published"' not in section and 'value="voting"' not in section
    assert "暂不能进入" in section and "差额" in section
    response = client.post(f"/elections/{election.id}/manage/status",
                           data={"status": "roll_published", "confirmed": "1"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "选举已进入“选民名单已公布”阶段。" in _section(page, "next-step")


def test_removing_a_committee_member_asks_first(client, community):
    election = make_election(community)
    member = _member(election)
    login(client, election.test_admin)
    url = f"/elections/{election.id}/manage/officials/{member.id}/remove"
    response = client.post(url, data={"role": "election_committee"})
    committee = _section(response.get_data(as_text=True), "committee")
    assert response.status_code == 200 and member.name in committee and 'name="confirmed"' in committee
    assert member.id in officials(election, "election_committee")  # nothing changed yet
    response = client.post(url, data={"role": "election_committee", "confirmed": "1"})
    assert response.headers["Location"].endswith("#committee")
    committee = _section(client.get(response.headers["Location"]).get_data(as_text=True), "committee")
    assert f"已将{member.name}移出选举委员会。" in committee and "委员会现有6人" in committee
    assert member.id not in officials(election, "election_committee")


def test_a_member_adding_himself_as_candidate_is_warned_and_lands_on_a_page_he_may_see(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    member = _member(election)
    roll.add_voter(election.test_admin, election, member)
    login(client, member)
    url = f"/elections/{election.id}/manage/candidates"
    response = client.post(url, data={"person": member.name, "person_id": str(member.id)})
    section = _section(response.get_data(as_text=True), "candidates")
    assert response.status_code == 200 and "退出选举委员会" in section and "您将不能再管理" in section
    assert not cands.candidates(election)
    response = client.post(url, data={"person": member.name, "person_id": str(member.id), "confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/elections/{election.id}")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "不能再管理本次选举" in page.get_data(as_text=True)


def test_a_member_who_would_shrink_the_committee_is_refused_beside_the_field(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    member = _member(election)
    roll.add_voter(election.test_admin, election, member)
    lifecycle.change_status(election.test_admin, election, "nominating")
    login(client, election.test_admin)
    response = client.post(f"/elections/{election.id}/manage/candidates",
                           data={"person": member.name, "person_id": str(member.id)})
    section = _section(response.get_data(as_text=True), "candidates")
    assert response.status_code == 422 and "请先再任命一位委员" in section and 'name="confirmed"' not in section
    assert "已列入" not in response.get_data(as_text=True)


def test_a_residents_group_nomination_has_its_form(client, community):
    later = utcnow() + timedelta(days=10)  # nominations stay open until the list is due before voting
    election = make_election(community, voting_opens_at=later, voting_closes_at=later + timedelta(hours=8))
    voters = make_voters(election, community, 3)
    lifecycle.change_status(election.test_admin, election, "nominating")
    login(client, election.test_admin)
    section = _section(client.get(f"/elections/{election.id}/manage").get_data(as_text=True), "candidates")
    assert 'name="group_name"' in section and 'value="group"' in section
    response = client.post(f"/elections/{election.id}/manage/nominations", data={
        "kind": "group", "group_name": "第一居民小组", "person": voters[0].name, "person_id": str(voters[0].id)})
    assert response.status_code == 302, _section(response.get_data(as_text=True), "candidates")
    section = _section(client.get(response.headers["Location"]).get_data(as_text=True), "candidates")
    assert f"已由居民小组“第一居民小组”提名{voters[0].name}。" in section
    response = client.post(f"/elections/{election.id}/manage/nominations", data={
        "kind": "group", "group_name": "", "person": voters[1].name, "person_id": str(voters[1].id)})
    section = _section(response.get_data(as_text=True), "candidates")
    assert response.status_code == 400 and 'id="nomination-group-error"' in section


def test_the_home_page_of_a_committee_member_links_to_the_manage_page(client, community):
    election = make_election(community)
    login(client, _member(election))
    assert f'href="/elections/{election.id}/manage"' in client.get("/").get_data(as_text=True)


def test_the_manage_page_statement_count_does_not_grow_with_the_roll(client, community):
    election = make_election(community)
    make_voters(election, community, 3)
    login(client, election.test_admin)
    few, _page = count_statements(client, f"/elections/{election.id}/manage")
    make_voters(election, community, 30)
    many, _page = count_statements(client, f"/elections/{election.id}/manage")
    assert many == few, (few, many)


def test_two_members_standing_at_once_leave_the_committee_at_its_minimum(app, backend, community):
    """Simultaneous requests: of two members of a committee of 8 (7 needed) added as candidates at once, one
    is refused; the election's row lock orders them, so the committee never drops to 6."""
    from tests.community.elections.test_concurrency import _fire
    from tests.factories import token_for

    later = utcnow() + timedelta(days=10)
    election = make_election(community, committee=8, voting_opens_at=later,
                             voting_closes_at=later + timedelta(hours=8))
    make_voters(election, community, 3)
    members = [db.session.get(RoleGrant, gid).person for gid in db.session.scalars(select(RoleGrant.id).where(
        RoleGrant.scope_type == "election", RoleGrant.role == "election_committee").limit(2))]
    for member in members:
        roll.add_voter(election.test_admin, election, member)
    lifecycle.change_status(election.test_admin, election, "nominating")
    headers = token_for(app.test_client(), election.test_admin)
    url = f"/api/v1/elections/{election.id}/candidates"
    statuses = _fire(app, [(url, headers, {"person_id": member.id}) for member in members])
    assert sorted(statuses) == [201, 422], statuses
    db.session.expire_all()
    assert len(officials(election, "election_committee")) == 7
