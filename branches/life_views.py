"""Pages and API of organisational life and flags: a branch's calendar, the street's compliance board, the
flags list with its resolve form, `GET /api/v1/branches/{id}/compliance`, and the secretary's home cards."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import db
from branches import flags as flag_service
from branches.life import DEFAULT_PARTY_DAY, STATE_LABELS, colour, compliance
from branches.models import Branch
from community.authz import require, scope_condition
from community.database import LOCAL_ZONE, utcnow
from community.errors import DomainError
from community.places.models import Street

bp = Blueprint("branch_life", __name__, url_prefix="/admin/branches")
BOARD_PAGE = 100  # branches a page of the compliance board shows (their plans cost the same two queries)
STREET_LIMIT = 200  # streets offered on the board


def local_today() -> date:
    return utcnow().astimezone(LOCAL_ZONE).date()


def schedule_url(branch_id: int, kind: str) -> str:
    """The meeting form of community.meetings with the kind and the branch filled in."""
    return url_for("meetings.create", kind=kind, scope_id=branch_id)


def _lines(branch_id: int, today: date) -> list[dict]:
    from community.meetings.kinds import FREQUENCY_LABELS, kind_of

    lines = compliance([branch_id], today)[branch_id]
    return [{**line, "label": kind_of(line["kind"]).label, "state_label": STATE_LABELS[line["state"]],
             "frequency_label": FREQUENCY_LABELS[line["frequency"]], "url": schedule_url(branch_id, line["kind"])}
            for line in lines]


@bp.route("/<int:branch_id>/life")
@login_required
def branch_life(branch_id: int):
    """One branch's organisational life: per kind, last held, next due, overdue, and a link to schedule it."""
    require(current_user, "branch_life.view", ("branch", branch_id))
    return _branch_page(branch_id)


def _branch_page(branch_id: int, errors: dict | None = None, posted: dict | None = None, status: int = 200):
    from branches.life import LESSON_FREQUENCIES, settings_of
    from community.authz import can
    from community.meetings.kinds import FREQUENCY_LABELS

    branch = db.session.get(Branch, branch_id) or abort(404)
    today = local_today()
    chosen = settings_of([branch_id]).get(branch_id)
    values = posted or {"lesson_frequency": chosen.lesson_frequency if chosen else "quarterly",
                        "party_day": chosen.party_day if chosen else DEFAULT_PARTY_DAY}
    return render_template("branches/life/branch.html", branch=branch, lines=_lines(branch_id, today), today=today,
                           may_manage=can(current_user, "branch_life.manage", branch), values=values,
                           errors=errors or {}, frequencies=[(f, FREQUENCY_LABELS[f]) for f in LESSON_FREQUENCIES]
                           ), status


@bp.route("/<int:branch_id>/life/settings", methods=["POST"])
@login_required
def settings(branch_id: int):
    """Save the party lesson's frequency and the themed party day (post/redirect/get; errors beside fields)."""
    from branches.life import set_settings

    require(current_user, "branch_life.manage", ("branch", branch_id))
    posted = {"lesson_frequency": request.form.get("lesson_frequency", ""),
              "party_day": request.form.get("party_day", "")}
    try:
        set_settings(current_user, branch_id, posted["lesson_frequency"], posted["party_day"])
    except DomainError as error:
        return _branch_page(branch_id, error.fields, posted, 422)
    flash(_("The calendar's settings are saved."), "success")
    return redirect(url_for("branch_life.branch_life", branch_id=branch_id))


