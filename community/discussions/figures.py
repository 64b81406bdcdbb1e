"""The discussions' figures per community and per category: closure rate (办结率), satisfaction rate (满意率),
median days to close, and the mediation settlement rate (per community, kind of dispute and mediator).

Each figure is a grouped SQL aggregate over every community the reader may see at once (the medians with a
window function, on SQLite and PostgreSQL alike), so the page costs the same few queries for 3 communities or
300. Definitions (README "Design"):
- closure rate: items done ÷ items taken up (accepted or further; submitted and declined ones are not);
- satisfaction rate: ratings satisfied or basically satisfied ÷ ratings given;
- median days to close: from submission to done, over the items done;
- settlement rate: cases settled ÷ cases closed (settled, partly settled, failed or referred).
"""
from __future__ import annotations

from sqlalchemy import func, literal, select

from app import db
from community.authz import require, scope_condition
from community.database import valid_id
from community.discussions.mediation_models import MediationCase
from community.discussions.models import CATEGORIES, Request
from community.people.models import Person
from community.places.models import Community

TAKEN_UP = ("accepted", "on_agenda", "decided", "in_progress", "done")
GOOD_RATINGS = ("satisfied", "basically_satisfied")


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _days_to_close():
    """Days between submission and closure, in SQL, on either database."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(Request.closed_at) - func.julianday(Request.created_at)
    return func.extract("epoch", Request.closed_at - Request.created_at) / 86400.0


def visible_communities(actor, community_id=None) -> dict[int, str]:
    """The communities whose figures the actor may see (id -> name), or the one asked for; by name."""
    require(actor, "discussion_figures.view")
    statement = select(Community.id, Community.name).order_by(Community.name, Community.id)
    condition = scope_condition(actor, "discussion_figures.view", "community", Community.id)
    if condition is not None:
        statement = statement.where(condition)
    if valid_id(community_id):
        statement = statement.where(Community.id == community_id)
    return dict(db.session.execute(statement).all())


def _medians(group, ids: list[int]) -> dict:
    """The median days to close per value of `group` (a column of Request; None: over all), in one query."""
    days = _days_to_close().label("days")
    key = group if group is not None else literal(0)
    ranked = select(key.label("key"), days,
                    func.row_number().over(partition_by=group, order_by=days).label("n"),
                    func.count().over(partition_by=group).label("total")).where(
        Request.community_id.in_(ids), Request.status == "done", Request.closed_at.is_not(None)).subquery()
    # The middle row, or the two middle rows of an even count (// is integer division on both databases).
    middle = (ranked.c.n == (ranked.c.total + 1) // 2) | (ranked.c.n == (ranked.c.total + 2) // 2)
    rows = db.session.execute(select(ranked.c.key, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.key))
    return {key: round(float(value), 1) for key, value in rows}


def _request_line() -> dict:
    return {"taken_up": 0, "done": 0, "rated": 0, "satisfied": 0}


def _finish_requests(line: dict, median) -> dict:
    return {**line, "closure_rate": rate(line["done"], line["taken_up"]),
            "satisfaction_rate": rate(line["satisfied"], line["rated"]), "median_days": median}


def _mediation_line() -> dict:
    return {"cases": 0, "closed": 0, "settled": 0, "partly": 0, "failed": 0, "referred": 0}


def _finish_cases(line: dict) -> dict:
    return {**line, "settlement_rate": rate(line["settled"], line["closed"])}


def figures(actor, community_id=None) -> dict:
    """Every figure over the communities the actor may see (or the one asked for): five queries in all."""
    names = visible_communities(actor, community_id)
    ids = list(names) or [-1]
    by_community = {cid: _request_line() for cid in names}
    by_category = {category: _request_line() for category in CATEGORIES}
    totals = _request_line()
    for cid, category, taken_up, done, rated, satisfied in db.session.execute(
            select(Request.community_id, Request.category,
                   func.count().filter(Request.status.in_(TAKEN_UP)),
                   func.count().filter(Request.status == "done"),
                   func.count().filter(Request.rating.is_not(None)),
                   func.count().filter(Request.rating.in_(GOOD_RATINGS)))
            .where(Request.community_id.in_(ids)).group_by(Request.community_id, Request.category)):
        for line in (by_community[cid], by_category.setdefault(category, _request_line()), totals):
            line["taken_up"] += taken_up
            line["done"] += done
            line["rated"] += rated
            line["satisfied"] += satisfied
    community_medians = _medians(Request.community_id, ids)
    category_medians = _medians(Request.category, ids)
    overall = _medians(None, ids).get(0)
    cases = {"community": {cid: _mediation_line() for cid in names}, "kind": {}, "mediator": {}}
    case_totals = _mediation_line()
    mediator_names = {}
    for cid, kind, mediator_id, mediator_name, outcome, n in db.session.execute(
            select(MediationCase.community_id, MediationCase.kind, MediationCase.mediator_id, Person.name,
                   MediationCase.outcome, func.count())
            .join(Person, Person.id == MediationCase.mediator_id).where(MediationCase.community_id.in_(ids))
            .group_by(MediationCase.community_id, MediationCase.kind, MediationCase.mediator_id, Person.name,
                      MediationCase.outcome)):
        mediator_names[mediator_id] = mediator_name
        for line in (cases["community"][cid], cases["kind"].setdefault(kind, _mediation_line()),
                     cases["mediator"].setdefault(mediator_id, _mediation_line()), case_totals):
            line["cases"] += n
            if outcome:
                line["closed"] += n
                line[outcome] += n
    return {
        "names": names,
        "communities": {cid: _finish_requests(line, community_medians.get(cid)) for cid, line in by_community.items()},
        "categories": {c: _finish_requests(line, category_medians.get(c)) for c, line in by_category.items()},
        "total": _finish_requests(totals, overall),
        "mediation": {
            "community": {cid: _finish_cases(line) for cid, line in cases["community"].items()},
            "kind": {k: _finish_cases(line) for k, line in sorted(cases["kind"].items())},
            "mediator": {mid: _finish_cases(line) for mid, line in sorted(
                cases["mediator"].items(), key=lambda kv: (mediator_names[kv[0]], kv[0]))},
            "mediator_names": mediator_names,
            "total": _finish_cases(case_totals),
        },
    }
