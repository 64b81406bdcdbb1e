"""Mediation (矛盾纠纷化解): cases between neighbours, landlords and tenants, workers and employers, each
handled by a named mediator (role `mediator` in a community: "老娘舅", appointed migrant mediators).

A case's parties (names, phones, sides) and its sessions are seen only by the case's mediator and the
administrators over its community: the case's actions hold "self" (its mediator) and the administrative
roles, and a case anyone else asks for is "not found", so nobody learns it exists. Every entry point takes
the acting person and checks before it looks anything up; an outcome is written once (a conditional update),
so two simultaneous closings cannot both win.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.authz import can, require, scope_condition
from community.database import LOCAL_ZONE, transactional, utcnow, valid_id
from community.discussions.mediation_models import (
    DISPUTE_KINDS,
    MAX_PARTIES,
    NOTES_MAX,
    OUTCOMES,
    SUMMARY_MAX,
    TITLE_MAX,
    MediationCase,
    MediationParty,
    MediationSession,
)
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.people.models import Person
from community.places.models import Community
from community.roles.models import RoleGrant

PHONE = re.compile(r"^[0-9][0-9-]{4,19}$")


def today_local(now: datetime | None = None) -> date:
    """Today in Asia/Shanghai."""
    return (now or utcnow()).astimezone(LOCAL_ZONE).date()


def text_field(data: dict, field: str, limit: int, *, required: bool = True) -> str:
    """A trimmed text field, or an Invalid naming it (empty when required, too long)."""
    raw = data.get(field)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        message = _("Not a valid text.")
        raise Invalid(message, fields={field: message})
    value = raw.strip()
    if required and not value:
        message = _("Please fill this in.")
        raise Invalid(message, fields={field: message})
    if len(value) > limit:
        message = _("At most %(count)s characters.", count=limit)
        raise Invalid(message, fields={field: message})
    return value


def day_field(data: dict, field: str, *, default: date | None = None, not_after: date | None = None,
              not_before: date | None = None) -> date:
    """A date field (a date, or YYYY-MM-DD), within bounds, or an Invalid naming it."""
    value = data.get(field)
    if value in (None, "") and default is not None:
        return default
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date) or isinstance(value, datetime) or not 2000 <= value.year <= 2199:
        message = _("Not a valid date.")
        raise Invalid(message, fields={field: message})
    if not_after and value > not_after:
        message = _("This date is in the future.")
        raise DomainError(message, code="date_in_future", fields={field: message})
    if not_before and value < not_before:
        message = _("This date is before %(day)s.", day=not_before.isoformat())
        raise DomainError(message, code="date_too_early", fields={field: message})
    return value


def is_mediator(person_id: int, community_id: int) -> bool:
    """Whether the person holds the role `mediator` in the community (one indexed query)."""
    return bool(db.session.scalar(select(exists().where(
        RoleGrant.person_id == person_id, RoleGrant.role == "mediator", RoleGrant.scope_type == "community",
        RoleGrant.scope_id == community_id))))


def mediators(community_id: int) -> list[Person]:
    """The community's mediators, by name."""
    return db.session.scalars(select(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == "mediator", RoleGrant.scope_type == "community", RoleGrant.scope_id == community_id)
        .order_by(Person.name_key, Person.id)).all()


def _parties(value) -> list[dict]:
    """Two to ten parties, each with a name and a side; a phone, when given, looks like one."""
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        message = _("The parties are a list of names, phones and sides.")
        raise Invalid(message, fields={"parties": message})
    rows = [p for p in value if any((p.get(k) or "").strip() if isinstance(p.get(k), str) else p.get(k)
                                    for k in ("name", "phone", "side"))]
    if len(rows) < 2 or len(rows) > MAX_PARTIES:
        message = _("A dispute has between 2 and %(count)s parties.", count=MAX_PARTIES)
        raise Invalid(message, fields={"parties": message})
    parties = []
    for index, party in enumerate(rows):
        prefix = f"party_{index}_"
        name = text_field({prefix + "name": party.get("name")}, prefix + "name", 50)
        side = text_field({prefix + "side": party.get("side")}, prefix + "side", 40)
        phone = text_field({prefix + "phone": party.get("phone")}, prefix + "phone", 20, required=False)
        if phone and not PHONE.match(phone):
            message = _("A phone number has digits only (a landline may have a dash).")
            raise Invalid(message, fields={prefix + "phone": message})
        parties.append({"name": name, "side": side, "phone": phone})
    return parties


# ------------------------------------------------------------------------------------------- reading
def cases_query(actor, *, community_id=None, outcome: str | None = None):
    """The cases the actor may see: their own as mediator, and every case in the communities they administer;
    newest first. Other mediators' cases never appear."""
    require(actor, "mediation.list")
    statement = select(MediationCase).options(joinedload(MediationCase.mediator))
    condition = scope_condition(actor, "mediation.case", "community", MediationCase.community_id)
    if condition is not None:
        statement = statement.where(or_(condition, MediationCase.mediator_id == actor.id))
    if valid_id(community_id):
        statement = statement.where(MediationCase.community_id == community_id)
    if outcome == "open":
        statement = statement.where(MediationCase.outcome.is_(None))
    elif outcome in OUTCOMES:
        statement = statement.where(MediationCase.outcome == outcome)
    return statement.order_by(MediationCase.opened_on.desc(), MediationCase.id.desc())


