"""Who receives each election reminder, for the platform's future scheduler (times: rules.reminder_moments)."""
from __future__ import annotations

from sqlalchemy import select

from app import db
from community.elections.models import Election, Participation, VoterRecord
from community.elections.rules import REMINDER_AUDIENCE


def reminder_recipients(election: Election, kind: str) -> list[int]:
    """Person ids to remind: the registered voters, or for `voting_closing` those who have not voted yet."""
    statement = select(VoterRecord.person_id).where(VoterRecord.election_id == election.id,
                                                    VoterRecord.status == "registered")
    if REMINDER_AUDIENCE[kind] == "roll_not_voted":
        voted = select(Participation.voter_id).where(Participation.election_id == election.id,
                                                     Participation.round_no == election.current_round)
        statement = statement.where(VoterRecord.person_id.not_in(voted), VoterRecord.excused_at.is_(None))
    return list(db.session.scalars(statement.order_by(VoterRecord.person_id)))
