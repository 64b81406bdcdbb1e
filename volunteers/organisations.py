"""Scoring organisations, their members, quotas per period and the street's caps: the street administrator's."""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, contains_eager

from app import db
from community.audit.services import record
from community.authz import require, scope_condition
from community.database import flush_or_conflict, transactional, valid_id
from community.errors import DomainError, Invalid, NotFound
from community.places.models import Community, Street
from volunteers.ledger import CATEGORIES
from volunteers.points_models import (
    ORGANISATION_KINDS,
    CategoryCap,
    Organisation,
    OrganisationMember,
    PointsRules,
    Quota,
)

PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")
MAX_QUOTA = 10_000_000


def parse_period(text: str | None, field: str = "period") -> tuple[str, date, date]:
    """"2026" (a year), "2026-Q2" (a quarter) or "2026-05" (a month) → (period, first day, last day)."""
    found = PERIOD.match((text or "").strip())
    if not found or not 2000 <= int(found.group(1)) <= 2100:
        message = _("Write the period as YYYY, YYYY-Qn or YYYY-MM.")
        raise Invalid(message, fields={field: message})
    year, part = int(found.group(1)), found.group(2)
    if part is None:
        return f"{year}", date(year, 1, 1), date(year, 12, 31)
    if part.startswith("Q"):
        first = (int(part[1]) - 1) * 3 + 1
        return f"{year}-{part}", date(year, first, 1), date(year, first + 2, monthrange(year, first + 2)[1])
    month = int(part)
    return f"{year}-{month:02d}", date(year, month, 1), date(year, month, monthrange(year, month)[1])


def whole_points(value, field: str = "points", *, maximum: int = MAX_QUOTA) -> int:
    """A positive whole number of points, or an Invalid beside `field` (no fractions, no negatives)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        message = _("Points must be a whole number greater than zero.")
        raise Invalid(message, fields={field: message})
    if value > maximum:
        message = ngettext("At most %(num)d point.", "At most %(num)d points.", maximum)
        raise Invalid(message, fields={field: message})
    return value


def get_organisation(actor, organisation_id, action: str = "organisation.view") -> Organisation:
    """The organisation, if the actor may `action` it (checked before the lookup answers anything)."""
    require(actor, action)
    organisation = db.session.get(Organisation, organisation_id) if valid_id(organisation_id) else None
    if organisation is None:
        raise NotFound(_("The organisation was not found."))
    require(actor, action, organisation)
    return organisation


def organisations_query(actor, action: str = "organisation.view"):
    """The organisations the actor may `action`, by community and name."""
    require(actor, action)
    place = aliased(Community)  # an alias: the scope condition's own EXISTS over community must not correlate
    statement = (select(Organisation).join(place, place.id == Organisation.community_id)
                 .options(contains_eager(Organisation.community.of_type(place))))
    condition = scope_condition(actor, action, "organisation", Organisation.id)
    if condition is not None:
        statement = statement.where(condition)
    return statement.order_by(place.name, Organisation.name, Organisation.id)


@transactional
def create_organisation(actor, data: dict) -> Organisation:
    """Register a scoring organisation (enterprise, community or grid) under a community of the street."""
    require(actor, "organisation.create")
    community = db.session.get(Community, data.get("community_id")) if valid_id(data.get("community_id")) else None
    if community is None:
        raise NotFound(_("The community was not found."), fields={"community_id": _("Unknown community.")})
    require(actor, "organisation.create", community)
    name = (data.get("name") or "").strip()
    if not name or len(name) > 100:
        raise Invalid(_("Give the organisation a name (at most 100 characters)."),
                      fields={"name": _("A name of 1 to 100 characters.")})
    kind = data.get("kind")
    if kind not in ORGANISATION_KINDS:
        raise Invalid(_("Choose enterprise, community or grid."), fields={"kind": _("Choose a kind.")})
    organisation = Organisation(name=name, kind=kind, community_id=community.id)
    flush_or_conflict(organisation, _("The community already has an organisation of that name."), field="name")
    record(actor, "organisation.create", organisation, summary=name)
    return organisation


def in_scope_condition(organisation: Organisation, person_column):
    """SQL: the person is in the organisation's scope (a community's residents, or the registered members)."""
    from community.people.models import Person

    if organisation.counts_residents:
        return person_column.in_(select(Person.id).where(Person.community_id == organisation.community_id))
    return person_column.in_(select(OrganisationMember.person_id)
                             .where(OrganisationMember.organisation_id == organisation.id))


def in_scope(organisation: Organisation, person) -> bool:
    """Is the person in the organisation's scope?"""
    if organisation.counts_residents:
        return person.community_id == organisation.community_id
    return db.session.scalar(select(OrganisationMember.id).where(
        OrganisationMember.organisation_id == organisation.id, OrganisationMember.person_id == person.id)) is not None