def get_case(actor, case_id) -> MediationCase:
    """A case for its mediator or an administrator over it; anyone else is told it does not exist."""
    require(actor, "mediation.list")
    case = db.session.get(MediationCase, case_id) if valid_id(case_id) else None
    if case is None or not can(actor, "mediation.case", case):
        raise NotFound(_("No such mediation case: %(id)s.", id=case_id))
    return case


@transactional
def view_case(actor, case_id) -> MediationCase:
    """Open a case with its parties' details; an administrator's view of someone else's case is logged (PIPL:
    who saw whose personal data)."""
    case = get_case(actor, case_id)
    if case.mediator_id != actor.id:
        record(actor, "mediation.view", case, case.title)
    return case


def parties(case: MediationCase) -> list[MediationParty]:
    """The case's parties in the order they were entered (one query)."""
    return db.session.scalars(select(MediationParty).where(MediationParty.case_id == case.id)
                              .order_by(MediationParty.id)).all()


def sessions(case: MediationCase) -> list[MediationSession]:
    """The case's sessions, oldest first (one query)."""
    return db.session.scalars(select(MediationSession).where(MediationSession.case_id == case.id)
                              .order_by(MediationSession.held_on, MediationSession.id)).all()


def communities_for(actor, action: str = "mediation.open") -> list[tuple[int, str]]:
    """The communities where the actor may do `action` (id, name), for the forms."""
    statement = select(Community.id, Community.name).order_by(Community.name, Community.id).limit(300)
    condition = scope_condition(actor, action, "community", Community.id)
    if condition is not None:
        statement = statement.where(condition)
    return [tuple(row) for row in db.session.execute(statement)]


# ------------------------------------------------------------------------------------------- writing
@transactional
def open_case(actor, community_id, data: dict, *, now: datetime | None = None) -> MediationCase:
    """Open a case in a community: a mediator opens their own; an administrator names the mediator (someone
    holding the role there). Two or more parties, the kind of dispute, a title; nothing is written on a refusal."""
    if not valid_id(community_id):
        message = _("Choose the community.")
        raise Invalid(message, fields={"community_id": message})
    require(actor, "mediation.open", ("community", community_id))
    if db.session.get(Community, community_id) is None:
        raise NotFound(_("The page or object was not found."))
    today = today_local(now)
    mediator_id = data.get("mediator_id") or actor.id
    if mediator_id != actor.id:
        require(actor, "mediation.assign", ("community", community_id))
    if not valid_id(mediator_id) or not is_mediator(mediator_id, community_id):
        message = _("Choose one of the community's mediators.")
        raise DomainError(message, code="not_a_mediator", fields={"mediator": message})
    kind = data.get("kind")
    if kind not in DISPUTE_KINDS:
        message = _("Choose the kind of dispute.")
        raise Invalid(message, fields={"kind": message})
    case = MediationCase(
        community_id=community_id, mediator_id=mediator_id, kind=kind, title=text_field(data, "title", TITLE_MAX),
        summary=text_field(data, "summary", SUMMARY_MAX, required=False),
        opened_on=day_field(data, "opened_on", default=today, not_after=today), created_by_id=actor.id,
        created_at=now or utcnow())
    people = _parties(data.get("parties"))
    db.session.add(case)
    db.session.flush()
    db.session.add_all([MediationParty(case_id=case.id, **party) for party in people])
    record(actor, "mediation.open", case, case.title, {"kind": kind, "parties": len(people)})
    return case


def _open(case: MediationCase) -> None:
    if case.is_closed:
        raise Conflict(_("This case is closed; its outcome is recorded."), code="case_closed")


@transactional
def add_session(actor, case: MediationCase, data: dict, *, now: datetime | None = None) -> MediationSession:
    """Record a session of an open case: the date (not before the case opened, not in the future), place, notes."""
    require(actor, "mediation.case", case)
    _open(case)
    session = MediationSession(
        case_id=case.id, held_on=day_field(data, "held_on", default=today_local(now), not_after=today_local(now),
                                           not_before=case.opened_on),
        place=text_field(data, "place", 200), notes=text_field(data, "notes", NOTES_MAX, required=False),
        recorded_by_id=actor.id, created_at=now or utcnow())
    db.session.add(session)
    db.session.flush()
    record(actor, "mediation.session", case, session.held_on.isoformat())
    return session


@transactional
def record_outcome(actor, case: MediationCase, data: dict, *, now: datetime | None = None) -> MediationCase:
    """Close a case with its outcome: settled, partly settled or failed after at least one session, or referred
    (to a court, the labour arbitration…, named). Once only: a second outcome, even a simultaneous one, is a 409."""
    require(actor, "mediation.case", case)
    _open(case)
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        message = _("Choose the outcome.")
        raise Invalid(message, fields={"outcome": message})
    note = text_field(data, "outcome_note", SUMMARY_MAX, required=False)
    referred_to = text_field(data, "referred_to", 100, required=outcome == "referred")
    if outcome != "referred" and not db.session.scalar(select(exists().where(MediationSession.case_id == case.id))):
        message = _("Record at least one session before the outcome (or refer the case).")
        raise DomainError(message, code="no_session", fields={"outcome": message})
    closed_at = now or utcnow()
    done = db.session.execute(update(MediationCase).where(
        MediationCase.id == case.id, MediationCase.outcome.is_(None)).values(
        outcome=outcome, outcome_note=note, referred_to=referred_to if outcome == "referred" else "",
        closed_at=closed_at).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_("This case is closed; its outcome is recorded."), code="case_closed")
    db.session.refresh(case)
    record(actor, "mediation.outcome", case, outcome)
    return case
