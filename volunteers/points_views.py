"""Pages of points: a person's points (history, a chart and its table), the leaderboards, the scorer's grant
form with the person picker and the quota left, and the street administrator's reversal of an entry."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import db
from community.authz import can, require, scope_ids
from community.confirm import ask, is_confirmed
from community.database import as_local, utcnow, valid_id
from community.errors import DomainError, NotFound
from community.listing import paginate
from community.pages import FormFailure
from community.people.picker import picked_person
from volunteers import grants as G
from volunteers import organisations as O
from volunteers import points_read as R
from volunteers.ledger import CATEGORIES, LedgerEntry, reverse_entry
from volunteers.points_models import Organisation

bp = Blueprint("points", __name__, url_prefix="/points")
PER_PAGE = 20
CATEGORY_LABELS = {
    "volunteer_service": _l("Volunteer service"), "waste_sorting": _l("Waste sorting"),
    "civic_campaign": _l("Civic campaign"), "disaster_relief": _l("Disaster relief"),
    "blood_donation": _l("Blood donation"), "other": _l("Other"),
}
KIND_LABELS = {
    "activity": _l("Activity"), "grant": _l("Grant"), "redemption": _l("Redemption"),
    "correction": _l("Reversal"), "expiry": _l("Expiry"), "quantified": _l("Quantified points"),
}


def _page_arg() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100000)


@bp.route("/")
@login_required
def mine():
    """One's own points page."""
    return redirect(url_for("points.person", person_id=current_user.id))


@bp.route("/people/<int:person_id>")
@login_required
def person(person_id: int):
    """A person's points: balance, hours and stars, points per month (chart and table), the entries."""
    person = R.get_person(current_user, person_id)
    today = as_local(utcnow()).date()
    months = R.months(person.id, today)
    listing = paginate(db.session, R.history_query(person.id), _page_arg(), PER_PAGE,
                       cursor=request.args.get("cursor"), keyset=True)
    entries, total = listing
    chart = {"months": {"labels": [m["month"] for m in months], "values": [m["earned"] for m in months]}}
    return render_template("volunteers/points/person.html", person=person, summary=R.summary(person.id),
                           months=months, entries=entries, total=total, page=_page_arg(),
                           pages=listing.pages, listing=listing, charts=chart, kinds=KIND_LABELS,
                           categories=CATEGORY_LABELS, may_reverse=can(current_user, "points.reverse", person),
                           is_me=person.id == current_user.id)


