"""Who comes and what was decided: invitees, attendance, quorum, minutes and resolutions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.database import transactional, utcnow, valid_id
from community.errors import DomainError, Invalid, NotFound
from community.meetings import reminders
from community.meetings.kinds import Tally, kind_of
from community.meetings.models import ATTENDANCE, Meeting, MeetingInvitee, MeetingResolution
from community.meetings.services import _text, require_manage
from community.people.models import Person

MAX_INVITEES = 2000


def invitees(meeting: Meeting) -> list[MeetingInvitee]:
    """The invitees with their people, by name (one query)."""
    return db.session.scalars(select(MeetingInvitee).join(MeetingInvitee.person)
                              .options(joinedload(MeetingInvitee.person))
                              .where(MeetingInvitee.meeting_id == meeting.id)
                              .order_by(Person.name_key, MeetingInvitee.id)).all()


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled; schedule a new one instead."), code="cancelled")


def _add(meeting: Meeting, votes: dict[int, bool], now: datetime) -> list[int]:
    """Insert the invitees not yet invited; returns the new ones' ids. ON CONFLICT DO NOTHING on (meeting,
    person): two managers inviting at once never invite anyone twice, nor fail; only those this call really
    added get their reminders scheduled. Two or three queries for any number."""
    from community.reminders.services import insert_ignoring_duplicates

    already = db.session.scalar(select(func.count()).where(MeetingInvitee.meeting_id == meeting.id))
    if already + len(votes) > MAX_INVITEES:
        wanted = set(votes) - set(db.session.scalars(select(MeetingInvitee.person_id).where(
            MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.person_id.in_(list(votes)))))
        if already + len(wanted) > MAX_INVITEES:
            raise DomainError(_("A meeting has at most %(count)s invitees.", count=MAX_INVITEES), code="too_many")
    if not votes:
        return []
    table = MeetingInvitee.__table__
    statement = insert_ignoring_duplicates(table, ["meeting_id", "person_id"]).returning(table.c.person_id)
    new = list(db.session.scalars(statement, [
        {"meeting_id": meeting.id, "person_id": pid, "is_voting": bool(vote), "attendance": "invited",
         "leave_reason": "", "invited_at": now} for pid, vote in votes.items()]))
    if new and not meeting.is_late_entry:
        reminders.schedule_reminders(meeting, new)
    return new


@transactional
def invite(actor, meeting: Meeting, person_id, *, now: datetime | None = None) -> MeetingInvitee:
    """Invite one person (chosen by name); they vote if the kind's invitees vote and they are a voting member."""
    require_manage(actor, meeting)
    _not_cancelled(meeting)
    person = db.session.get(Person, person_id) if valid_id(person_id) else None
    if person is None:
        message = _("Choose a person from the list.")
        raise NotFound(message, fields={"person_id": message})
    kind = kind_of(meeting.kind)
    members = kind.members(meeting.scope_id) if kind.members else {}
    votes = kind.invitees_vote and (members.get(person.id, False) if kind.members else True)
    _add(meeting, {person.id: votes}, now or utcnow())
    record(actor, "meeting.invite", meeting, person.name, {"person_id": person.id})
    return db.session.scalar(select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.id,
                                                          MeetingInvitee.person_id == person.id))


@transactional
def invite_members(actor, meeting: Meeting, *, now: datetime | None = None) -> int:
    """Invite every member of the kind's group (the branch, the discussion group…); returns how many were new."""
    require_manage(actor, meeting)
    _not_cancelled(meeting)
    kind = kind_of(meeting.kind)
    if kind.members is None:
        raise DomainError(_("This kind of meeting has no list of members; invite people one by one."))
    members = kind.members(meeting.scope_id)
    new = _add(meeting, {pid: kind.invitees_vote and votes for pid, votes in members.items()}, now or utcnow())
    record(actor, "meeting.invite_members", meeting, str(len(new)))
    return len(new)


@transactional
def uninvite(actor, meeting: Meeting, person_id) -> None:
    """Withdraw an invitation; that person's pending reminders are cancelled."""
    require_manage(actor, meeting)
    person_id = person_id if valid_id(person_id) else -1
    removed = db.session.execute(delete(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.id,
                                                              MeetingInvitee.person_id == person_id))
    if not removed.rowcount:
        raise NotFound(_("This person is not invited to the meeting."))
    reminders.cancel_reminders(meeting, [person_id])
    record(actor, "meeting.uninvite", meeting, "", {"person_id": person_id})


@transactional
def record_attendance(actor, meeting: Meeting, entries: dict[int, tuple[str, str]]) -> int:
    """Record present / absent / on leave (with a reason) for invitees: {person_id: (attendance, reason)}.

    Someone not invited is refused by name; a leave without a reason is refused beside its field."""
    require_manage(actor, meeting)
    _not_cancelled(meeting)
    rows = {row.person_id: row for row in db.session.scalars(select(MeetingInvitee).options(
        joinedload(MeetingInvitee.person)).where(MeetingInvitee.meeting_id == meeting.id,
                                                 MeetingInvitee.person_id.in_(list(entries) or [-1])))}
    problems = {}
    for person_id, (state, reason) in entries.items():
        reason = (reason or "").strip()
        if person_id not in rows:
            person = db.session.get(Person, person_id) if valid_id(person_id) else None
            name = person.name if person else str(person_id)
            problems[f"person_{person_id}"] = _("%(name)s is not invited to this meeting; invite them first.",
                                                name=name)
        elif state not in ATTENDANCE:
            problems[f"attendance_{person_id}"] = _("Choose present, absent or on leave.")
        elif state == "leave" and not reason:
            problems[f"reason_{person_id}"] = _("Give the reason for the leave.")
        elif len(reason) > 200:
            problems[f"reason_{person_id}"] = _("At most %(count)s characters.", count=200)
    if problems:
        raise DomainError(next(iter(problems.values())), code="attendance_refused", fields=problems)
    for person_id, (state, reason) in entries.items():
        rows[person_id].attendance = state
        rows[person_id].leave_reason = (reason or "").strip() if state == "leave" else ""
    record(actor, "meeting.attendance", meeting, str(len(entries)))
    return len(entries)


