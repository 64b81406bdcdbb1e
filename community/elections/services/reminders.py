"""The elections' reminders, written as outbox rows in the transaction of the step that causes them.

Subject `election:<id>`; occasions: `roll_published`, `objection_deadline` (24 h before objections close),
`nominations_closing`, `candidates_published`, `voting_open:<round>`, `voting_closing:<round>` (24 h before
the round closes, to voters who have not voted: a ballot cancels its voter's row in the ballot's
transaction), `results_published`. Due times come from rules.reminder_moments and the rule functions, so the
committee's page shows the same moments the outbox holds. The wording (community/elections/reminder_kinds.py)
is read from the live election when the reminder goes out, so a moved closing time is shown as it now stands.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app import db
from community.elections.models import Election, Participation, VoterRecord
from community.elections.rules import REMINDER_AUDIENCE, nominations_close_at, objections_close_at


def reminder_recipients(election: Election, kind: str) -> list[int]:
    """Person ids to remind: the registered voters, or for `voting_closing` those who have not voted yet."""
    statement = select(VoterRecord.person_id).where(VoterRecord.election_id == election.id,
                                                    VoterRecord.status == "registered")
    if REMINDER_AUDIENCE[kind] == "roll_not_voted":
        voted = select(Participation.voter_id).where(Participation.election_id == election.id,
                                                     Participation.round_no == election.current_round)
        statement = statement.where(VoterRecord.person_id.not_in(voted), VoterRecord.excused_at.is_(None))
    return list(db.session.scalars(statement.order_by(VoterRecord.person_id)))


def subject(election: Election) -> str:
    """The outbox subject of an election's reminders."""
    return f"election:{election.id}"


def _payload(election: Election, round_no: int | None = None) -> dict:
    """Plain values the wording needs to find the live election and round."""
    return {"election_id": election.id, "round": round_no or election.current_round or 1}


def _outbox():
    from community.reminders import services

    return services


def _ahead(election: Election, now: datetime) -> list[tuple[str, str, datetime, datetime | None, str]]:
    """The reminders still ahead once the roll is out: (kind, occasion, due, expires, audience), due ≥ now."""
    moments = []
    closes = objections_close_at(election)
    if closes and closes > now:
        moments.append(("election_objection_deadline", "objection_deadline",
                        max(closes - timedelta(hours=24), now), closes, "roll"))
    closing = nominations_close_at(election)
    if closing and closing > now and election.status in ("roll_published", "nominating"):
        moments.append(("election_nominations_closing", "nominations_closing",
                        max(closing - timedelta(hours=24), now), closing, "roll"))
    if election.voting_opens_at and election.voting_closes_at and election.voting_closes_at > now \
            and (election.current_round or 0) <= 1:
        moments.append(("election_voting_open", "voting_open:1", max(election.voting_opens_at, now),
                        election.voting_closes_at, "roll"))
        moments.append(("election_voting_closing", "voting_closing:1", _closing_due(election, now),
                        election.voting_closes_at, "roll_not_voted"))
    return moments


def _closing_due(election: Election, now: datetime) -> datetime:
    """24 h before voting closes, not before voting opens (nor in the past)."""
    due = election.voting_closes_at - timedelta(hours=24)
    if election.voting_opens_at:
        due = max(due, election.voting_opens_at)
    return max(due, now)


def schedule_ahead(election: Election, now: datetime, person_ids: list[int] | None = None) -> int:
    """Schedule every reminder still ahead for the roll (or for the `person_ids` just put on it).

    Idempotent: the outbox's unique key keeps a reminder from existing twice, and a row cancelled because its
    voter has voted stays cancelled."""
    if election.status == "draft":
        return 0
    outbox, made = _outbox(), 0
    audiences: dict[str, list[int]] = {}
    for kind, occasion, due, expires, audience in _ahead(election, now):
        if audience not in audiences:
            everyone = reminder_recipients(election, "voting_closing" if audience == "roll_not_voted"
                                           else "roll_published")
            audiences[audience] = [p for p in everyone if person_ids is None or p in set(person_ids)]
        if audiences[audience]:
            made += outbox.schedule(kind, subject(election), occasion, audiences[audience], due,
                                    expires_at=expires, payload=_payload(election, 1))
    return made