@transactional
def add_member(actor, organisation: Organisation, person) -> OrganisationMember:
    """Register a person with an enterprise or grid organisation (its scope for grants)."""
    require(actor, "organisation.manage", organisation)
    if organisation.counts_residents:
        raise DomainError(_("A community organisation's scope is its residents; it has no member list."),
                          code="residents_only")
    member = OrganisationMember(organisation_id=organisation.id, person_id=person.id, added_by_id=actor.id)
    flush_or_conflict(member, _("%(name)s is already a member.", name=person.name), field="person")
    record(actor, "organisation.member_add", member, summary=person.name, detail={"person_id": person.id})
    return member


@transactional
def remove_member(actor, member: OrganisationMember) -> None:
    """Take a person off an organisation's member list (their points stay: the ledger is never touched)."""
    require(actor, "organisation.manage", member)
    record(actor, "organisation.member_remove", member, summary=member.person.name,
           detail={"person_id": member.person_id, "organisation_id": member.organisation_id})
    db.session.delete(member)


def members_query(organisation: Organisation):
    """The members of an enterprise or grid organisation, by name, each with its person (one query)."""
    from community.people.models import Person

    return (select(OrganisationMember).join(OrganisationMember.person)
            .options(contains_eager(OrganisationMember.person))
            .where(OrganisationMember.organisation_id == organisation.id)
            .order_by(Person.name_key, Person.id))


@transactional
def set_quota(actor, organisation: Organisation, period_text: str, points) -> tuple[Quota, bool]:
    """Give the organisation a quota for a period, or change the one it has; (quota, created?).

    Periods of one organisation never overlap (a year and one of its months cannot both hold a quota), so a
    grant always draws on one quota; a quota cannot be set below what has been granted from it."""
    require(actor, "quota.set", organisation)
    period, starts_on, ends_on = parse_period(period_text)
    points = whole_points(points)
    quota = db.session.scalar(select(Quota).where(Quota.organisation_id == organisation.id, Quota.period == period)
                              .with_for_update())
    if quota is not None:
        if points < quota.used:
            message = ngettext("%(num)d point has already been granted from this quota; it cannot be lower.",
                               "%(num)d points have already been granted from this quota; it cannot be lower.",
                               quota.used)
            raise DomainError(message, code="below_used", fields={"points": message})
        before, quota.points = quota.points, points
        record(actor, "quota.set", quota, summary=f"{organisation.name} {period}: {before} → {points}")
        return quota, False
    overlapping = db.session.scalar(select(Quota.period).where(
        Quota.organisation_id == organisation.id, and_(Quota.starts_on <= ends_on, Quota.ends_on >= starts_on)))
    if overlapping:
        message = _("The period overlaps the quota for %(period)s.", period=overlapping)
        raise DomainError(message, code="period_overlaps", fields={"period": message})
    quota = Quota(organisation_id=organisation.id, period=period, starts_on=starts_on, ends_on=ends_on,
                  points=points, used=0, set_by_id=actor.id)
    flush_or_conflict(quota, _("The organisation already has a quota for this period."), field="period")
    record(actor, "quota.set", quota, summary=f"{organisation.name} {period}: {points}")
    return quota, True


