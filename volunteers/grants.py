"""Grants (赋分): a scorer gives points from their organisation's quota to a person in its scope, within caps.

The quota is never overspent, even by simultaneous grants: its `used` rises by one conditional UPDATE
(`used + n <= points`), whose row lock on PostgreSQL (and SQLite's single writer) serialises the grants of an
organisation. The person's caps (per day and per year, all categories and per category) are then counted
with the person's points account locked, so two organisations granting to one person at once cannot both
slip under a cap. Locks are always taken quota first, account second (a reversal does the same).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import joinedload

from app import db
from community.audit.services import record
from community.authz import require
from community.database import LOCAL_ZONE, as_local, transactional, utcnow
from community.errors import Conflict, DomainError, Forbidden, Invalid
from volunteers import ledger
from volunteers.ledger import CATEGORIES, PointsAccount, post_entry
from volunteers.organisations import category_caps, current_quota, in_scope, rules_of, whole_points
from volunteers.points_models import Grant, Organisation, Quota


class CapReached(DomainError):
    """A grant would pass one of the street's caps (422, naming the cap)."""

    code = "cap_reached"


def _local_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def received(person_id: int, category: str, moment) -> dict[str, int]:
    """Points the person has received from grants (not reversed) today and this year, in all and in `category`."""
    today = as_local(moment).date()
    day_start, year_start = _local_start(today), _local_start(today.replace(month=1, day=1))
    day_end = _local_start(today + timedelta(days=1))
    in_day = and_(Grant.created_at >= day_start, Grant.created_at < day_end)
    same = Grant.category == category
    row = db.session.execute(select(
        func.coalesce(func.sum(case((in_day, Grant.points), else_=0)), 0),
        func.coalesce(func.sum(Grant.points), 0),
        func.coalesce(func.sum(case((and_(in_day, same), Grant.points), else_=0)), 0),
        func.coalesce(func.sum(case((same, Grant.points), else_=0)), 0),
    ).where(Grant.person_id == person_id, Grant.reversed_at.is_(None), Grant.created_at >= year_start,
            Grant.created_at < _local_start(today.replace(year=today.year + 1, month=1, day=1)))).one()
    return {"day": int(row[0]), "year": int(row[1]), "category_day": int(row[2]), "category_year": int(row[3])}


def _check_caps(organisation: Organisation, person_id: int, points: int, category: str, now) -> None:
    """Refuse a grant that would take the person past a daily or yearly cap of the organisation's street."""
    street_id = organisation.community.street_id
    rules, caps = rules_of(street_id), category_caps(street_id)
    got = received(person_id, category, now)
    limits = [(got["day"], rules.person_daily, lambda n: ngettext(
                  "a person receives at most %(num)d point a day", "a person receives at most %(num)d points a day",
                  n)),
              (got["year"], rules.person_yearly, lambda n: ngettext(
                  "a person receives at most %(num)d point a year", "a person receives at most %(num)d points a year",
                  n))]
    cap = caps.get(category)
    if cap is not None:
        limits += [(got["category_day"], cap.daily, lambda n: ngettext(
                       "at most %(num)d point a day in this category", "at most %(num)d points a day in this category",
                       n)),
                   (got["category_year"], cap.yearly, lambda n: ngettext(
                       "at most %(num)d point a year in this category",
                       "at most %(num)d points a year in this category", n))]
    for already, limit, words in limits:
        if limit is not None and already + points > limit:
            left = max(limit - already, 0)
            message = ngettext("Over the cap: %(rule)s; %(num)d point left.",
                               "Over the cap: %(rule)s; %(num)d points left.", left, rule=words(limit))
            raise CapReached(message, fields={"points": message})


def _lock_account(person_id: int) -> None:
    """Lock (creating it if need be) the person's points account row for the caps' count."""
    insert = ledger._dialect_insert()
    db.session.execute(insert(PointsAccount).values(person_id=person_id, balance=0, earned=0, hours=0,
                                                    updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["person_id"]))
    db.session.execute(select(PointsAccount.person_id).where(PointsAccount.person_id == person_id)
                       .with_for_update())


@transactional
def make_grant(actor, organisation: Organisation, person, points, category: str, reason: str,
               now=None) -> ledger.LedgerEntry:
    """Grant `points` in `category` with a reason to a person in the organisation's scope, from today's quota."""
    require(actor, "points.grant", organisation)
    points = whole_points(points)
    if category not in CATEGORIES:
        raise Invalid(_("Choose a category from the catalogue."), fields={"category": _("Choose a category.")})
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise Invalid(_("Say why the points are granted (at most 300 characters)."),
                      fields={"reason": _("A reason of 1 to 300 characters.")})
    if person is None or not in_scope(organisation, person):
        message = _("This person is not in the organisation's scope: it grants only to its residents or members.")
        raise Forbidden(message, fields={"person_id": message})
    now = now or utcnow()
    largest = rules_of(organisation.community.street_id).max_per_grant
    if points > largest:  # before any lock: no count changes this cap
        message = ngettext("One grant gives at most %(num)d point.", "One grant gives at most %(num)d points.", largest)
        raise CapReached(message, fields={"points": message})
    quota = current_quota(organisation.id, as_local(now).date())
    if quota is None:
        raise Conflict(_("The organisation has no quota for this period; ask the street office for one."),
                       code="no_quota")
    taken = db.session.execute(update(Quota).where(Quota.id == quota.id, Quota.used + points <= Quota.points)
                               .values(used=Quota.used + points).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        left = db.session.scalar(select(Quota.points - Quota.used).where(Quota.id == quota.id))
        message = ngettext("The quota is exhausted: %(num)d point left for %(period)s.",
                           "The quota is exhausted: %(num)d points left for %(period)s.", left, period=quota.period)
        raise Conflict(message, code="quota_exhausted", fields={"points": message})
    _lock_account(person.id)
    _check_caps(organisation, person.id, points, category, now)
    grant = Grant(organisation_id=organisation.id, quota_id=quota.id, person_id=person.id, points=points,
                  category=category, reason=reason, granted_by_id=actor.id, created_at=now)
    db.session.add(grant)
    db.session.flush()
    entry = post_entry(person.id, points, "grant", source_type="grant", source_id=grant.id, category=category,
                       organisation_id=organisation.id, granted_by_id=actor.id, reason=reason, at=now)
    record(actor, "points.grant", entry, summary=f"{person.name} +{points} ({organisation.name}): {reason}",
           detail={"person_id": person.id, "organisation_id": organisation.id, "quota_id": quota.id,
                   "points": points, "category": category})
    return entry


def give_back_quota(entry: ledger.LedgerEntry) -> None:
    """A reversed grant: its points return to the quota they came from, and the caps stop counting them."""
    if entry.kind != "grant" or entry.source_type != "grant" or entry.source_id is None:
        return
    grant = db.session.get(Grant, entry.source_id)
    if grant is None or grant.reversed_at is not None:
        return
    db.session.execute(update(Quota).where(Quota.id == grant.quota_id)
                       .values(used=Quota.used - grant.points).execution_options(synchronize_session=False))
    grant.reversed_at = utcnow()


def organisation_grants(organisation: Organisation):
    """The organisation's grants, newest first (for its page)."""
    return (select(Grant).where(Grant.organisation_id == organisation.id).options(joinedload(Grant.person))
            .order_by(Grant.created_at.desc(), Grant.id.desc()))
