"""Helpers shared by the election services: loading, counting the roll, recording steps."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app import db
from community.audit.services import record
from community.authz import scope_ids
from community.database import flush_or_conflict, utcnow, valid_id  # noqa: F401  (re-exported)
from community.elections.models import Candidate, Election, ElectionRound, ElectionStep, RoundTally, VoterRecord
from community.errors import DomainError, Invalid, NotFound
from community.places.services import get_or_404  # noqa: F401  (re-exported for the elections package)
from community.roles.models import RoleGrant


def now_or(now: datetime | None) -> datetime:
    """The given time (tests pass one) or the current time."""
    return now or utcnow()


def moment(value, field: str) -> datetime | None:
    """A date and time from a form or the API in UTC (naive means Asia/Shanghai); years far outside
    this century are refused as invalid input rather than overflowing."""
    from community.database import parse_local

    if value is None:
        return None
    if not isinstance(value, datetime) or not 2000 <= value.year <= 2199:
        raise Invalid(_("Not a valid date and time."), fields={field: _("Not a valid date and time.")})
    return parse_local(value)


def get_election(election_id) -> Election:
    """Load an election or raise NotFound."""
    election = db.session.get(Election, election_id) if valid_id(election_id) else None
    if election is None:
        raise NotFound(_("No such election: %(id)s.", id=election_id))
    return election


def elections_query(actor, community_id: int | None = None, status: str | None = None):
    """The elections `actor` may list, newest first (the page and the API both list these): those of the
    actor's own community, of the communities where they manage elections, and those they help run (committee
    member, counter); every election for a platform administrator."""
    statement = select(Election).order_by(Election.id.desc())
    managed = scope_ids(actor, "election.manage", "community")
    if managed is not None:
        own = select(RoleGrant.scope_id).where(RoleGrant.person_id == actor.id, RoleGrant.scope_type == "election")
        statement = statement.where(or_(Election.community_id == (actor.community_id or -1),
                                        Election.community_id.in_(managed or [-1]), Election.id.in_(own)))
    if community_id:
        statement = statement.where(Election.community_id == community_id)
    if status:
        statement = statement.where(Election.status == status)
    return statement


def require_status(election: Election, *statuses: str) -> None:
    """Refuse unless the election is in one of the statuses."""
    if election.status not in statuses:
        raise DomainError(_("This cannot be done while the election is in the status “%(s)s”.",
                            s=status_label(election.status)), code="wrong_status")


def record_step(actor, election: Election, status: str, note: str = "", at: datetime | None = None) -> None:
    """Record a lifecycle step with who took it, in the caller's transaction, and audit it."""
    db.session.add(ElectionStep(election_id=election.id, status=status, round_no=election.current_round,
                                actor_id=getattr(actor, "id", None), at=at or utcnow(), note=note[:200]))
    record(actor, f"election.{status}", election, summary=f"{election.title}: {status} {note}"[:300])


def officials(election: Election, role: str) -> list[int]:
    """Ids of the people holding `role` (election_committee or counter) for this election."""
    return list(db.session.scalars(select(RoleGrant.person_id).where(
        RoleGrant.role == role, RoleGrant.scope_type == "election", RoleGrant.scope_id == election.id)))


def voter_record(election: Election, person_id: int) -> VoterRecord | None:
    """The person's line on this election's roll, if any."""
    if not valid_id(person_id):
        return None
    return db.session.scalar(select(VoterRecord).where(VoterRecord.election_id == election.id,
                                                       VoterRecord.person_id == person_id))


def is_registered(election: Election, person_id: int) -> bool:
    """On the roll (not merely applied)."""
    if not valid_id(person_id):
        return False
    return db.session.scalar(select(VoterRecord.id).where(
        VoterRecord.election_id == election.id, VoterRecord.person_id == person_id,
        VoterRecord.status == "registered")) is not None


def lock_election(election: Election) -> None:
    """Serialise one election's read-then-write rules (committee size, one voter per household, two entries
    per sheet, a voter added while the voting day moves) across simultaneous requests: a row lock on PostgreSQL
    that also reloads the election as committed; SQLite's write transactions are
    already exclusive (BEGIN IMMEDIATE), and SQLAlchemy renders no FOR UPDATE there."""
    db.session.scalars(select(Election).where(Election.id == election.id).with_for_update()
                       .execution_options(populate_existing=True)).one()  # fetched, so the object is reloaded