@bp.route("/compliance")
@login_required
def board():
    """The compliance board, one street at a time and BOARD_PAGE branches a page: green / amber / red for the
    branches the actor may see (a street administrator: all of the street's), in four queries whatever the
    number of streets and branches."""
    require(current_user, "branch_life.view")
    allowed = scope_condition(current_user, "branch_life.view", "branch", Branch.id)
    where = [allowed] if allowed is not None else []
    streets = db.session.execute(
        select(Street.id, Street.name, func.count(Branch.id)).join(Branch, Branch.street_id == Street.id)
        .where(*where).group_by(Street.id, Street.name).order_by(Street.name, Street.id).limit(STREET_LIMIT)).all()
    chosen = next((s for s in streets if s.id == request.args.get("street", type=int)), streets[0] if streets else None)
    pages = max(1, -(-chosen[2] // BOARD_PAGE)) if chosen else 1
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    branches = db.session.execute(
        select(Branch.id, Branch.name).where(Branch.street_id == chosen.id, *where).order_by(Branch.name, Branch.id)
        .limit(BOARD_PAGE).offset((page - 1) * BOARD_PAGE)).all() if chosen else []
    today = local_today()
    plans = compliance([b.id for b in branches], today)
    from community.meetings.kinds import meeting_kinds

    # Each kind's label translated once per page, not once per branch and kind (800 lazy-string lookups a
    # page of 100 branches took half its time: docs/performance.md).
    labels = {key: str(kind.label) for key, kind in meeting_kinds().items()}

    def names(lines, state):  # "党课、支委会": the kinds in this state, in Chinese enumeration
        return "、".join(labels[line["kind"]] for line in lines if line["state"] == state)

    rows = [{"id": b.id, "name": b.name, "colour": colour(plans[b.id]), "overdue": names(plans[b.id], "overdue"),
             "due": names(plans[b.id], "due")} for b in branches]
    return render_template("branches/life/board.html", rows=rows, today=today, streets=streets, street=chosen,
                           page=page, pages=pages,
                           counts={c: sum(r["colour"] == c for r in rows) for c in ("green", "amber", "red")})


@bp.route("/flags")
@login_required
def flags():
    """The open flags of the members the actor follows (secretary: the branch's; liaison: their own)."""
    require(current_user, "branch_flag.view")
    rows = db.session.scalars(flag_service.flags_query(current_user).limit(300)).unique().all()
    return render_template("branches/life/flags.html", flags=rows, today=local_today(),
                           labels=flag_service.KIND_LABELS, errors={}, posted={})


@bp.route("/flags/<int:flag_id>/resolve", methods=["POST"])
@login_required
def resolve(flag_id: int):
    """Resolve a flag with a note (post/redirect/get; an empty note is refused beside its field)."""
    note = request.form.get("note", "")
    try:
        flag = flag_service.resolve_flag(current_user, flag_id, note)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        rows = db.session.scalars(flag_service.flags_query(current_user).limit(300)).unique().all()
        return render_template("branches/life/flags.html", flags=rows, today=local_today(),
                               labels=flag_service.KIND_LABELS,
                               errors={flag_id: (error.fields or {}).get("note", error.message)},
                               posted={flag_id: note}), 422
    flash(_("The flag on %(name)s is resolved.", name=flag.member.person.name), "success")
    return redirect(url_for("branch_life.flags"))


def home_cards(person, today: date | None = None) -> list[dict]:
    """Home cards for a secretary or committee member: each kind due or overdue in their branches, linking
    straight to the meeting form with the kind and the branch filled in (three queries)."""
    from community.meetings.kinds import kind_of
    from community.roles.models import RoleGrant

    if not getattr(person, "id", None):
        return []
    branches = dict(db.session.execute(select(Branch.id, Branch.name).join(
        RoleGrant, (RoleGrant.scope_id == Branch.id) & (RoleGrant.scope_type == "branch"))
        .where(RoleGrant.person_id == person.id, RoleGrant.role.in_(("secretary", "branch_committee")))
        .order_by(Branch.id).limit(5)).all())
    if not branches:
        return []
    today = today or local_today()
    cards = []
    for branch_id, lines in compliance(list(branches), today).items():
        for line in lines:
            if line["state"] == "done":
                continue
            label = kind_of(line["kind"]).label
            if line["state"] == "overdue":
                title = _("Overdue: %(kind)s", kind=label)
            else:
                title = _("Due by %(date)s: %(kind)s", kind=label, date=format_date(line["next_due_on"], "long"))
            body = _("%(branch)s. Last held %(when)s. Tap to schedule it.", branch=branches[branch_id],
                     when=format_date(line["last_held_on"], "long") if line["last_held_on"] else _("never"))
            cards.append({"title": title, "body": body, "url": schedule_url(branch_id, line["kind"])})
    return cards
