"""Dashboards of a branch (its secretary) and of a street (its administrator): members by status and home
province, attendance rate, dues collected, overdue organisational life; tables with charts beside them.

Each figure is one grouped query over all the branches at once, so the street's page costs the same with
5 branches or 500. The tables are the truth; the charts (Apache ECharts, static/js/dashboard.js) draw the
same figures from a JSON data island, and the page is complete without JavaScript.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import db
from branches.dues import DuesMonth, add_months, month_start
from branches.models import Branch, BranchMember, HomeOrganisation
from community.authz import require
from community.database import utcnow
from community.meetings.models import Meeting, MeetingInvitee
from community.people.models import Person
from community.places.models import Street

bp = Blueprint("branch_dashboard", __name__, url_prefix="/admin/branches")
# Names that end a province-level division, longest first ("内蒙古自治区", "广西壮族自治区", "北京市"…).
PROVINCE_ENDINGS = ("特别行政区", "自治区", "省", "市")


def province_of(place: str) -> str:
    """The province-level division a place starts with ("贵州省遵义市…" → "贵州省"), or "" when none is named."""
    place = (place or "").strip()
    best = ""
    for ending in PROVINCE_ENDINGS:
        at = place.find(ending)
        if 0 < at <= 8 and (not best or at + len(ending) < len(best)):
            best = place[:at + len(ending)]
    return best


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=8)


def quarter_start(day: date) -> date:
    """The first day of the day's quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _compliance(branch_ids: list[int], today: date) -> dict:
    try:
        from branches.life import compliance
    except ImportError:  # the organisational-life module is not there yet: nothing is known to be overdue
        return {}
    return compliance(branch_ids, today)


def figures(branch_ids: list[int], today: date) -> dict:
    """Every figure of a dashboard over the branches, per branch and in total (a fixed number of queries)."""
    ids = list(branch_ids)
    current = (BranchMember.branch_id.in_(ids), BranchMember.left_on.is_(None))
    by_status = {"full": 0, "probationary": 0}
    per_branch = {i: {"members": 0, "full": 0, "probationary": 0, "attended": 0, "invited": 0,
                      "month": Decimal("0.00"), "quarter": Decimal("0.00"), "overdue": 0} for i in ids}
    for branch_id, status, n in db.session.execute(
            select(BranchMember.branch_id, BranchMember.status, func.count()).where(*current)
            .group_by(BranchMember.branch_id, BranchMember.status)):
        by_status[status] = by_status.get(status, 0) + n
        per_branch[branch_id][status] = n
        per_branch[branch_id]["members"] += n
    provinces: dict[str, int] = {}
    for region, hukou, n in db.session.execute(
            select(HomeOrganisation.region, Person.hukou_place, func.count())
            .select_from(BranchMember).join(Person, Person.id == BranchMember.person_id)
            .outerjoin(HomeOrganisation, HomeOrganisation.id == BranchMember.home_organisation_id)
            .where(*current).group_by(HomeOrganisation.region, Person.hukou_place)):
        province = province_of(region or "") or province_of(hukou or "") or _("Not known")
        provinces[province] = provinces.get(province, 0) + n
    since = _local_midnight(add_months(month_start(today), -11))
    for branch_id, invited, attended in db.session.execute(
            select(Meeting.scope_id, func.count(MeetingInvitee.id),
                   func.count(MeetingInvitee.id).filter(MeetingInvitee.attendance == "present"))
            .join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
            .where(Meeting.scope_type == "branch", Meeting.scope_id.in_(ids), Meeting.status != "cancelled",
                   Meeting.starts_at >= since, Meeting.starts_at < _local_midnight(today + timedelta(days=1)))
            .group_by(Meeting.scope_id)):
        per_branch[branch_id].update(invited=invited, attended=attended)
    month, quarter = month_start(today), quarter_start(today)
    for branch_id, this_quarter, this_month in db.session.execute(
            select(DuesMonth.branch_id, func.sum(DuesMonth.amount),
                   func.sum(DuesMonth.amount).filter(DuesMonth.month == month))
            .where(DuesMonth.branch_id.in_(ids), DuesMonth.month >= quarter, DuesMonth.month <= month)
            .group_by(DuesMonth.branch_id)):
        per_branch[branch_id]["quarter"] = Decimal(this_quarter or 0).quantize(Decimal("0.01"))
        per_branch[branch_id]["month"] = Decimal(this_month or 0).quantize(Decimal("0.01"))
    overdue_kinds: dict[str, int] = {}
    for branch_id, items in _compliance(ids, today).items():
        late = [item for item in items if item.get("is_overdue")]
        per_branch[branch_id]["overdue"] = len(late)
        for item in late:
            overdue_kinds[item["kind"]] = overdue_kinds.get(item["kind"], 0) + 1
    attended = sum(b["attended"] for b in per_branch.values())
    invited = sum(b["invited"] for b in per_branch.values())
    return {"by_status": by_status, "provinces": sorted(provinces.items(), key=lambda kv: (-kv[1], kv[0])),
            "per_branch": per_branch, "attended": attended, "invited": invited,
            "rate": round(100 * attended / invited, 1) if invited else None,
            "month_total": sum((b["month"] for b in per_branch.values()), Decimal("0.00")),
            "quarter_total": sum((b["quarter"] for b in per_branch.values()), Decimal("0.00")),
            "overdue_kinds": overdue_kinds, "members": sum(by_status.values())}


