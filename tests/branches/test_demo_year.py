"""The demo's year for Juexi's six branches: meetings of every kind held on time (not 补录), twelve months of dues
with a few members in arrears, three transfers (in, out, received); and the history writer's own rules."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from branches.dues import DuesMonth, DuesPayment, add_months, month_start
from branches.dues_arrears import arrears_summary
from branches.life import KINDS, colour, compliance
from branches.models import Branch, BranchMember
from branches.transfers import Transfer
from community.database import as_local, utcnow
from community.meetings.history import HeldMeeting, insert_held_meetings
from community.meetings.models import Meeting, MeetingInvitee


def test_the_demo_holds_a_year_of_meetings_dues_and_transfers(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    today = as_local(utcnow()).date()
    branches = db.session.scalars(select(Branch).order_by(Branch.id)).all()
    assert len(branches) == 6
    held = db.session.execute(
        select(Meeting.scope_id, Meeting.kind, func.count(), func.sum(Meeting.is_late_entry.cast(db.Integer)),
               func.min(Meeting.starts_at))
        .where(Meeting.scope_type == "branch", Meeting.starts_at < utcnow()).group_by(Meeting.scope_id, Meeting.kind)
    ).all()
    kinds = {(branch_id, kind): (count, late, first) for branch_id, kind, count, late, first in held}
    for branch in branches:
        assert {kind for b, kind in kinds if b == branch.id} == set(KINDS), branch.name
        assert kinds[(branch.id, "committee")][0] >= 11  # monthly over the year
    assert all(late == 0 for _count, late, _first in kinds.values())  # held on time, not late entries
    assert min(first for *_rest, first in kinds.values()) >= utcnow() - timedelta(days=400)
    present = db.session.scalar(select(func.count()).select_from(MeetingInvitee)
                                .where(MeetingInvitee.attendance == "present"))
    assert present > 1000
    board = compliance([b.id for b in branches], today)
    assert "red" in {colour(lines) for lines in board.values()}  # the demo's gaps show on the board
    # dues: twelve months back for every current member, a few in arrears
    members = db.session.scalar(select(func.count()).select_from(BranchMember).where(BranchMember.left_on.is_(None)))
    payers = db.session.scalar(select(func.count(func.distinct(DuesMonth.person_id)))
                               .where(DuesMonth.month >= add_months(month_start(today), -12)))
    assert payers >= members - 1  # (the letter in from outside has no membership yet)
    in_arrears = sum(arrears_summary(b.id, today)[0] for b in branches)
    assert 0 < in_arrears < members / 4
    assert db.session.scalar(select(func.count()).select_from(DuesPayment).where(DuesPayment.months == 3)) > 0
    # transfers: one received and closed, one out to an organisation, one in from outside
    transfers = db.session.scalars(select(Transfer).order_by(Transfer.id)).all()
    assert sorted(t.state for t in transfers) == ["issued", "issued", "received"]
    assert any(t.to_organisation and t.from_branch_id for t in transfers)
    assert any(t.from_organisation and t.from_branch_id is None for t in transfers)


def _meeting(branch_id, **changes):
    now = utcnow()
    values = {"kind": "group", "scope_id": branch_id, "title": "党小组会", "place": "党群服务中心",
              "starts_at": now - timedelta(days=3), "ends_at": now - timedelta(days=3, hours=-1)}
    return HeldMeeting(**(values | changes))


@pytest.mark.parametrize("changes", [
    {"ends_at": utcnow() + timedelta(days=1)},                  # not over yet
    {"kind": "no_such_kind"},
    {"attendance": {1: ("leave", "")}},                         # leave without a reason
    {"attendance": {1: ("asleep", "")}},
    {"title": " "},
])
def test_history_keeps_the_meetings_rules(changes):
    with pytest.raises(ValueError):
        insert_held_meetings([_meeting(1, **changes)], None)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0  # nothing half-written


def test_history_writes_held_meetings_on_time_with_votes_by_the_kind(app):
    from community.places.models import Street
    from tests.factories import make_community, make_person

    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = make_community(street, "东门社区")
    branch = Branch(street_id=street.id, name="试点支部")
    db.session.add(branch)
    db.session.flush()
    full, probationary = make_person(community, name="正式"), make_person(community, name="预备")
    db.session.add_all([BranchMember(branch_id=branch.id, person_id=full.id, status="full"),
                        BranchMember(branch_id=branch.id, person_id=probationary.id, status="probationary",
                                     probation_ends_on=utcnow().date() + timedelta(days=200))])
    db.session.flush()
    ids = insert_held_meetings([_meeting(branch.id, kind="general_meeting", topics="讨论",
                                         attendance={full.id: ("present", ""), probationary.id: ("leave", "夜班")})],
                               None)
    meeting = db.session.get(Meeting, ids[0])
    assert meeting.is_late_entry is False and meeting.minutes_at is not None
    votes = dict(db.session.execute(select(MeetingInvitee.person_id, MeetingInvitee.is_voting)
                                    .where(MeetingInvitee.meeting_id == meeting.id)).all())
    assert votes == {full.id: True, probationary.id: False}  # probationary members have no vote
