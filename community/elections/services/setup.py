"""Setting an election up: creating it, its settings, its committee and counters, declared relatives."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import db
from community.audit.services import record
from community.authz import forget_grants, require, require_covers
from community.database import as_local, transactional, valid_id
from community.elections.models import METHODS, Candidate, Election, Kinship, VoterRecord
from community.elections.services.common import (
    flush_or_conflict,
    lock_election,
    moment,
    officials,
    record_step,
    require_status,
)
from community.errors import Conflict, DomainError, Invalid
from community.people.models import Person
from community.places.models import Community, Grid
from community.roles.models import RoleGrant

SETTINGS = {  # name: (minimum, maximum)
    "min_age": (16, 30), "roll_days_before": (0, 90), "objection_days": (0, 30), "answer_days": (0, 30),
    "candidates_days_before": (0, 60), "min_nominators": (1, 100), "min_extra_candidates": (1, 50),
    "max_proxies": (0, 10), "absence_notice_days": (0, 30), "migrant_min_years": (0, 10),
    "committee_min": (1, 30), "committee_max": (1, 30), "recall_signature_days": (1, 365),
}
TIMES = ("voting_opens_at", "voting_closes_at", "nominations_close_at")
# Settings on which a voter's eligibility depends: changing one re-checks the whole roll.
ELIGIBILITY = ("voting_opens_at", "min_age", "migrant_min_years", "migrant_needs_permit", "grid_id")


def _clean(data: dict, election: Election) -> None:
    """Check and copy fields from `data` onto the election; Invalid names every bad field."""
    errors = {}
    if "title" in data:
        title = (data.get("title") or "").strip()
        if not title or len(title) > 100:
            errors["title"] = _("A title of 1 to 100 characters is required.")
        election.title = title
    if "seats" in data:
        seats = data.get("seats")
        if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= 200:
            errors["seats"] = _("Seats must be a whole number from 1 to 200.")
        else:
            election.seats = seats
    if data.get("method") is not None:
        if data["method"] not in METHODS:
            errors["method"] = _("Unknown method.")
        election.method = data["method"]
    for name in ("term", "residents_group"):
        if data.get(name) is not None:
            setattr(election, name, str(data[name]).strip()[:60 if name == "residents_group" else 20])
    if "grid_id" in data:
        grid = db.session.get(Grid, data["grid_id"]) if valid_id(data["grid_id"]) else None
        if data["grid_id"] not in (None, 0) and (grid is None or grid.community_id != election.community_id):
            errors["grid_id"] = _("The residents' group must be a grid of the election's community.")
        else:
            election.grid_id = grid.id if grid else None
            if grid and not election.residents_group:
                election.residents_group = grid.name
    if data.get("migrant_needs_permit") is not None:
        election.migrant_needs_permit = bool(data["migrant_needs_permit"])
    for name, (low, high) in SETTINGS.items():
        if data.get(name) is not None:
            value = data[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[name] = _("Must be a whole number from %(low)d to %(high)d.", low=low, high=high)
            else:
                setattr(election, name, value)
    for name in TIMES:
        if name in data:
            try:
                setattr(election, name, moment(data[name] or None, name))
            except Invalid as error:
                errors.update(error.fields)
    if (election.committee_min or 7) > (election.committee_max or 9):
        errors["committee_min"] = _("The committee's minimum size exceeds its maximum.")
    if election.voting_opens_at and election.voting_closes_at and \
            election.voting_closes_at <= election.voting_opens_at:
        errors["voting_closes_at"] = _("Voting must close after it opens.")
    if errors:
        raise Invalid(next(iter(errors.values())), fields=errors)


def new_election(**values) -> Election:
    """An Election object carrying the default rule settings (the column defaults) before it is flushed."""
    election = Election(**values)
    for column in Election.__table__.columns:
        if column.default is not None and getattr(election, column.name) is None and not callable(column.default.arg):
            setattr(election, column.name, column.default.arg)
    return election


@transactional
def create_election(actor, community: Community, data: dict) -> Election:
    """A new election in draft for a community, with the default rules unless overridden."""
    require(actor, "election.create", community)
    election = new_election(community_id=community.id, created_by_id=actor.id, status="draft", current_round=0,
                            title="", seats=0)
    if "title" not in data or "seats" not in data:
        raise Invalid(_("A title and the number of seats are required."),
                      fields={k: _("Required") for k in ("title", "seats") if k not in data})
    _clean(data, election)
    if not election.term:
        moment = election.voting_opens_at
        election.term = str(as_local(moment).year) if moment else str(as_local(datetime.now().astimezone()).year)
    db.session.add(election)
    db.session.flush()
    record_step(actor, election, "draft", "created")  # worded when shown (audit_kinds.STEP_NOTES)
    return election


@transactional
def update_settings(actor, election: Election, data: dict, now: datetime | None = None) -> Election:
    """Change an election's seats, schedule or rules while it is still a draft (after: the closing time, the
    nomination deadline, the title; its reminders not sent yet move with them)."""
    require(actor, "election.manage", election)
    lock_election(election)  # the roll is re-checked against the new settings while nobody adds to it
    require_status(election, "draft", "roll_published", "nominating")
    if election.status != "draft" and set(data) - {"voting_closes_at", "nominations_close_at", "title"}:
        raise DomainError(_("Once the roll is published only the title, the nomination deadline and the closing "
                            "time may change."), code="settings_locked")
    _clean(data, election)  # a refusal leaves the unit of work, which rolls back: nothing half-changed stays
    changed = [name for name in ELIGIBILITY if name in data]
    if changed:
        from community.elections.services.roll import refuse_if_roll_breaks

        refuse_if_roll_breaks(election, changed[0])
    # The roll's lines carry the term (one roll per term is their unique key): they follow a new term,
    # and a person already on another roll of that term makes the change a conflict.
    try:
        db.session.execute(update(VoterRecord).where(VoterRecord.election_id == election.id,
                                                     VoterRecord.term != election.term)
                           .values(term=election.term).execution_options(synchronize_session="fetch"))
    except IntegrityError:
        raise Conflict(_("Rule: nobody is on two voter rolls of the same term."), code="other_roll") from None
    record(actor, "election.settings", election, summary=", ".join(sorted(data))[:300])
    from community.elections.services import reminders as election_reminders
    from community.elections.services.common import now_or

    election_reminders.on_settings_changed(election, set(data), now_or(now))
    return election


@transactional
def appoint(actor, election: Election, person: Person, role: str) -> RoleGrant:
    """Appoint a committee member (7–9) or a counter, with the rules on candidates and relatives."""
    require(actor, "election.appoint", election)
    require_covers(actor, person)  # nobody changes the roles of someone above them
    if role not in ("election_committee", "counter"):
        raise Invalid(_("The role must be election_committee or counter."), fields={"role": _("Unknown role.")})
    candidates = set(db.session.scalars(select(Candidate.person_id).where(Candidate.election_id == election.id)))
    if person.id in candidates:
        message = (_("Rule: a candidate cannot sit on the election committee.") if role == "election_committee"
                   else _("Rule: counters may not be candidates."))
        raise DomainError(message, code="candidate_official")
    if role == "counter" and candidates & relatives_of(election, person.id):
        raise DomainError(_("Rule: counters may not be near relatives of a candidate."), code="relative_counter")
    lock_election(election)
    if role == "election_committee" and len(officials(election, role)) >= election.committee_max:
        raise DomainError(ngettext("Rule: the election committee has at most %(num)d member.",
                                   "Rule: the election committee has at most %(num)d members.", election.committee_max),
                          code="committee_size")
    row = RoleGrant(person_id=person.id, role=role, scope_type="election", scope_id=election.id,
                    granted_by_id=actor.id)
    flush_or_conflict(row, _("The person already holds this role here."))
    record(actor, "role.grant", row, summary=f"{person.name}: {role} @ election:{election.id}")
    forget_grants()
    return row


@transactional
def dismiss(actor, election: Election, person_id: int, role: str, reason: str = "") -> bool:
    """Remove a committee member or counter from this election; True if they held the role."""
    require(actor, "election.appoint", election)
    require_covers(actor, db.session.get(Person, person_id))
    return remove_official(actor, election, person_id, role, reason)


def remove_official(by, election: Election, person_id: int, role: str, reason: str) -> bool:
    """Take `role` in this election from a person, as a consequence of a step `by` was already authorised
    to take (a committee member nominated as a candidate leaves the committee). Not a service of its own:
    it checks no permission and is never called from a view; `dismiss` is the authorised way."""
    row = db.session.scalar(select(RoleGrant).where(RoleGrant.person_id == person_id, RoleGrant.role == role,
                                                    RoleGrant.scope_type == "election",
                                                    RoleGrant.scope_id == election.id))
    if row is None:
        return False
    record(by, "role.revoke", row, summary=f"{row.person.name}: {role} @ election:{election.id} {reason}"[:300])
    db.session.delete(row)
    forget_grants()
    return True


def relatives_of(election: Election, person_id: int) -> set[int]:
    """Declared near relatives of a person, both ways."""
    rows = db.session.execute(select(Kinship.person_id, Kinship.relative_id).where(
        Kinship.election_id == election.id,
        (Kinship.person_id == person_id) | (Kinship.relative_id == person_id))).all()
    return {b if a == person_id else a for a, b in rows}


@transactional
def declare_kinship(actor, election: Election, person: Person, relative: Person) -> Kinship:
    """Record that two people are near relatives; a counter related to a candidate is refused."""
    require(actor, "election.manage", election)
    if person.id == relative.id:
        raise Invalid(_("A person is not their own relative."), fields={"relative_id": _("Invalid value.")})
    counters = set(officials(election, "counter"))
    candidates = set(db.session.scalars(select(Candidate.person_id).where(Candidate.election_id == election.id)))
    if (person.id in counters and relative.id in candidates) or (relative.id in counters and person.id in candidates):
        raise DomainError(_("Rule: counters may not be near relatives of a candidate. Replace the counter first."),
                          code="relative_counter")
    row = Kinship(election_id=election.id, person_id=person.id, relative_id=relative.id)
    flush_or_conflict(row, _("This relationship is already recorded."))
    record(actor, "election.kinship", election, summary=f"{person.id} ~ {relative.id}")
    return row