def excuses_count_until(election: Election, round_no: int | None = None) -> datetime | None:
    """The moment up to which an excuse counts: the end of the last day allowed before the voting day that
    actually applies (the day the round opened; before any round, the scheduled voting day). None while
    no voting day is known."""
    from datetime import time, timedelta

    from community.database import LOCAL_ZONE, as_local
    from community.elections.rules import excuse_deadline

    round_ = db.session.scalar(select(ElectionRound).where(
        ElectionRound.election_id == election.id, ElectionRound.number == round_no)) if round_no else None
    day = as_local(round_.opens_at).date() if round_ is not None else election.voting_day
    if day is None:
        return None
    last = excuse_deadline(day, election.absence_notice_days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_ZONE)


def roll_counts(election: Election, round_no: int | None = None) -> tuple[int, int]:
    """(registered, excused) voters of the election. Only an excuse given by the deadline before the voting
    day that applies counts, however early the voting day was unknown or later moved. Given a round, an
    excused voter who took part in it after all is no longer left out of the turnout base."""
    from community.elections.models import Participation

    excused = VoterRecord.excused_at.is_not(None)
    until = excuses_count_until(election, round_no)
    if until is not None:
        excused = excused & (VoterRecord.excused_at < until)
    if round_no is not None:
        excused = excused & ~select(Participation.id).where(
            Participation.election_id == election.id, Participation.round_no == round_no,
            Participation.voter_id == VoterRecord.person_id).exists()
    registered, excused_count = db.session.execute(select(
        func.count(VoterRecord.id), func.count(VoterRecord.id).filter(excused)).where(
        VoterRecord.election_id == election.id, VoterRecord.status == "registered")).one()
    return registered, excused_count


def candidate_count(election: Election) -> int:
    """How many candidates stand."""
    return db.session.scalar(select(func.count(Candidate.id)).where(Candidate.election_id == election.id))


def current_round(election: Election) -> ElectionRound | None:
    """The round being voted on or last counted."""
    if not election.current_round:
        return None
    return db.session.scalar(select(ElectionRound).where(ElectionRound.election_id == election.id,
                                                         ElectionRound.number == election.current_round))


def round_candidate_ids(round_: ElectionRound) -> set[int]:
    """The candidates standing in a round."""
    return set(db.session.scalars(select(RoundTally.candidate_id).where(RoundTally.round_id == round_.id)))


def status_label(status: str) -> str:
    """The status in the reader's language."""
    from flask_babel import gettext

    labels = {
        "draft": gettext("Draft"),
        "roll_published": gettext("Voter roll published"),
        "nominating": gettext("Nominating"),
        "candidates_published": gettext("Candidates published"),
        "voting": gettext("Voting"),
        "closed": gettext("Closed"),
        "counted": gettext("Counted"),
        "published": gettext("Results published"),
    }
    return labels.get(status, status)


def clean_candidate_ids(candidate_ids) -> list[int]:
    """A ballot's marks as sorted ids; anything but a list of ids is malformed input."""
    if not isinstance(candidate_ids, (list, tuple)) or not all(
            isinstance(c, int) and not isinstance(c, bool) for c in candidate_ids):
        raise Invalid(_("candidate_ids must be a list of candidate ids."),
                      fields={"candidate_ids": _("Invalid value.")})
    return sorted(set(candidate_ids))


def resident(election: Election, phone_or_id: str | None, field: str = "phone"):
    """A resident of the election's community named by phone number (or person id) in a form."""
    from community.people.identity import normalise_phone
    from community.people.models import Person

    value = (phone_or_id or "").strip()
    statement = select(Person).where(Person.community_id == election.community_id)
    if value.isascii() and value.isdigit() and len(value) < 11:
        person = db.session.scalar(statement.where(Person.id == int(value)))
    else:  # as the phone was stored: "139 1234-5678" finds 13912345678
        phone = normalise_phone(value)
        person = db.session.scalar(statement.where(Person.phone == phone)) if phone else None
    if person is None:
        raise Invalid(_("No resident of this community has that phone number."), fields={field: _("Not found")})
    return person
