"""Nominations and the candidate list."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import db
from community.audit.services import record
from community.authz import require
from community.database import transactional
from community.elections.models import (
    NOMINATION_KINDS,
    Candidate,
    Election,
    Nomination,
    NominationSupport,
    VoterRecord,
)
from community.elections.rules import nominations_close_at
from community.elections.services.common import (
    flush_or_conflict,
    is_registered,
    lock_election,
    now_or,
    officials,
    require_status,
)
from community.elections.services.setup import relatives_of, remove_official
from community.errors import DomainError, Forbidden, Invalid, NotFound
from community.people.models import Person

NOMINATING = ("roll_published", "nominating")


def _nominations_open(election: Election, now: datetime) -> None:
    require_status(election, *NOMINATING)
    closing = nominations_close_at(election)
    if closing and now > closing:
        raise DomainError(_("Nominations have closed."), code="nominations_closed")


def require_nominator(actor, election: Election, kind: str, now: datetime | None = None) -> None:
    """Refuse unless nominations are open and `actor` may nominate this way: the committee (or an administrator
    over it) for a group or the committee, a voter on the roll jointly. Forms that name the nominee by phone
    number call it before looking the number up, so that nobody else learns who lives in the community."""
    if kind not in NOMINATION_KINDS:
        raise Invalid(_("Unknown kind of nomination."), fields={"kind": _("Unknown kind of nomination.")})
    _nominations_open(election, now_or(now))
    if kind in ("group", "committee"):
        require(actor, "election.manage", election)
    elif not is_registered(election, actor.id):
        raise Forbidden(_("Only voters on the roll may nominate."))


# The person picker's action for a voter's joint nomination (a voter holds no role: see roll_findable).
NOMINEE_PICKER = "election.nominate_jointly"


def roll_findable(actor, scope: tuple[str, int]):
    """The picker rule of a joint nomination: only a voter on the roll of an election taking nominations may
    search (checked first), and finds only the voters registered on that roll (name, community, masked phone)."""
    from community.elections.services.common import get_election

    if scope[0] != "election":
        raise Forbidden(_("Only voters on the roll may nominate."))
    election = get_election(scope[1])
    require_nominator(actor, election, "voters")
    return Person.id.in_(select(VoterRecord.person_id).where(VoterRecord.election_id == election.id,
                                                             VoterRecord.status == "registered"))


@transactional
def nominate(actor, election: Election, nominee: Person, kind: str, group_name: str = "",
             now: datetime | None = None) -> Nomination:
    """Nominate a voter: jointly by voters (the nominator is the first supporter), by a residents' group
    (entered by the committee, naming the group) or by the committee."""
    now = now_or(now)
    require_nominator(actor, election, kind, now)
    if kind == "group" and not (group_name or "").strip():
        raise Invalid(_("Name the residents' group."), fields={"group_name": _("Required")})
    if not is_registered(election, nominee.id):
        raise DomainError(_("Rule: candidates must be voters on the roll."), code="candidate_not_voter")
    row = Nomination(election_id=election.id, nominee_id=nominee.id, kind=kind,
                     group_name=(group_name or "").strip()[:60], submitted_by_id=actor.id, submitted_at=now)
    flush_or_conflict(row, _("This person has already been nominated; support that nomination instead."))
    if kind == "voters":
        db.session.add(NominationSupport(nomination_id=row.id, voter_id=actor.id))
    record(actor, "election.nominate", election, summary=f"{nominee.id} {nominee.name} ({kind})",
           detail={"group": row.group_name} if kind == "group" else None)
    return row


@transactional
def support_nomination(actor, election: Election, nomination: Nomination, now: datetime | None = None) -> int:
    """Join a joint nomination by voters; returns how many voters now support it."""
    _nominations_open(election, now_or(now))
    if nomination.election_id != election.id or nomination.kind != "voters":
        raise NotFound(_("No such joint nomination."))
    if not is_registered(election, actor.id):
        raise Forbidden(_("Only voters on the roll may nominate."))
    flush_or_conflict(NominationSupport(nomination_id=nomination.id, voter_id=actor.id),
                      _("You already support this nomination."), "already_supported")
    return supporters(nomination)


def _supports_of_voters(election_id):
    """Supports given by people who are registered voters of the election now: a supporter taken off the
    roll after supporting no longer counts toward the nominators."""
    return (select(NominationSupport.nomination_id, func.count()).select_from(NominationSupport)
            .join(Nomination, Nomination.id == NominationSupport.nomination_id)
            .join(VoterRecord, (VoterRecord.election_id == Nomination.election_id)
                  & (VoterRecord.person_id == NominationSupport.voter_id) & (VoterRecord.status == "registered"))
            .where(Nomination.election_id == election_id).group_by(NominationSupport.nomination_id))


def supporters(nomination: Nomination) -> int:
    """How many registered voters support a nomination."""
    row = db.session.execute(_supports_of_voters(nomination.election_id).where(
        NominationSupport.nomination_id == nomination.id)).first()
    return row[1] if row else 0


def nominations(election: Election) -> list[tuple[Nomination, int]]:
    """Nominations with their number of supporters on the roll (one grouped query)."""
    counts = dict(db.session.execute(_supports_of_voters(election.id)).all())
    rows = db.session.scalars(select(Nomination).where(Nomination.election_id == election.id)
                              .options(selectinload(Nomination.nominee)).order_by(Nomination.id)).all()
    return [(row, counts.get(row.id, 0)) for row in rows]


def committee_after_leaving(election: Election, person: Person) -> int | None:
    """How many committee members would remain if `person`, a member, became a candidate; None if not one."""
    committee = officials(election, "election_committee")
    return len(committee) - 1 if person.id in committee else None


def refuse_if_committee_too_small(election: Election, person: Person) -> None:
    """Once the roll is published the committee must keep its 7–9 members: a member who would leave it by
    standing as a candidate is refused until another member is appointed (in draft the committee is still
    being formed, and the page warns instead)."""
    remaining = committee_after_leaving(election, person)
    if remaining is not None and election.status != "draft" and remaining < election.committee_min:
        raise DomainError(_("Rule: a committee member who becomes a candidate leaves the committee, and the "
                            "committee keeps %(low)d to %(high)d members. %(name)s leaving it would leave "
                            "%(n)d. Appoint another member first.", low=election.committee_min,
                            high=election.committee_max, name=person.name, n=remaining),
                          code="committee_size")


@transactional
def add_candidate(actor, election: Election, person: Person, now: datetime | None = None) -> Candidate:
    """Put a nominee on the candidate list. A committee member who becomes a candidate leaves the committee,
    which must keep its minimum size once the roll is published."""
    require(actor, "election.manage", election)
    lock_election(election)  # the committee's size is judged while nobody else appoints or adds a candidate
    require_status(election, "draft", *NOMINATING)
    refuse_if_committee_too_small(election, person)
    if not is_registered(election, person.id):
        raise DomainError(_("Rule: candidates must be voters on the roll."), code="candidate_not_voter")
    counters = set(officials(election, "counter"))
    if person.id in counters:
        raise DomainError(_("Rule: counters may not be candidates. Replace the counter first."),
                          code="candidate_official")
    if counters & relatives_of(election, person.id):
        raise DomainError(_("Rule: counters may not be near relatives of a candidate. Replace the counter first."),
                          code="relative_counter")
    nomination = db.session.scalar(select(Nomination).where(Nomination.election_id == election.id,
                                                            Nomination.nominee_id == person.id))
    if nomination is None:  # the committee nominates directly
        nomination = Nomination(election_id=election.id, nominee_id=person.id, kind="committee",
                                submitted_by_id=actor.id, submitted_at=now_or(now))
        db.session.add(nomination)
        db.session.flush()
    elif nomination.kind == "voters" and (have := supporters(nomination)) < election.min_nominators:
        raise DomainError(ngettext("Rule: a joint nomination needs at least %(num)d voter; this one has %(have)d.",
                                   "Rule: a joint nomination needs at least %(num)d voters; this one has %(have)d.",
                                   election.min_nominators, have=have), code="too_few_nominators")
    row = Candidate(election_id=election.id, person_id=person.id, nomination_id=nomination.id,
                    added_by_id=actor.id, added_at=now_or(now))
    flush_or_conflict(row, _("The person is already a candidate."), "already_candidate")
    remove_official(actor, election, person.id, "election_committee", reason="became a candidate")
    record(actor, "election.candidate_add", election, summary=f"{person.id} {person.name}")
    return row


@transactional
def remove_candidate(actor, election: Election, candidate: Candidate) -> None:
    """Take a candidate off the list before it is published (withdrawal)."""
    require(actor, "election.manage", election)
    require_status(election, "draft", *NOMINATING)
    if candidate.election_id != election.id:
        raise NotFound(_("No such candidate."))
    record(actor, "election.candidate_remove", election, summary=str(candidate.person_id))
    db.session.delete(candidate)


def candidates(election: Election) -> list[Candidate]:
    """The candidate list with people loaded."""
    return db.session.scalars(select(Candidate).where(Candidate.election_id == election.id)
                              .options(selectinload(Candidate.person)).order_by(Candidate.id)).all()