def on_step(election: Election, step: str, now: datetime) -> None:
    """The reminders a lifecycle step causes (called by lifecycle._enter, inside its transaction)."""
    outbox = _outbox()
    if step == "roll_published":
        outbox.notify("election_roll_published", subject(election), "roll_published",
                      reminder_recipients(election, "roll_published"), payload=_payload(election), now=now)
        schedule_ahead(election, now)
    elif step == "candidates_published":
        outbox.cancel(subject(election), occasion="nominations_closing")
        outbox.notify("election_candidates_published", subject(election), "candidates_published",
                      reminder_recipients(election, "roll_published"), payload=_payload(election), now=now)
    elif step == "closed":  # closed early (everyone voted): nobody is to be chased any more
        for occasion in (f"voting_open:{election.current_round}", f"voting_closing:{election.current_round}"):
            outbox.cancel(subject(election), occasion=occasion)
    elif step == "published":
        outbox.cancel(subject(election))  # nothing still pending makes sense once the results are out
        outbox.notify("election_results_published", subject(election), f"results_published:{election.current_round}",
                      reminder_recipients(election, "results_published"), payload=_payload(election), now=now)


def on_round_opened(election: Election, round_, now: datetime) -> None:
    """A further round (repeat, runoff, second round): voting is open now, and closes at its own time."""
    if round_.number <= 1:
        return
    outbox, voters = _outbox(), reminder_recipients(election, "roll_published")
    payload = _payload(election, round_.number)
    outbox.notify("election_voting_open", subject(election), f"voting_open:{round_.number}", voters,
                  payload=payload, now=now)
    due = max(round_.closes_at - timedelta(hours=24), round_.opens_at, now)
    outbox.schedule("election_voting_closing", subject(election), f"voting_closing:{round_.number}",
                    reminder_recipients(election, "voting_closing"), due, expires_at=round_.closes_at,
                    payload=payload)


def on_voted(election: Election, round_no: int, voter_id: int) -> None:
    """A ballot was cast: that voter needs no 'last day to vote' reminder for this round.

    Unlike outbox.cancel this leaves `updated_at` as it was: participation deliberately records no time, and
    the reminder row must not become a record of when each voter voted."""
    from community.reminders.models import Reminder

    db.session.execute(update(Reminder).where(
        Reminder.subject == subject(election), Reminder.occasion == f"voting_closing:{round_no}",
        Reminder.recipient_id == voter_id, Reminder.state == "pending",
    ).values(state="cancelled", updated_at=Reminder.updated_at))


def on_left_roll(election: Election, person_id: int) -> None:
    """Off the roll: nothing of this election is sent to the person any more."""
    if election.status != "draft":
        _outbox().cancel(subject(election), recipient_ids=[person_id])


def on_excused(election: Election, person_id: int) -> None:
    """A voter excused in time is not chased to vote."""
    _outbox().cancel(subject(election), occasion="voting_closing:1", recipient_ids=[person_id])


def on_settings_changed(election: Election, changed, now: datetime) -> None:
    """A moved closing time or nomination deadline moves the reminders not sent yet (sent ones stay)."""
    if election.status == "draft":
        return
    outbox = _outbox()
    if "voting_closes_at" in changed and election.voting_closes_at:
        for occasion in ("voting_open:1", "voting_closing:1"):
            due = _closing_due(election, now) if occasion.startswith("voting_closing") else None
            outbox.move(subject(election), occasion=occasion, due_at=due, expires_at=election.voting_closes_at)
    if "nominations_close_at" in changed:
        closing = nominations_close_at(election)
        if closing:
            outbox.move(subject(election), occasion="nominations_closing",
                        due_at=max(closing - timedelta(hours=24), now), expires_at=closing)
            schedule_ahead(election, now)  # a deadline set for the first time


def on_cancelled(election: Election) -> None:
    """An election cancelled or deleted: every reminder not sent yet is cancelled."""
    _outbox().cancel(subject(election))
