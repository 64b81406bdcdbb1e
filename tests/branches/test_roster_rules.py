"""The roster's rules: branch kinds, the three-full-member rule, members, join requests, positions, and the
elections' composition from the rosters; on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import db
from branches import joining, roster
from branches.models import Branch, BranchMember, JoinRequest
from community.errors import Conflict, Invalid
from community.reminders.models import Reminder

TODAY = date(2026, 12, 3)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_joint_branch_names_two_to_five_units_and_a_station_its_hours(juexi):
    admin, street = juexi["admin"], juexi["street"]
    with pytest.raises(Invalid) as refused:
        roster.create_branch(admin, street.id, {"name": "联合党支部", "kind": "joint", "units": "甲公司"})
    assert "units" in refused.value.fields
    with pytest.raises(Invalid):
        roster.create_branch(admin, street.id, {"name": "联合党支部", "kind": "joint",
                                                "units": "\n".join("甲乙丙丁戊己")})
    joint = roster.create_branch(admin, street.id, {"name": "联合党支部", "kind": "joint", "units": "甲公司、乙公司"})
    assert joint.units == ["甲公司", "乙公司"]
    with pytest.raises(Invalid) as refused:
        roster.create_branch(admin, street.id, {"name": "党群服务站", "kind": "station"})
    assert "opening_hours" in refused.value.fields
    station = roster.create_branch(admin, street.id, {"name": "党群服务站", "kind": "station",
                                                      "opening_hours": "每周一至周六 8:30–20:00",
                                                      "services": "党费缴纳"})
    db.session.commit()
    assert station.opening_hours and roster.meets_rule(station, 0)
    with pytest.raises(Conflict):
        roster.create_branch(admin, street.id, {"name": "党群服务站", "kind": "mobile"})


def test_a_branch_with_fewer_than_three_full_members_does_not_meet_the_rule(juexi, client):
    branch, wang, people = juexi["guizhou"], juexi["wang"], juexi["people"]
    for person in people[:2]:
        roster.add_member(wang, branch, person, {"status": "full"}, TODAY)
    roster.add_member(wang, branch, people[2], {"status": "probationary", "probation_voted_on": "2026-06-01"}, TODAY)
    db.session.commit()
    assert roster.full_member_counts([branch.id]) == {branch.id: 2}
    assert not roster.meets_rule(branch, 2)
    assert "联合党支部" in roster.rule_message(branch, 2)
    from tests.factories import login

    login(client, juexi["admin"])
    page = client.get(f"/admin/branches/{branch.id}").get_data(as_text=True)
    assert "不符合设置要求" in page and "暂不能单独建支部" in page
    assert "不符合设置要求" in client.get("/admin/branches/").get_data(as_text=True)
    roster.add_member(wang, branch, people[3], {"status": "full"}, TODAY)
    db.session.commit()
    assert roster.meets_rule(branch, roster.full_member_counts([branch.id])[branch.id])


def test_a_joint_branch_becomes_a_single_unit_branch_only_with_three_full_members(juexi):
    admin, wang = juexi["admin"], juexi["wang"]
    joint = roster.create_branch(admin, juexi["street"].id, {"name": "联合党支部", "kind": "joint",
                                                             "units": "甲公司\n乙公司"})
    db.session.commit()
    from community.authz import forget_grants
    from tests.factories import grant

    grant(wang, "secretary", "branch", joint.id)
    forget_grants()
    for person in juexi["people"][:2]:
        roster.add_member(wang, joint, person, {"status": "full"}, TODAY)
    db.session.commit()
    with pytest.raises(roster.BranchRule) as refused:
        roster.update_branch(admin, joint, {"name": "联合党支部", "kind": "mobile"})
    assert "kind" in refused.value.fields
    db.session.rollback()
    assert db.session.get(Branch, joint.id).kind == "joint"
    roster.add_member(wang, joint, juexi["people"][2], {"status": "full"}, TODAY)
    roster.update_branch(admin, joint, {"name": "甲公司流动党支部", "kind": "mobile"})
    db.session.commit()
    assert db.session.get(Branch, joint.id).kind == "mobile"


def test_probationary_members_have_a_one_year_term_from_the_vote_and_no_vote(juexi):
    branch, wang, people = juexi["guizhou"], juexi["wang"], juexi["people"]
    with pytest.raises(Invalid) as refused:
        roster.add_member(wang, branch, people[0], {"status": "probationary"}, TODAY)
    assert "probation_voted_on" in refused.value.fields
    db.session.rollback()
    assert _count(BranchMember) == 0  # nothing half-written
    member = roster.add_member(wang, branch, people[0], {"status": "probationary",
                                                         "probation_voted_on": "2026-03-15"}, TODAY)
    assert member.probation_ends_on == date(2027, 3, 15) and not member.has_vote
    assert roster.probation_end(date(2024, 2, 29)) == date(2025, 2, 28)
    full = roster.add_member(wang, branch, people[1], {"status": "full"}, TODAY)
    assert full.has_vote


def test_a_card_needs_its_number_and_home_organisation(juexi):
    branch, wang, person = juexi["guizhou"], juexi["wang"], juexi["people"][0]
    with pytest.raises(Invalid) as refused:
        roster.add_member(wang, branch, person, {"status": "full", "relationship": "card"}, TODAY)
    assert {"card_number", "home_organisation_id"} <= refused.value.fields.keys()
    member = roster.add_member(wang, branch, person, {"status": "full", "relationship": "card",
                                                      "card_number": "流字001",
                                                      "home_organisation_id": juexi["zunyi"].id}, TODAY)
    assert member.card_number == "流字001" and member.home_organisation_id == juexi["zunyi"].id


def test_a_duplicate_or_a_second_current_branch_is_refused_and_nothing_is_written(juexi):
    guizhou, anhui, wang, li, person = (juexi["guizhou"], juexi["anhui"], juexi["wang"], juexi["li"],
                                        juexi["people"][0])
    roster.add_member(wang, guizhou, person, {"status": "full"}, TODAY)
    db.session.commit()
    with pytest.raises(Conflict) as duplicate:
        roster.add_member(wang, guizhou, person, {"status": "full"}, TODAY)
    assert "已是本支部党员" in duplicate.value.message
    db.session.rollback()
    with pytest.raises(Conflict) as second:
        roster.add_member(li, anhui, person, {"status": "full"}, TODAY)
    assert "其他支部" in second.value.message and guizhou.name not in second.value.message
    db.session.rollback()
    assert _count(BranchMember) == 1
    # The database says so too, whatever the service checked: a second current row cannot be written.
    db.session.add(BranchMember(branch_id=anhui.id, person_id=person.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Once they left, they may join another branch.
    db.session.execute(BranchMember.__table__.update().values(left_on=TODAY))
    db.session.commit()
    roster.add_member(li, anhui, person, {"status": "full"}, TODAY)
    db.session.commit()
    assert _count(BranchMember) == 2


def test_a_mobile_member_asks_to_join_and_the_secretary_accepts_or_declines(juexi):
    branch, wang, asking, other = juexi["guizhou"], juexi["wang"], juexi["people"][0], juexi["people"][1]
    request_ = joining.ask_to_join(asking, branch, "流字123", juexi["zunyi"].id, "在水产公司上班")
    db.session.commit()
    with pytest.raises(Conflict):
        joining.ask_to_join(asking, branch, "流字123", juexi["zunyi"].id)
    db.session.rollback()
    member = joining.accept(wang, request_, TODAY)
    db.session.commit()
    assert member.relationship == "card" and member.card_number == "流字123"
    assert request_.state == "accepted" and request_.decided_by_id == wang.id
    with pytest.raises(Conflict):
        joining.decline(wang, request_, "已处理")
    db.session.rollback()
    second = joining.ask_to_join(other, branch, "流字456", juexi["zunyi"].id)
    db.session.commit()
    with pytest.raises(Invalid):
        joining.decline(wang, second, "")
    db.session.rollback()
    joining.decline(wang, second, "请先到党群服务站登记活动证")
    db.session.commit()
    kinds = db.session.execute(select(Reminder.recipient_id, Reminder.occasion).where(
        Reminder.kind == joining.KIND).order_by(Reminder.recipient_id)).all()
    assert kinds == [(asking.id, "accepted"), (other.id, "declined")]
    messages = joining.render(db.session.scalars(select(Reminder).where(Reminder.kind == joining.KIND)).all())
    assert any("请先到党群服务站登记活动证" in m.body for m in messages.values())


def test_accepting_someone_already_in_another_branch_writes_nothing(juexi):
    guizhou, anhui, wang, li, person = (juexi["guizhou"], juexi["anhui"], juexi["wang"], juexi["li"],
                                        juexi["people"][0])
    request_ = joining.ask_to_join(person, guizhou, "流字123", juexi["zunyi"].id)
    db.session.commit()
    roster.add_member(li, anhui, person, {"status": "full"}, TODAY)
    db.session.commit()
    with pytest.raises(Conflict):
        joining.accept(wang, request_, TODAY)
    db.session.rollback()
    assert db.session.get(JoinRequest, request_.id).state == "pending"
    assert _count(BranchMember) == 1


def test_positions_in_towns_and_villages(juexi):
    member = roster.add_member(juexi["wang"], juexi["guizhou"], juexi["people"][0], {"status": "full"}, TODAY)
    roster.add_position(juexi["wang"], member, "大管家", "爵溪街道南岙村", "2023-04-01")
    with pytest.raises(Invalid):
        roster.add_position(juexi["wang"], member, "", "", "")
    db.session.commit()
    assert [(p.title, p.place, p.since) for p in member.positions] == [("大管家", "爵溪街道南岙村", date(2023, 4, 1))]


def test_the_elections_count_party_and_mobile_party_members_from_the_rosters(juexi):
    """As in Juexi: of 18 representatives, 12 mobile party members; here also 2 members of a service station."""
    from community.elections.services.tally import party_composition

    admin, street, wang = juexi["admin"], juexi["street"], juexi["wang"]
    station = roster.create_branch(admin, street.id, {"name": "党群服务站", "kind": "station",
                                                      "opening_hours": "每天 9:00–17:00"})
    elected = juexi["people"][:18]
    for n, person in enumerate(elected[:12]):
        card = {"relationship": "card", "card_number": f"流字{n}", "home_organisation_id": juexi["zunyi"].id}
        roster.add_member(wang, juexi["guizhou"], person, {"status": "full", **(card if n % 2 else {})}, TODAY)
    for person in elected[12:14]:
        roster.add_member(admin, station, person, {"status": "full"}, TODAY)
    db.session.commit()
    assert party_composition([p.id for p in elected]) == {"party_members": 14, "mobile_party_members": 12}


def test_without_rosters_the_composition_says_nothing(app):
    from community.elections.services.tally import party_composition
    from community.registry import registry

    saved = list(registry(app).party_membership_sources)
    registry(app).party_membership_sources.clear()
    try:
        assert party_composition([1, 2]) == {"party_members": None, "mobile_party_members": None}
    finally:
        registry(app).party_membership_sources.extend(saved)


def test_api_creates_branches_organisations_pairings_and_members(juexi, client):
    from tests.factories import token_for

    admin = token_for(client, juexi["admin"])
    made = client.post("/api/v1/branches", json={"name": "江西流动党支部", "street_id": juexi["street"].id,
                                                  "kind": "mobile"}, headers=admin)
    assert made.status_code == 201, made.json
    assert client.post("/api/v1/branches", json={"name": "江西流动党支部", "street_id": juexi["street"].id,
                                                 "kind": "mobile"}, headers=admin).status_code == 409
    org = client.post("/api/v1/home-organisations", json={"name": "饶州街道党工委", "region": "江西省上饶市"},
                      headers=admin)
    assert org.status_code == 201
    branch_id = made.json["id"]
    paired = client.post(f"/api/v1/branches/{branch_id}/home-organisations",
                         json={"home_organisation_id": org.json["id"]}, headers=admin)
    assert paired.status_code == 201
    assert client.post(f"/api/v1/branches/{branch_id}/home-organisations",
                       json={"home_organisation_id": org.json["id"]}, headers=admin).status_code == 409
    person = juexi["people"][0]
    body = {"person_id": person.id, "status": "probationary", "relationship": "transferred"}
    refused = client.post(f"/api/v1/branches/{branch_id}/members", json=body, headers=admin)
    assert refused.status_code == 400 and "probation_voted_on" in refused.json["error"]["fields"]
    added = client.post(f"/api/v1/branches/{branch_id}/members", json=body | {"probation_voted_on": "2026-05-01"},
                        headers=admin)
    assert added.status_code == 201 and added.json["probation_ends_on"] == "2027-05-01"
    again = client.post(f"/api/v1/branches/{juexi['guizhou'].id}/members", json=body | {"status": "full"},
                        headers=admin)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_member"
    stranger = client.post(f"/api/v1/branches/{branch_id}/members",
                           json=body | {"person_id": juexi["stranger"].id, "status": "full"}, headers=admin)
    assert stranger.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Branch)) == 3