def quotas_of(organisation: Organisation) -> list[Quota]:
    """The organisation's quotas, newest period first."""
    return db.session.scalars(select(Quota).where(Quota.organisation_id == organisation.id)
                              .order_by(Quota.starts_on.desc())).all()


def current_quota(organisation_id: int, day: date, *, lock: bool = False) -> Quota | None:
    """The organisation's quota whose period contains `day` (FOR UPDATE when `lock`)."""
    statement = select(Quota).where(Quota.organisation_id == organisation_id, Quota.starts_on <= day,
                                    Quota.ends_on >= day)
    return db.session.scalar(statement.with_for_update() if lock else statement)


def remaining_by_organisation(organisation_ids, day: date) -> dict[int, int | None]:
    """Points left in each organisation's current quota (None: no quota for today), in one query."""
    ids = sorted(set(organisation_ids))
    found = dict(db.session.execute(select(Quota.organisation_id, Quota.points - Quota.used).where(
        Quota.organisation_id.in_(ids), Quota.starts_on <= day, Quota.ends_on >= day)).all()) if ids else {}
    return {oid: found.get(oid) for oid in ids}


# ------------------------------------------------------------------ the street's caps
def rules_of(street_id: int) -> PointsRules:
    """The street's caps (defaults, unsaved, when its administrator has set none)."""
    from volunteers.points_models import DEFAULT_MAX_PER_GRANT, DEFAULT_PERSON_DAILY, DEFAULT_PERSON_YEARLY

    return db.session.get(PointsRules, street_id) or PointsRules(
        street_id=street_id, max_per_grant=DEFAULT_MAX_PER_GRANT, person_daily=DEFAULT_PERSON_DAILY,
        person_yearly=DEFAULT_PERSON_YEARLY)


def category_caps(street_id: int) -> dict[str, CategoryCap]:
    """The street's caps per category (only the categories that have one)."""
    return {cap.category: cap for cap in db.session.scalars(select(CategoryCap)
                                                            .where(CategoryCap.street_id == street_id))}


def _cap_value(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    return whole_points(value, field)


@transactional
def set_rules(actor, street: Street, data: dict) -> PointsRules:
    """Set the street's caps: `max_per_grant`, `person_daily`, `person_yearly`, and per category
    `caps[category] = (daily, yearly)` (empty: no cap)."""
    require(actor, "points_rules.set", street)
    rules = db.session.get(PointsRules, street.id) or PointsRules(street_id=street.id)
    current = rules_of(street.id)
    for name in ("max_per_grant", "person_daily", "person_yearly"):
        value = data.get(name, getattr(current, name))
        setattr(rules, name, whole_points(value, name))
    if rules.person_daily > rules.person_yearly:
        message = _("The daily cap cannot be above the yearly cap.")
        raise Invalid(message, fields={"person_daily": message})
    db.session.add(rules)
    existing = category_caps(street.id)
    for category, (daily, yearly) in (data.get("caps") or {}).items():
        if category not in CATEGORIES:
            raise Invalid(_("Unknown category."), fields={"category": _("Choose a category from the catalogue.")})
        daily, yearly = _cap_value(daily, f"{category}_daily"), _cap_value(yearly, f"{category}_yearly")
        if daily and yearly and daily > yearly:
            message = _("The daily cap cannot be above the yearly cap.")
            raise Invalid(message, fields={f"{category}_daily": message})
        cap = existing.get(category) or CategoryCap(street_id=street.id, category=category)
        cap.daily, cap.yearly = daily, yearly
        db.session.add(cap)
    db.session.flush()
    record(actor, "points_rules.set", object_type="street", object_id=street.id, summary=street.name,
           detail={"max_per_grant": rules.max_per_grant, "person_daily": rules.person_daily,
                   "person_yearly": rules.person_yearly})
    return rules

