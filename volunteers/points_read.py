"""Reading points: a person's balance, hours, stars, history and months; the leaderboards.

Everything here reads the per-person rows kept with the ledger (points_account, points_period) or one
person's entries through the (person_id, created_at) index, never the whole ledger.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import db
from community.authz import require
from community.database import as_local, utcnow, valid_id
from community.errors import Invalid, NotFound
from community.people.models import Person
from community.places.models import Community, Street
from volunteers.ledger import LedgerEntry, PointsAccount, PointsPeriod, stars

LEADERBOARD_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def mask_name(name: str) -> str:
    """张*, 张*明, 欧阳**锋: the first and (for three characters or more) the last character."""
    name = name or ""
    if len(name) <= 1:
        return name + "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def get_person(actor, person_id) -> Person:
    """The person whose points the actor may see: themself, or someone an administrator's scope covers (others
    are told there is no such person; those who administer nothing are refused before any lookup)."""
    from community.authz import can

    if not (valid_id(person_id) and person_id == getattr(actor, "id", None)):
        require(actor, "points.view")
    person = db.session.get(Person, person_id) if valid_id(person_id) else None
    if person is None or not can(actor, "points.view", person):
        raise NotFound(_("The person was not found."))
    return person


def summary(person_id: int) -> dict:
    """{balance, earned, hours, stars, next_star_hours} of one person, from their account row."""
    account = db.session.get(PointsAccount, person_id)
    balance = account.balance if account else 0
    earned = account.earned if account else 0
    hours = account.hours if account else 0
    from volunteers.ledger import STAR_HOURS

    upcoming = next((h for h in STAR_HOURS if hours < h), None)
    return {"balance": balance, "earned": earned, "hours": hours, "stars": stars(hours),
            "next_star_hours": upcoming}


def history_query(person_id: int):
    """The person's entries, newest first (the (person_id, created_at) index answers it)."""
    return (select(LedgerEntry).where(LedgerEntry.person_id == person_id)
            .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()))


def months(person_id: int, today: date, count: int = 12) -> list[dict]:
    """Points earned and hours credited in each of the last `count` months, oldest first (zeros included)."""
    keys, year, month = [], today.year, today.month
    for _i in range(count):
        keys.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    found = {row.period: row for row in db.session.scalars(
        select(PointsPeriod).where(PointsPeriod.person_id == person_id, PointsPeriod.period.in_(keys)))}
    return [{"month": key, "earned": found[key].earned if key in found else 0,
             "hours": found[key].hours if key in found else 0} for key in keys]


# ------------------------------------------------------------------ leaderboards
@dataclass
class Board:
    """A leaderboard: where, when, its ranked rows and the viewer's own place."""

    title: str
    period: str
    rows: list
    total: int
    mine: dict | None


def parse_board_period(text: str | None, now=None) -> str:
    """"2026" (a year) or "2026-03" (a month); default: this month."""
    if not text:
        return f"{as_local(now or utcnow()):%Y-%m}"
    text = text.strip()
    if not LEADERBOARD_PERIOD.match(text):
        message = _("Write the period as YYYY or YYYY-MM.")
        raise Invalid(message, fields={"period": message})
    return text


def _area(community_id, street_id):
    """(title, SQL condition on Person) for a community or a street."""
    if community_id is not None:
        community = db.session.get(Community, community_id) if valid_id(community_id) else None
        if community is None:
            raise NotFound(_("The community was not found."), fields={"community_id": _("Unknown community.")})
        return community.name, Person.community_id == community.id
    street = db.session.get(Street, street_id) if valid_id(street_id) else None
    if street is None:
        raise NotFound(_("The street was not found."), fields={"street_id": _("Unknown street.")})
    return street.name, Person.community_id.in_(select(Community.id).where(Community.street_id == street.id))


def leaderboard(actor, *, community_id=None, street_id=None, period=None, page: int = 1, per_page: int = 20,
                now=None) -> Board:
    """Who earned most points in a month or a year, in a community or a street; others' names masked.

    Ties share a rank (the same points, the same place); within a tie the newer account comes first. The board reads
    the month and year rows kept with the ledger (index on period, earned), never the ledger itself."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(_("The page or object was not found."))
    if community_id is None and street_id is None:
        community_id = actor.community_id
        if community_id is None:
            raise Invalid(_("Choose a community or a street."), fields={"community_id": _("Choose one.")})
    period = parse_board_period(period, now)
    title, where = _area(community_id, street_id)
    base = (select(PointsPeriod.person_id, PointsPeriod.earned, Person.name)
            .join(Person, Person.id == PointsPeriod.person_id)
            .where(PointsPeriod.period == period, PointsPeriod.earned > 0, where))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    page = max(1, min(page, 100_000))
    offset = (page - 1) * per_page
    # Walk the (period, earned, person_id) index backwards for one page; no window over the whole board.
    found = db.session.execute(base.order_by(PointsPeriod.earned.desc(), PointsPeriod.person_id.desc())
                               .limit(per_page).offset(offset)).all()
    rows, rank = [], None
    for i, row in enumerate(found):
        # Ties share a place (1 + how many earned more): one count for the page's first row, then by position.
        if i == 0:
            rank = 1 + db.session.scalar(select(func.count()).select_from(
                base.where(PointsPeriod.earned > row.earned).subquery()))
        elif row.earned != found[i - 1].earned:
            rank = offset + i + 1
        rows.append({"rank": rank, "person_id": row.person_id if row.person_id == actor.id else None,
                     "name": row.name if row.person_id == actor.id else mask_name(row.name),
                     "points": row.earned, "is_me": row.person_id == actor.id})
    mine = None
    own = db.session.scalar(select(PointsPeriod.earned).join(Person, Person.id == PointsPeriod.person_id)
                            .where(PointsPeriod.person_id == actor.id, PointsPeriod.period == period, where))
    if own:
        above = db.session.scalar(select(func.count()).select_from(
            base.where(PointsPeriod.earned > own).subquery()))
        mine = {"rank": above + 1, "points": own}
    return Board(title, period, rows, total, mine)

