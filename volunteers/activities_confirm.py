"""Confirmation (确认): the organiser confirms the roster and its points are posted to the ledger, once; a
volunteer's self-declared service counts only once an organiser or administrator of its community confirms it,
or a scorer of the scoring organisation it names (whose points then come from that organisation's quota, within
its caps: volunteers.grants.make_grant).

Posting once does not rest on this code: the ledger's unique (source_type, source_id, person_id, kind) refuses a
second entry for the same check-in (volunteers.ledger.post_entry raises "already_posted" inside a savepoint,
and the confirmation goes on with the next volunteer). The activity's row is locked first, so two screens
confirming at the same moment take turns on PostgreSQL and never deadlock on the ledger's index.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select, update

from app import db
from community.audit.services import record
from community.authz import any_scope_condition, can, require
from community.database import transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from volunteers.activities import CATEGORIES, Activity, Checkin, Declaration

MAX_DECLARED_POINTS = 200


def points_for(activity: Activity, hours: Decimal) -> int:
    """Whole points for `hours` of service: per hour (rounded down) or the fixed amount."""
    if activity.points_rule == "fixed":
        return activity.points
    return int((hours * activity.points).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class Confirmation:
    posted: int          # entries posted now
    already: int         # volunteers posted before (an earlier confirmation, or the other screen)
    open: int            # checked in but not out: nothing posted for them yet


@transactional
def confirm_roster(actor, activity: Activity, *, now: datetime | None = None) -> Confirmation:
    """Post the points of every volunteer checked in and out; whoever was posted before is left as they are."""
    from volunteers.ledger import post_entry

    require(actor, "activity.manage", activity)
    now = now or utcnow()
    # The lock: the second screen waits here until the first has committed, then finds its entries.
    db.session.execute(update(Activity).where(Activity.id == activity.id)
                       .values(confirmed_at=now, confirmed_by_id=actor.id))
    db.session.refresh(activity, ["status"])
    if activity.status != "open":  # called off (perhaps after someone checked in early): no points
        raise DomainError(_("This activity was cancelled."), code="cancelled")
    if now < activity.starts_at:
        raise DomainError(_("The activity has not begun: there is no roster to confirm yet."), code="not_begun")
    checkins = db.session.scalars(select(Checkin).where(Checkin.activity_id == activity.id)
                                  .order_by(Checkin.person_id)).all()
    posted = already = still_open = 0
    for checkin in checkins:
        if checkin.checked_out_at is None:
            still_open += 1
            continue
        if checkin.posted_at is not None:
            already += 1
            continue
        amount = points_for(activity, checkin.hours)
        try:
            if amount > 0:
                post_entry(checkin.person_id, amount, "activity", source_type="activity_checkin",
                           source_id=checkin.id, category=activity.category, hours=checkin.hours,
                           granted_by_id=actor.id, reason=activity.title)
        except Conflict as error:
            if error.code != "already_posted":
                raise
            already += 1
        else:
            posted += 1
        checkin.posted_at = now
    db.session.flush()
    db.session.expire(activity)
    record(actor, "activity.confirm", activity, summary=activity.title,
           detail={"posted": posted, "already": already, "open": still_open})
    return Confirmation(posted, already, still_open)


# ------------------------------------------------------------------------------------------- declarations
def get_declaration(declaration_id) -> Declaration:
    """Load a declaration or raise NotFound."""
    found = db.session.get(Declaration, declaration_id) if valid_id(declaration_id) else None
    if found is None:
        raise NotFound(_("No such declaration."))
    return found


def _fail(field: str, message: str, cls=Invalid):
    raise cls(message, fields={field: message})


@transactional
def declare(actor, data: dict, *, today: date | None = None) -> Declaration:
    """A volunteer declares service they did (自报): it waits for confirmation and counts for nothing until then."""
    require(actor, "declaration.submit", _Mine(actor.id))
    if not actor.community_id:
        _fail("content", _("Only residents of a community declare service."), DomainError)
    content = (data.get("content") or "").strip() if isinstance(data.get("content"), str) else ""
    place = (data.get("place") or "").strip() if isinstance(data.get("place"), str) else ""
    if not content or len(content) > 300:
        _fail("content", _("Say what you did, in at most 300 characters."))
    if not place or len(place) > 200:
        _fail("place", _("Say where, in at most 200 characters."))
    if data.get("category") not in CATEGORIES:
        _fail("category", _("Choose a category from the catalogue."))
    served_on = data.get("served_on")
    if not isinstance(served_on, date) or served_on > (today or utcnow().date()) or served_on.year < 2000:
        _fail("served_on", _("The day of the service, not in the future."))
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        _fail("hours", _("Hours as a number, e.g. 2.5."))
    if not Decimal("0") < hours <= Decimal("24"):
        _fail("hours", _("Between 0 and 24 hours."), DomainError)
    organisation_id = data.get("organisation_id") or None
    if organisation_id is not None and organisation_id not in dict(organisation_choices(actor)):
        _fail("organisation_id", _("Choose an organisation you belong to, or none."))
    declaration = Declaration(person_id=actor.id, community_id=actor.community_id, category=data["category"],
                              content=content, place=place, served_on=served_on, hours=hours,
                              organisation_id=organisation_id)
    db.session.add(declaration)
    db.session.flush()
    record(actor, "declaration.submit", declaration, summary=content)
    return declaration


def organisation_choices(person) -> list[tuple[int, str]]:
    """The scoring organisations whose scope the person is in: their community's, and those they are a member
    of (one query)."""
    from sqlalchemy import or_

    from volunteers.points_models import Organisation, OrganisationMember

    members = select(OrganisationMember.organisation_id).where(OrganisationMember.person_id == person.id)
    statement = select(Organisation.id, Organisation.name).where(or_(
        (Organisation.kind == "community") & (Organisation.community_id == person.community_id),
        Organisation.id.in_(members))).order_by(Organisation.id).limit(50)
    return [tuple(row) for row in db.session.execute(statement)]


@dataclass(frozen=True)
class _Mine:
    person_id: int

    @property
    def authz_scope(self):
        return ("platform", 0)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


def pending_declarations(actor):
    """Declarations waiting in the communities where the actor confirms, oldest first."""
    statement = select(Declaration).where(Declaration.state == "pending").order_by(Declaration.id)
    condition = any_scope_condition(actor, "declaration.confirm", {"community": Declaration.community_id,
                                                                   "organisation": Declaration.organisation_id})
    return statement if condition is None else statement.where(condition)


@transactional
def decide_declaration(actor, declaration: Declaration, *, accept: bool, points: int = 0, note: str = "",
                       now: datetime | None = None) -> Declaration:
    """Confirm (posting `points` for the declared hours, once) or reject a declaration; nobody decides their own.
    A scorer confirming through the declaration's organisation grants from its quota (caps and scope apply)."""
    from volunteers.ledger import post_entry

    require(actor, "declaration.confirm", declaration)
    by_community = can(actor, "declaration.confirm", ("community", declaration.community_id))
    if declaration.person_id == actor.id:
        raise DomainError(_("Someone else confirms your own declaration."), code="own_declaration")
    if accept and (isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_DECLARED_POINTS):
        _fail("points", _("Must be between %(low)s and %(high)s.", low=1, high=MAX_DECLARED_POINTS), DomainError)
    decided = db.session.execute(update(Declaration).where(Declaration.id == declaration.id,
                                                           Declaration.state == "pending")
                                 .values(state="confirmed" if accept else "rejected", points=points if accept else 0,
                                         decided_by_id=actor.id, decided_at=now or utcnow(),
                                         note=(note or "")[:300])).rowcount
    db.session.expire(declaration)
    if decided != 1:
        raise Conflict(_("This declaration was already decided."), code="already_decided")
    if accept and by_community:  # the hours count with the points (a ledger entry is never zero)
        post_entry(declaration.person_id, points, "activity", source_type="declaration", source_id=declaration.id,
                   category=declaration.category, hours=declaration.hours, granted_by_id=actor.id,
                   reason=declaration.content)
    elif accept:  # a scorer: the organisation's quota pays, within its caps (a refusal undoes the decision)
        from volunteers.grants import make_grant
        from volunteers.points_models import Organisation

        make_grant(actor, db.session.get(Organisation, declaration.organisation_id), declaration.person, points,
                   declaration.category, _("Declared service: %(content)s", content=declaration.content)[:300],
                   now=now)
    record(actor, "declaration.confirm" if accept else "declaration.reject", declaration,
           summary=declaration.content, detail={"points": points if accept else 0})
    return declaration
