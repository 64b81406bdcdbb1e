"""The voter roll: eligibility, migrants' applications and approval, excuses, objections."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import db
from community.audit.services import record
from community.authz import can, require
from community.database import as_local, transactional
from community.elections.models import Candidate, Election, RollObjection, VoterRecord
from community.elections.rules import eligibility_problems, excuse_deadline, objections_close_at
from community.elections.services import reminders as election_reminders
from community.elections.services.common import (
    excuses_count_until,
    flush_or_conflict,
    lock_election,
    now_or,
    require_status,
    voter_record,
)
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from community.people.models import Person

ROLL_OPEN = ("draft", "roll_published", "nominating")
SKIPPED_NAMES = 5  # names the page shows for each reason a resident was left off the built roll


def _voting_day(election: Election, now: datetime):
    return election.voting_day or as_local(now).date()


def _other_roll(election: Election, person_id: int) -> VoterRecord | None:
    return db.session.scalar(select(VoterRecord).where(VoterRecord.term == election.term,
                                                       VoterRecord.person_id == person_id,
                                                       VoterRecord.election_id != election.id))


def check_eligible(election: Election, person: Person, now: datetime | None = None) -> None:
    """Raise DomainError naming the first rule that keeps the person off the roll."""
    problems = eligibility_problems(person, election, _voting_day(election, now_or(now)))
    if _other_roll(election, person.id):
        problems.append(("other_roll", _("Rule: nobody is on two voter rolls of the same term (%(t)s).",
                                         t=election.term)))
    if problems:
        code, message = problems[0]
        raise DomainError(message, code=code, fields={"rules": "; ".join(c for c, _m in problems)})


def ineligible_on_voting_day(election: Election, person: Person, voting_day: date) -> DomainError | None:
    """The refusal of a ballot by someone on the roll who does not meet the rules on the day voting actually
    takes place (the roll line may have been written against another day, or before the record changed)."""
    problems = eligibility_problems(person, election, voting_day)
    return DomainError(problems[0][1], code=problems[0][0]) if problems else None


def roll_problems_on(election: Election, voting_day: date) -> list[tuple[Person, str]]:
    """Registered voters who would not meet the rules on `voting_day`, with the first rule each breaks."""
    rows = db.session.scalars(roll_query(election).where(VoterRecord.status == "registered")).all()
    found = []
    for row in rows:
        problems = eligibility_problems(row.person, election, voting_day)
        if problems:
            found.append((row.person, problems[0][0]))
    return found


def refuse_if_roll_breaks(election: Election, field: str, now: datetime | None = None) -> None:
    """Re-check the whole roll against the election's (new) voting day and rules; refuse the change, naming
    the voters it would make ineligible, while there are any (take them off the roll first)."""
    broken = roll_problems_on(election, _voting_day(election, now_or(now)))
    if broken:
        names = "、".join(f"{person.name}（{person.id}）" for person, _code in broken[:10])
        if len(broken) > 10:
            names += _(" and %(n)d more", n=len(broken) - 10)
        message = _("Rule: voters must meet the rules on voting day. This change would make registered voters "
                    "ineligible: %(names)s. Take them off the roll first.", names=names)
        raise DomainError(message, code="roll_ineligible",
                          fields={field: message, "person_ids": ",".join(str(p.id) for p, _c in broken)})


def _insert(record_row: VoterRecord) -> None:
    flush_or_conflict(record_row, _("Rule: nobody is on two voter rolls of the same term."), "other_roll")


@transactional
def add_voter(actor, election: Election, person: Person, *, promise_signed: bool = False,
              household: str | None = None, now: datetime | None = None) -> VoterRecord:
    """Put a person on the roll; for a migrant this is the committee's approval, recorded with who and when."""
    require(actor, "election.manage", election)
    lock_election(election)  # eligibility is judged on a voting day nobody is moving meanwhile
    require_status(election, *ROLL_OPEN)
    now = now_or(now)
    existing = voter_record(election, person.id)
    if existing and existing.status == "registered":
        raise Conflict(_("The person is already on the roll."), code="already_on_roll")
    check_eligible(election, person, now)
    promise_signed = promise_signed or bool(existing and existing.promise_signed)
    if person.is_migrant and not promise_signed:
        raise DomainError(_("Rule: a migrant joins the roll on a written promise not to register anywhere else."),
                          code="migrant_promise")
    household = (household or (existing.household if existing else None) or "").strip()[:60] or None
    if election.method == "household":
        if not household:
            raise Invalid(_("This election has one voter per household: name the household."),
                          fields={"household": _("Required")})
        taken = db.session.scalar(select(VoterRecord.id).where(
            VoterRecord.election_id == election.id, VoterRecord.household == household,
            VoterRecord.status == "registered"))
        if taken:
            raise DomainError(_("Rule: one voter per household (户代表); this household already has one."),
                              code="household_taken")
    row = existing or VoterRecord(election_id=election.id, person_id=person.id, term=election.term,
                                  added_by_id=actor.id, added_at=now)
    row.status = "registered"
    row.is_migrant = person.is_migrant
    row.promise_signed = promise_signed
    row.household = household
    if person.is_migrant:
        row.approved_by_id, row.approved_at = actor.id, now
    _insert(row)
    record(actor, "election.voter_add", election, summary=f"{person.id} {person.name}",
           detail={"migrant_approved": person.is_migrant})
    election_reminders.schedule_ahead(election, now, [person.id])  # a voter added after publication
    return row