def chart_data(data: dict, names: dict[int, str]) -> dict:
    """The JSON data island of the charts: labels and numbers only (money as strings, as in the API)."""
    from community.meetings.kinds import kind_of

    def kind_label(kind: str) -> str:
        found = kind_of(kind)
        return str(found.label) if found else kind

    return {
        "status": {"labels": [_("Full members"), _("Probationary members")],
                   "values": [data["by_status"].get("full", 0), data["by_status"].get("probationary", 0)]},
        "provinces": {"labels": [p for p, _n in data["provinces"]], "values": [n for _p, n in data["provinces"]]},
        "attendance": {"labels": [names[i] for i in data["per_branch"]],
                       "values": [round(100 * b["attended"] / b["invited"], 1) if b["invited"] else 0
                                  for b in data["per_branch"].values()]},
        "dues": {"labels": [names[i] for i in data["per_branch"]],
                 "values": [str(b["quarter"]) for b in data["per_branch"].values()]},
        "overdue": {"labels": [kind_label(k) for k in data["overdue_kinds"]],
                    "values": list(data["overdue_kinds"].values())},
    }


@bp.route("/<int:branch_id>/dashboard")
@login_required
def branch_dashboard(branch_id: int):
    """A branch's dashboard, for its secretary and committee (and the street's administrators)."""
    require(current_user, "branch_dashboard.view", ("branch", branch_id))  # before the lookup
    branch = db.session.get(Branch, branch_id) or abort(404)
    data = figures([branch.id], utcnow().date())
    return render_template("branches/dashboard/dashboard.html", title=branch.name, data=data,
                           names={branch.id: branch.name}, charts=chart_data(data, {branch.id: branch.name}),
                           street=False)


@bp.route("/streets/<int:street_id>/dashboard")
@login_required
def street_dashboard(street_id: int):
    """A street's dashboard over all its branches, for the street's administrators."""
    require(current_user, "street_dashboard.view", ("street", street_id))  # before the lookup
    street = db.session.get(Street, street_id) or abort(404)
    names = dict(db.session.execute(select(Branch.id, Branch.name).where(Branch.street_id == street.id)
                                    .order_by(Branch.name, Branch.id)).all())
    data = figures(list(names), utcnow().date())
    return render_template("branches/dashboard/dashboard.html", title=street.name, data=data, names=names,
                           charts=chart_data(data, names), street=True)