@dataclass(frozen=True)
class Quorum:
    """The quorum as the page shows it: the rule's words, the counts, and whether it is met (None: no rule)."""

    label: object
    entitled: int
    present: int
    is_met: bool | None


def tally(meeting: Meeting) -> Tally:
    """Voting invitees and those of them present (one query). Where the kind has a list of members (a branch's
    general meeting: its full current members), those entitled are all of its voting members, invited or not:
    leaving someone off the invitations must not lower the quorum (one query more)."""
    entitled, present = db.session.execute(select(
        func.count().filter(MeetingInvitee.is_voting.is_(True)),
        func.count().filter(MeetingInvitee.is_voting.is_(True), MeetingInvitee.attendance == "present"))
        .where(MeetingInvitee.meeting_id == meeting.id)).one()
    kind = kind_of(meeting.kind)
    if kind is not None and kind.members is not None and kind.invitees_vote:
        entitled = max(entitled or 0, sum(1 for votes in kind.members(meeting.scope_id).values() if votes))
    return Tally(entitled=entitled or 0, present=present or 0)


def quorum(meeting: Meeting) -> Quorum:
    """The quorum by the kind's rule."""
    kind, counts = kind_of(meeting.kind), tally(meeting)
    if kind is None or kind.quorum is None:
        return Quorum(_("No quorum rule for this kind of meeting"), counts.entitled, counts.present, None)
    return Quorum(kind.quorum.label, counts.entitled, counts.present, kind.quorum(counts))


@transactional
def record_minutes(actor, meeting: Meeting, data: dict, *, now: datetime | None = None) -> Meeting:
    """Minutes: chair and recorder (from the invitees), topics, speeches; attendance and resolutions are theirs.
    A cancelled meeting was not held: it has no minutes."""
    require_manage(actor, meeting)
    if meeting.is_cancelled:
        raise DomainError(_("This meeting was cancelled, so it has no minutes."), code="cancelled")
    ids = {}
    for field in ("chair_id", "recorder_id"):
        value = data.get(field)
        if value in (None, "", 0):
            ids[field] = None
            continue
        invited = valid_id(value) and db.session.scalar(select(MeetingInvitee.id).where(
            MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.person_id == value))
        if not invited:
            message = _("Choose one of the invitees.")
            raise Invalid(message, fields={field: message})
        ids[field] = value
    meeting.chair_id, meeting.recorder_id = ids["chair_id"], ids["recorder_id"]
    meeting.topics = _text(data, "topics", 5000, required=False)
    meeting.speeches = _text(data, "speeches", 20000, required=False)
    meeting.minutes_at = now or utcnow()
    record(actor, "meeting.minutes", meeting)
    return meeting


def _count(data: dict, field: str) -> int:
    value = data.get(field, 0)
    if value in (None, ""):
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
        message = _("A whole number, 0 or more.")
        raise Invalid(message, fields={field: message})
    return value


@transactional
def add_resolution(actor, meeting: Meeting, data: dict) -> MeetingResolution:
    """A resolution with its vote (yes/no/abstain); whether it passed follows the kind's rule."""
    require_manage(actor, meeting)
    _not_cancelled(meeting)
    kind = kind_of(meeting.kind)
    text = _text(data, "text", 500)
    yes, no, abstain = (_count(data, field) for field in ("votes_yes", "votes_no", "votes_abstain"))
    counts = tally(meeting)
    if kind.invitees_vote and yes + no + abstain > counts.present:
        message = _("%(votes)s votes, but only %(present)s voting members are recorded present.",
                    votes=yes + no + abstain, present=counts.present)
        raise DomainError(message, code="too_many_votes", fields={"votes_yes": message})
    due_on = data.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        message = _("Not a valid date.")
        raise Invalid(message, fields={"due_on": message})
    counts = Tally(counts.entitled, counts.present, yes, no, abstain)
    resolution = MeetingResolution(
        meeting_id=meeting.id, text=text, votes_yes=yes, votes_no=no, votes_abstain=abstain,
        is_passed=kind.resolution(counts) if kind.resolution else True,
        responsible=_text(data, "responsible", 100, required=False), due_on=due_on, created_by_id=actor.id)
    db.session.add(resolution)
    db.session.flush()
    record(actor, "meeting.resolution", meeting, text, {"passed": resolution.is_passed})
    return resolution


def resolutions(meeting: Meeting) -> list[MeetingResolution]:
    """The meeting's resolutions in the order they were taken."""
    return db.session.scalars(select(MeetingResolution).where(MeetingResolution.meeting_id == meeting.id)
                              .order_by(MeetingResolution.id)).all()