@transactional
def apply_for_roll(actor, election: Election, promise_signed: bool, now: datetime | None = None) -> VoterRecord:
    """A resident applies to be on the roll; a migrant promises in writing not to register anywhere else."""
    require_status(election, *ROLL_OPEN)
    now = now_or(now)
    if voter_record(election, actor.id):
        raise Conflict(_("You have already applied or are on the roll."), code="already_applied")
    check_eligible(election, actor, now)
    if actor.is_migrant and not promise_signed:
        raise DomainError(_("Rule: a migrant joins the roll on a written promise not to register anywhere else."),
                          code="migrant_promise")
    row = VoterRecord(election_id=election.id, person_id=actor.id, term=election.term, status="applied",
                      is_migrant=actor.is_migrant, promise_signed=bool(promise_signed), applied_at=now,
                      added_by_id=actor.id,
                      added_at=now)
    _insert(row)
    record(actor, "election.roll_apply", election, summary=actor.name)
    return row


@transactional
def remove_voter(actor, election: Election, person_id: int, reason: str) -> None:
    """Take a person off the roll (an upheld objection, a move away); the reason is audited."""
    require(actor, "election.manage", election)
    require_status(election, *ROLL_OPEN)
    row = voter_record(election, person_id)
    if row is None:
        raise NotFound(_("The person is not on the roll."))
    if db.session.scalar(select(Candidate.id).where(Candidate.election_id == election.id,
                                                    Candidate.person_id == person_id)):
        raise DomainError(_("Rule: candidates must be voters on the roll. Withdraw the candidate first."),
                          code="candidate_on_roll")
    record(actor, "election.voter_remove", election, summary=f"{person_id}: {reason}"[:300])
    db.session.delete(row)
    election_reminders.on_left_roll(election, person_id)


@transactional
def excuse_voter(actor, election: Election, person_id: int, now: datetime | None = None) -> VoterRecord:
    """Record that a voter told the committee in time they cannot take part; they leave the turnout base."""
    require(actor, "election.manage", election)
    now = now_or(now)
    row = voter_record(election, person_id)
    if row is None or row.status != "registered":
        raise NotFound(_("The person is not on the roll."))
    if election.voting_day and as_local(now).date() > excuse_deadline(election.voting_day,
                                                                      election.absence_notice_days):
        raise DomainError(ngettext("Rule: a voter must say at least %(num)d day before voting day that they cannot "
                                   "take part.",
                                   "Rule: a voter must say at least %(num)d days before voting day that they cannot "
                                   "take part.", election.absence_notice_days), code="excuse_late")
    row.excused_at = now
    record(actor, "election.voter_excused", election, summary=str(person_id))
    election_reminders.on_excused(election, person_id)
    return row


def mark_excuses(election: Election, rows) -> list:
    """Set `excuse_counts` on roll lines: True when the excuse was given by the deadline before the voting day
    that applies (so it leaves the turnout base), False when too late, None with no excuse or no voting day."""
    until = excuses_count_until(election, election.current_round or None)
    for row in rows:
        row.excuse_counts = None if row.excused_at is None or until is None else row.excused_at < until
    return rows


def roll_query(election: Election):
    """The roll with each person loaded, by name."""
    return (select(VoterRecord).join(Person, Person.id == VoterRecord.person_id)
            .where(VoterRecord.election_id == election.id)
            .options(selectinload(VoterRecord.person), selectinload(VoterRecord.approved_by))
            .order_by(VoterRecord.status.desc(), Person.name_key, VoterRecord.id))


def may_see_roll(actor, election: Election) -> bool:
    """The published roll is public to residents of the community; officials always see it."""
    if can(actor, "election.view_roll", election):
        return True
    return election.status != "draft" and getattr(actor, "community_id", None) == election.community_id


