"""The elections write their reminders as outbox rows in the step's own transaction, at explicit times."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app import db
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, roll, setup, voting
from community.errors import Conflict
from community.registry import registry
from community.reminders.models import Reminder
from tests.community.elections.conftest import make_election, make_voters, open_ballots
from tests.factories import make_person

T0 = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)            # roll published: 09:00 in Asia/Shanghai
OPENS = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)          # Saturday 5 December 2026, 08:00 local
CLOSES = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)        # Sunday 6 December 2026, 18:00 local


def rows(election, occasion=None, state=None) -> list[Reminder]:
    statement = select(Reminder).where(Reminder.subject == f"election:{election.id}").order_by(Reminder.id)
    if occasion:
        statement = statement.where(Reminder.occasion == occasion)
    if state:
        statement = statement.where(Reminder.state == state)
    return db.session.scalars(statement).all()


@pytest.fixture
def published_roll(community):
    """An election with 4 voters whose roll was published at T0; voting 5–6 December."""
    election = make_election(community, voting_opens_at=OPENS, voting_closes_at=CLOSES)
    voters = make_voters(election, community, 4)
    assert rows(election) == []  # nothing while the roll is a draft
    lifecycle.change_status(election.test_admin, election, "roll_published", now=T0)
    return election, voters


def test_roll_published_schedules_the_elections_reminders(published_roll):
    election, voters = published_roll
    ids = sorted(v.id for v in voters)
    notice = rows(election, "roll_published")
    assert sorted(r.recipient_id for r in notice) == ids and {r.due_at for r in notice} == {T0}
    assert {r.channel for r in notice} == {"inbox"} and {r.kind for r in notice} == {"election_roll_published"}
    objection = rows(election, "objection_deadline")
    assert {r.due_at for r in objection} == {T0 + timedelta(days=5, hours=-24)}
    assert {r.expires_at for r in objection} == {T0 + timedelta(days=5)}
    opening = rows(election, "voting_open:1")
    assert {r.due_at for r in opening} == {OPENS} and {r.expires_at for r in opening} == {CLOSES}
    closing = rows(election, "voting_closing:1")
    assert {r.due_at for r in closing} == {CLOSES - timedelta(hours=24)} and len(closing) == 4
    assert {r.payload["election_id"] for r in rows(election)} == {election.id}


def test_a_voter_added_later_gets_the_reminders_still_ahead(published_roll, community):
    election, _voters = published_roll
    late = make_person(community, name="新选民")
    roll.add_voter(election.test_admin, election, late, now=T0 + timedelta(days=1))
    mine = [r for r in rows(election) if r.recipient_id == late.id]
    assert sorted(r.occasion for r in mine) == ["nominations_closing", "objection_deadline", "voting_closing:1",
                                                "voting_open:1"]
    roll.remove_voter(election.test_admin, election, late.id, "搬走了")
    assert {r.state for r in rows(election) if r.recipient_id == late.id} == {"cancelled"}


def test_moving_the_closing_time_moves_the_unsent_reminders(published_roll):
    election, voters = published_roll
    sent = rows(election, "voting_closing:1")[0]
    db.session.execute(update(Reminder).where(Reminder.id == sent.id).values(state="sent"))
    db.session.commit()
    later = CLOSES + timedelta(days=1)
    setup.update_settings(election.test_admin, election, {"voting_closes_at": later}, now=T0 + timedelta(days=1))
    db.session.expire_all()
    closing = rows(election, "voting_closing:1", "pending")
    assert len(closing) == 3 and {r.due_at for r in closing} == {later - timedelta(hours=24)}
    assert {r.expires_at for r in closing} == {later}
    assert db.session.get(Reminder, sent.id).due_at == CLOSES - timedelta(hours=24)  # sent: untouched
    assert {r.expires_at for r in rows(election, "voting_open:1")} == {later}


def test_last_day_to_vote_goes_only_to_those_who_have_not_voted(community):
    election = make_election(community, voting_opens_at=OPENS, voting_closes_at=CLOSES)
    voters = make_voters(election, community, 4)
    standing = [cands.add_candidate(election.test_admin, election, v) for v in voters[:3]]
    lifecycle.change_status(election.test_admin, election, "voting", now=OPENS + timedelta(minutes=5))
    assert {r.occasion for r in rows(election)} >= {"roll_published", "candidates_published", "voting_open:1",
                                                    "voting_closing:1"}
    roll.excuse_voter(election.test_admin, election, voters[3].id, now=OPENS - timedelta(days=3))
    voting.cast_ballot(voters[0], election, [standing[0].id], now=OPENS + timedelta(hours=1))
    with pytest.raises(Conflict):  # a second ballot is refused and rolls back; nothing else changes
        voting.cast_ballot(voters[0], election, [standing[1].id], now=OPENS + timedelta(hours=2))
    pending = rows(election, "voting_closing:1", "pending")
    assert sorted(r.recipient_id for r in pending) == sorted([voters[1].id, voters[2].id])
    assert {r.recipient_id for r in rows(election, "voting_closing:1", "cancelled")} == {voters[0].id, voters[3].id}


def test_candidates_and_results_published(community):
    election = make_election(community, seats=1, voting_opens_at=OPENS, voting_closes_at=CLOSES)
    voters = make_voters(election, community, 3)
    standing = [cands.add_candidate(election.test_admin, election, v) for v in voters[:2]]
    lifecycle.change_status(election.test_admin, election, "candidates_published", now=T0)
    published = rows(election, "candidates_published")
    assert len(published) == 3 and {r.due_at for r in published} == {T0}
    assert rows(election, "nominations_closing", "pending") == []  # the list is out: nominations are over
    lifecycle.change_status(election.test_admin, election, "voting", now=OPENS)
    for voter in voters:
        voting.cast_ballot(voter, election, [standing[0].id], now=OPENS + timedelta(hours=1))
    lifecycle.change_status(election.test_admin, election, "closed", now=CLOSES)
    open_ballots(election)
    after = CLOSES + timedelta(hours=2)
    for step in ("counted", "published"):
        lifecycle.change_status(election.test_admin, election, step, now=after)
    results = rows(election, "results_published:1")
    assert len(results) == 3 and {r.due_at for r in results} == {after}
    assert rows(election, state="pending") == results  # nothing else still waits


def test_the_wording_gives_full_date_weekday_and_time(published_roll):
    election, voters = published_roll
    kinds = registry().reminder_kinds
    batch = rows(election, "voting_open:1")
    messages = kinds["election_voting_open"].render(batch)
    body = messages[batch[0].id].body
    assert "2026年12月5日（星期六）08:00" in body and "2026年12月6日（星期日）18:00" in body
    assert messages[batch[0].id].url == f"/elections/{election.id}"
    closing = rows(election, "voting_closing:1")
    assert "2026年12月6日（星期日）18:00" in kinds["election_voting_closing"].render(closing)[closing[0].id].body


def test_renders_a_batch_in_a_fixed_number_of_queries(published_roll, community):
    from sqlalchemy import event

    election, _voters = published_roll
    make_voters(election, community, 20)
    batch = rows(election, "voting_open:1")
    statements = []

    def listener(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        messages = registry().reminder_kinds["election_voting_open"].render(batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(messages) == 24 and len(statements) <= 2


def test_dispatch_puts_the_notice_in_the_inbox_in_chinese(published_roll):
    from community.reminders.dispatch import run_due
    from community.reminders.models import Notification

    election, voters = published_roll
    run_due(T0 + timedelta(minutes=1))
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(Notification.person_id == voters[0].id))
    assert notice.title == f"选民名单已公布：{election.title}" and notice.url == f"/elections/{election.id}"
    assert "投票将于2026年12月5日（星期六）08:00开始" in notice.body
    assert "2026年11月15日（星期日）09:00前提出" in notice.body  # objections: 5 days after publication


def test_approvals_waiting_for_each_committee_member(published_roll, community):
    from community.elections.agenda import approvals_waiting
    from community.elections.services.common import officials

    election, voters = published_roll
    migrant = make_person(community, name="外来居民", hukou_place="贵州省毕节市")
    roll.apply_for_roll(migrant, election, promise_signed=True, now=T0 + timedelta(days=1))
    roll.file_objection(voters[0], election, "漏登了一户", now=T0 + timedelta(days=1))
    waiting = approvals_waiting()
    committee = set(officials(election, "election_committee"))
    assert {person for person, *_rest in waiting} == committee
    mine = sorted((label, count, url) for person, label, count, url in waiting if person == min(committee))
    assert mine == [("选民名单异议", 1, f"/elections/{election.id}/manage"),
                    ("选民登记申请", 1, f"/elections/{election.id}/manage")]


def _inbox(person, since_id: int = 0) -> list:
    from community.reminders.models import Notification

    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.person_id == person.id,
                                                         Notification.id > since_id)
                              .order_by(Notification.id)).all()


def test_each_election_reminder_arrives_at_its_time_in_chinese(community):
    """Roll published → objection deadline (24 h before objections close) → candidate list → voting opens →
    last day to vote (24 h before it closes) → results: each delivered by a dispatch pass at the explicit
    moment it is due (not a minute before), worded with the full date, weekday and time."""
    from community.reminders.dispatch import run_due

    minute = timedelta(minutes=1)
    election = make_election(community, seats=1, voting_opens_at=OPENS, voting_closes_at=CLOSES)
    voters = make_voters(election, community, 3)
    standing = [cands.add_candidate(election.test_admin, election, v) for v in voters[:2]]
    lifecycle.change_status(election.test_admin, election, "roll_published", now=T0)
    me = voters[2]

    def arrives(at):
        before = _inbox(me)
        run_due(at - minute)
        assert len(_inbox(me)) == len(before), [n.title for n in _inbox(me)]
        run_due(at)
        note, = _inbox(me, before[-1].id if before else 0)
        return note

    title = election.title
    assert arrives(T0).title == f"选民名单已公布：{title}"
    objection = arrives(T0 + timedelta(days=4))  # objections close 5 days after publication, 09:00 local
    assert objection.title == f"选民名单异议即将截止：{title}" and "2026年11月15日（星期日）09:00" in objection.body
    listed = T0 + timedelta(days=6)
    lifecycle.change_status(election.test_admin, election, "candidates_published", now=listed)
    candidates = arrives(listed)
    assert candidates.title == f"候选人名单已公布：{title}" and "2026年12月5日（星期六）08:00" in candidates.body
    lifecycle.change_status(election.test_admin, election, "voting", now=OPENS)
    opened = arrives(OPENS)
    assert opened.title == f"正在投票：{title}" and "2026年12月6日（星期日）18:00" in opened.body
    for voter in voters[:2]:
        voting.cast_ballot(voter, election, [standing[0].id], now=OPENS + timedelta(hours=1))
    last_day = arrives(CLOSES - timedelta(hours=24))
    assert "2026年12月6日（星期日）18:00" in last_day.body
    assert [n.title for n in _inbox(voters[0]) if n.kind == "election_voting_closing"] == []  # voted: not chased
    lifecycle.change_status(election.test_admin, election, "closed", now=CLOSES)
    open_ballots(election)
    after = CLOSES + timedelta(hours=2)
    for step in ("counted", "published"):
        lifecycle.change_status(election.test_admin, election, step, now=after)
    assert arrives(after).title == f"选举结果已公布：{title}"
