"""Quorum and resolution rules: "more than half" means exactly half is not enough."""
from __future__ import annotations

import pytest

from app import db
from community.errors import DomainError
from community.meetings import records
from community.meetings.services import create_meeting
from tests.community.meetings.conftest import NOW, when
from tests.factories import grant


def _general_meeting(world):
    meeting = create_meeting(world["secretary"], "general_meeting", world["branch"].id, when(), now=NOW)
    records.invite_members(world["secretary"], meeting, now=NOW)
    return meeting


def _present(world, meeting, people, others="absent"):
    everyone = [world["secretary"], *world["full"], world["probationary"]]
    entries = {p.id: ("present" if p in people else others, "出差" if others == "leave" else "") for p in everyone}
    records.record_attendance(world["secretary"], meeting, entries)


def test_probationary_members_are_invited_without_a_vote(world):
    meeting = _general_meeting(world)
    votes = {row.person_id: row.is_voting for row in records.invitees(meeting)}
    assert votes[world["probationary"].id] is False
    assert sum(votes.values()) == 4  # the secretary and three full members


def test_general_meeting_quorum_exactly_half_is_not_enough(world):
    meeting = _general_meeting(world)
    # Two of four voting members, plus the probationary member who does not count.
    _present(world, meeting, [world["secretary"], world["full"][0], world["probationary"]])
    quorum = records.quorum(meeting)
    assert (quorum.entitled, quorum.present, quorum.is_met) == (4, 2, False)


def test_general_meeting_quorum_half_plus_one(world):
    meeting = _general_meeting(world)
    _present(world, meeting, [world["secretary"], *world["full"][:2]], others="leave")
    quorum = records.quorum(meeting)
    assert (quorum.entitled, quorum.present, quorum.is_met) == (4, 3, True)


def test_resolution_needs_yes_from_more_than_half_of_those_entitled(world):
    meeting = _general_meeting(world)
    _present(world, meeting, [world["secretary"], *world["full"]])
    half = records.add_resolution(world["secretary"], meeting, {"text": "同意张三转正", "votes_yes": 2, "votes_no": 2})
    more = records.add_resolution(world["secretary"], meeting, {"text": "同意李四转正", "votes_yes": 3, "votes_no": 1})
    assert (half.is_passed, more.is_passed) == (False, True)


def test_resolution_counts_against_all_entitled_not_only_those_present(world):
    meeting = _general_meeting(world)
    _present(world, meeting, [world["secretary"], *world["full"][:2]])  # 3 of 4 present
    resolution = records.add_resolution(world["secretary"], meeting, {"text": "决议", "votes_yes": 2, "votes_no": 1})
    assert resolution.is_passed is False  # 2 of 3 present, but not more than half of the 4 entitled


def test_more_votes_than_voting_members_present_is_refused(world):
    meeting = _general_meeting(world)
    _present(world, meeting, [world["secretary"], world["full"][0]])
    with pytest.raises(DomainError) as refused:
        records.add_resolution(world["secretary"], meeting, {"text": "决议", "votes_yes": 3})
    assert refused.value.status == 422 and "votes_yes" in refused.value.fields


def test_committee_quorum_is_more_than_half_of_the_committee(world):
    grant(world["full"][0], "branch_committee", "branch", world["branch"].id)
    meeting = create_meeting(world["secretary"], "committee", world["branch"].id, when(title="支委会"), now=NOW)
    assert records.invite_members(world["secretary"], meeting, now=NOW) == 2
    records.record_attendance(world["secretary"], meeting, {world["secretary"].id: ("present", "")})
    assert records.quorum(meeting).is_met is False  # one of two: exactly half
    records.record_attendance(world["secretary"], meeting, {world["full"][0].id: ("present", "")})
    assert records.quorum(meeting).is_met is True


def test_discussion_decisions_need_no_vote(world):
    meeting = create_meeting(world["admin"], "discussion", world["community"].id,
                             when(title="议事会", hometown="贵州"), now=NOW)
    assert records.invite_members(world["admin"], meeting, now=NOW) == 2
    decision = records.add_resolution(world["admin"], meeting, {"text": "疏通消防通道", "responsible": "物业"})
    assert decision.is_passed is True and records.quorum(meeting).is_met is None
    db.session.refresh(meeting)
    assert meeting.hometown == "贵州"