@transactional
def file_objection(actor, election: Election, text: str, subject: Person | None = None,
                   now: datetime | None = None) -> RollObjection:
    """Object to the roll within the objection period after it is published."""
    now = now_or(now)
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise Invalid(_("Say what is wrong with the roll (up to 2000 characters)."),
                      fields={"text": _("Required")})
    if not election.roll_published_at or election.status == "draft":
        raise DomainError(_("The roll has not been published yet."), code="roll_not_published")
    if not may_see_roll(actor, election):
        raise Forbidden(_("Only residents of the community may object to its roll."))
    if now > objections_close_at(election):
        message = (ngettext("Rule: objections to the roll are filed within %(num)d day of its publication.",
                            "Rule: objections to the roll are filed within %(num)d days of its publication.",
                            election.objection_days) if election.objection_days else
                   _("Rule: this election allows no time for objections once the roll is published."))
        raise DomainError(message, code="objection_late")
    row = RollObjection(election_id=election.id, filed_by_id=actor.id, text=text, filed_at=now,
                        subject_person_id=subject.id if subject else None,
                        answer_due_at=now + timedelta(days=election.answer_days))
    db.session.add(row)
    db.session.flush()
    record(actor, "election.objection", election, summary=text[:200])
    return row


@transactional
def answer_objection(actor, election: Election, objection: RollObjection, answer: str, outcome: str,
                     now: datetime | None = None) -> RollObjection:
    """Answer an objection (upheld or rejected); answers after the deadline are kept and shown as late."""
    require(actor, "election.manage", election)
    if objection.election_id != election.id:
        raise NotFound(_("No such objection."))
    if objection.answered_at:
        raise Conflict(_("This objection has already been answered."))
    answer = (answer or "").strip()
    if not answer or outcome not in ("upheld", "rejected"):
        raise Invalid(_("An answer and an outcome (upheld or rejected) are required."),
                      fields={"answer": _("Required"), "outcome": _("Must be upheld or rejected.")})
    objection.answer, objection.outcome = answer[:2000], outcome
    objection.answered_by_id, objection.answered_at = actor.id, now_or(now)
    record(actor, "election.objection_answer", election, summary=f"{objection.id}: {outcome}")
    return objection


@transactional
def build_roll(actor, election: Election, now: datetime | None = None) -> dict:
    """Put every eligible local resident of the community on the roll in one go.

    Migrants are not added here: they join on application (or the committee adds them one by one
    with their written promise). Returns {"added": n, "skipped": {rule code: n}, "reasons": [{"code", "count",
    "names" (the first few), "rule" (the sentence of the rule)}]}, so the page can say who was left out and why.
    """
    require(actor, "election.manage", election)
    require_status(election, *ROLL_OPEN)
    if election.method == "household":
        raise DomainError(_("This election has one voter per household: add each household's voter by name."),
                          code="household_method")
    now = now_or(now)
    day = _voting_day(election, now)
    taken = set(db.session.scalars(select(VoterRecord.person_id).where(VoterRecord.term == election.term)))
    living_here = select(Person).where(Person.community_id == election.community_id,
                                       Person.is_active_account.is_(True))
    if election.grid_id:
        living_here = living_here.where(Person.grid_id == election.grid_id)
    residents = db.session.scalars(living_here.order_by(Person.id)).all()
    added, skipped, reasons = 0, {}, {}
    for person in residents:
        if person.id in taken:
            code, rule = "already_on_roll", _("They are already on this roll, or on another roll of the same term "
                                              "(nobody is on two voter rolls of the same term).")
        elif person.is_migrant:
            code, rule = "migrant_applies", _("Rule: a migrant registered elsewhere joins the roll on application, "
                                              "or is added one by one with their written promise.")
        else:
            problems = eligibility_problems(person, election, day)
            code, rule = problems[0] if problems else (None, None)
        if code:
            skipped[code] = skipped.get(code, 0) + 1
            reason = reasons.setdefault(code, {"code": code, "count": 0, "names": [], "rule": rule})
            reason["count"] += 1
            if len(reason["names"]) < SKIPPED_NAMES:
                reason["names"].append(person.name)
            continue
        db.session.add(VoterRecord(election_id=election.id, person_id=person.id, term=election.term,
                                   status="registered", is_migrant=False, added_by_id=actor.id, added_at=now))
        added += 1
    flush_or_conflict(None, _("The roll changed meanwhile; try again."), "other_roll")
    record(actor, "election.roll_build", election, summary=f"added {added}", detail={"skipped": skipped})
    if added:
        election_reminders.schedule_ahead(election, now)
    return {"added": added, "skipped": skipped, "reasons": list(reasons.values())}