@bp.route("/leaderboard")
@login_required
def leaderboard():
    """The leaderboard of a community or the street, for this month or this year; others' names masked."""
    now = utcnow()
    local = as_local(now)
    span = request.args.get("span", "month")
    period = f"{local:%Y}" if span == "year" else f"{local:%Y-%m}"
    where = request.args.get("where", "community")
    community = current_user.community
    if community is None:  # an account of no community (an official): no board of its own
        return render_template("volunteers/points/leaderboard.html", board=None, span=span, where=where, page=1,
                               pages=1)
    args = {"street_id": community.street_id} if where == "street" else {"community_id": community.id}
    board = R.leaderboard(current_user, period=period, page=_page_arg(), per_page=PER_PAGE, now=now, **args)
    # The street administrator's export of the street's points for this period (names in full, on the queue).
    export_street = community.street_id if can(current_user, "points.export_summary", community.street) else None
    return render_template("volunteers/points/leaderboard.html", board=board, span=span, where=where,
                           page=_page_arg(), pages=max(1, -(-board.total // PER_PAGE)), export_street=export_street)


# ------------------------------------------------------------------ the scorer
@bp.route("/grant")
@login_required
def scorer():
    """The organisations the scorer grants for, with each one's quota left today (one of them: its form)."""
    require(current_user, "points.grant")
    ids = scope_ids(current_user, "points.grant", "organisation")
    statement = O.organisations_query(current_user, "points.grant")
    organisations = db.session.scalars(statement.limit(100)).all()
    if ids is not None and len(organisations) == 1:
        return redirect(url_for("points.grant_form", organisation_id=organisations[0].id))
    left = O.remaining_by_organisation([o.id for o in organisations], as_local(utcnow()).date())
    return render_template("volunteers/points/scorer.html", organisations=organisations, left=left)


def _grant_page(organisation: Organisation, failure: FormFailure | None = None, status: int = 200):
    today = as_local(utcnow()).date()
    quota = O.current_quota(organisation.id, today)
    recent = db.session.scalars(G.organisation_grants(organisation).limit(10)).all()
    rules = O.rules_of(organisation.community.street_id)
    return render_template("volunteers/points/grant.html", organisation=organisation, quota=quota, recent=recent,
                           categories=CATEGORY_LABELS, failure=failure or FormFailure(), rules=rules), status


@bp.route("/organisations/<int:organisation_id>/grant")
@login_required
def grant_form(organisation_id: int):
    """The grant form: whom (person picker, the organisation's scope only), points, category, reason."""
    return _grant_page(O.get_organisation(current_user, organisation_id, "points.grant"))


@bp.route("/organisations/<int:organisation_id>/grant", methods=["POST"])
@login_required
def grant(organisation_id: int):
    """Grant the points (after the confirmation step), then back to the form with what happened."""
    organisation = O.get_organisation(current_user, organisation_id, "points.grant")
    form = request.form
    try:
        person = picked_person(current_user, form, organisation.authz_scope, "points.grant", "person")
        points = O.whole_points(form.get("points", "").strip() or None, maximum=10_000_000)
        if form.get("category") not in CATEGORIES:
            raise DomainError(_("Choose a category from the catalogue."), fields={"category": _("Choose one.")})
        if not is_confirmed():
            return ask(_("Grant points"), ngettext("Grant %(num)d point to %(name)s (%(category)s) from %(org)s?",
                                                    "Grant %(num)d points to %(name)s (%(category)s) from %(org)s?",
                                                    points, name=person.name, org=organisation.name,
                                                    category=CATEGORY_LABELS[form["category"]]),
                       _("Grant the points"), url_for("points.grant_form", organisation_id=organisation.id),
                       danger=False, undoable=True)
        G.make_grant(current_user, organisation, person, points, form["category"], form.get("reason", ""))
    except DomainError as refused:
        if refused.status == 404:
            raise
        db.session.rollback()
        failure = FormFailure("grant", refused, form)
        failure.attach("points", ("person", "points", "category", "reason"))
        return _grant_page(organisation, failure, refused.status if refused.status != 403 else 422)
    flash(ngettext("%(name)s received %(num)d point.", "%(name)s received %(num)d points.", points,
                   name=person.name), "success")
    return redirect(url_for("points.grant_form", organisation_id=organisation.id))


# ------------------------------------------------------------------ the street administrator's reversal
@bp.route("/entries/<int:entry_id>/reverse", methods=["POST"])
@login_required
def reverse(entry_id: int):
    """Reverse an entry with a reason (after the confirmation step): a correcting entry, never an edit."""
    require(current_user, "points.reverse")
    entry = db.session.get(LedgerEntry, entry_id) if valid_id(entry_id) else None
    if entry is None or not can(current_user, "points.reverse", entry):
        raise NotFound(_("The ledger entry was not found."))
    back = url_for("points.person", person_id=entry.person_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Say why the entry is reversed."), "danger")
        return redirect(back)
    if not is_confirmed():
        return ask(_("Reverse an entry"), ngettext("Post a reversing entry of %(num)d point (%(reason)s)?",
                                                    "Post a reversing entry of %(num)d points (%(reason)s)?",
                                                    -entry.amount, reason=reason), _("Reverse the entry"), back)
    try:
        reverse_entry(current_user, entry.id, reason)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        flash(refused.message, "danger")
        return redirect(back)
    flash(ngettext("The entry was reversed: %(num)d point.", "The entry was reversed: %(num)d points.",
                   -entry.amount), "success")
    return redirect(back)


def home_cards(person) -> list[dict]:
    """The home page's card: one's points and stars."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    from volunteers.ledger import PointsAccount

    if db.session.get(PointsAccount, person.id) is None:  # no points yet: no card
        return []
    found = R.summary(person.id)
    return [{"title": _("My points"), "body": _("Points: %(points)s · hours: %(hours)s · stars: %(stars)s",
                                                points=found["balance"], hours=found["hours"], stars=found["stars"]),
             "url": url_for("points.person", person_id=person.id)}]
