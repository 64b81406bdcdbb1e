"""What the elections give the personal calendar feed (deadlines) and the 09:00 approvals digest."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app import db
from community.calendar import CalendarEvent
from community.elections.models import Election, RollObjection, VoterRecord
from community.elections.rules import nominations_close_at, objections_close_at
from community.roles.models import RoleGrant

OFFICIAL_ROLES = ("election_committee", "counter")


def calendar_events(person_id: int, start, end) -> list[CalendarEvent]:
    """The deadlines of the elections a person is on the roll of or helps run: objections close, nominations
    close, voting opens and closes. One query for the elections (a person has few), none per event."""
    on_roll = select(VoterRecord.election_id).where(VoterRecord.person_id == person_id,
                                                    VoterRecord.status == "registered")
    runs = select(RoleGrant.scope_id).where(RoleGrant.person_id == person_id, RoleGrant.scope_type == "election",
                                            RoleGrant.role.in_(OFFICIAL_ROLES))
    elections = db.session.scalars(select(Election).where(
        or_(Election.id.in_(on_roll), Election.id.in_(runs)), Election.status != "draft")).all()
    events = []
    for election in elections:
        url = f"/elections/{election.id}"
        moments = [
            ("objections", objections_close_at(election) if election.objection_days else None,
             _("Objections to the roll close: %(t)s", t=election.title)),
            ("nominations", nominations_close_at(election) if election.status in ("roll_published", "nominating")
             else None, _("Nominations close: %(t)s", t=election.title)),
            ("voting-opens", election.voting_opens_at, _("Voting opens: %(t)s", t=election.title)),
            ("voting-closes", election.voting_closes_at, _("Voting closes: %(t)s", t=election.title)),
        ]
        for what, moment, summary in moments:
            if moment is not None and start <= moment <= end:
                events.append(CalendarEvent(uid=f"election-{election.id}-{what}@tongxin", summary=summary,
                                            start=moment, description=election.title, url=url))
    return events


def approvals_waiting() -> list[tuple[int, str, int, str]]:
    """For each election committee member: migrants' applications and unanswered objections waiting in each of
    their elections (two grouped queries for everyone). Proxies are approved by the committee as it records
    them, so no request waits for them."""
    committee = (select(RoleGrant.person_id, RoleGrant.scope_id.label("election_id"))
                 .where(RoleGrant.role == "election_committee", RoleGrant.scope_type == "election").subquery())
    waiting = []
    for label, statement in (
        (_("applications to join the voter roll"),
         select(committee.c.person_id, committee.c.election_id, func.count(VoterRecord.id))
         .join(VoterRecord, VoterRecord.election_id == committee.c.election_id)
         .where(VoterRecord.status == "applied")),
        (_("objections to the voter roll"),
         select(committee.c.person_id, committee.c.election_id, func.count(RollObjection.id))
         .join(RollObjection, RollObjection.election_id == committee.c.election_id)
         .where(RollObjection.answered_at.is_(None))),
    ):
        rows = db.session.execute(statement.group_by(committee.c.person_id, committee.c.election_id)).all()
        waiting += [(person_id, label, count, f"/elections/{election_id}/manage")
                    for person_id, election_id, count in rows if count]
    return waiting
