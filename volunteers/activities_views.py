"""Pages of the activities: browse and sign up on a phone, create one, an activity's page with its roster,
self-declared service and the organiser's list of declarations waiting. Post/redirect/get everywhere; a refused
form is shown again with its error beside the field."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from community.authz import can, require, scope_condition
from community.database import utcnow
from community.errors import DomainError
from community.listing import paginate
from community.pages import redirect_to_section
from community.places.models import Community
from community.text_input import text_checked_by
from volunteers import activities_confirm as C
from volunteers import activities_services as S
from volunteers.activities import Signup
from volunteers.activities_forms import ActivityForm, DeclarationForm, category_choices

bp = Blueprint("activities", __name__, url_prefix="/activities")
PER_PAGE = 30


def _errors_to(form, error: DomainError) -> None:
    """A service's field errors beside the form's fields; a rule naming no field beside the first one."""
    if error.status in (403, 404):
        raise error
    placed = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None) or (getattr(form, "points", None) if name.startswith("points") else None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*(field.errors or []), message]
            placed = True
    if not placed:
        first = next(iter(form))
        first.errors = [*(first.errors or []), error.message]


def _communities(actor, action: str) -> list[tuple[int, str]]:
    statement = select(Community.id, Community.name).order_by(Community.id).limit(200)
    condition = scope_condition(actor, action, "community", Community.id)
    if condition is not None:
        statement = statement.where(condition)
    return [tuple(row) for row in db.session.execute(statement)]


@bp.route("/")
@login_required
def index():
    """Upcoming activities (or past ones), soonest first, with the reader's own sign-ups marked."""
    when = "past" if request.args.get("when") == "past" else "upcoming"
    page = request.args.get("page", 1, type=int) or 1
    listing = paginate(db.session, S.activities_query(when=when), page, PER_PAGE)
    rows, total = listing
    names = dict(db.session.execute(select(Community.id, Community.name).where(
        Community.id.in_({a.community_id for a in rows} or {-1}))).all())
    mine = S.my_signups(current_user.id)
    return render_template("volunteers/activities/index.html", activities=rows, names=names, mine=mine, when=when,
                           page=page, pages=listing.pages, listing=listing, total=total,
                           may_create=can(current_user, "activity.create"),
                           may_confirm=can(current_user, "declaration.confirm"))


@bp.route("/organised")
@login_required
def organised():
    """The activities the reader organises (or administers), newest first."""
    require(current_user, "activity.manage")
    page = request.args.get("page", 1, type=int) or 1
    listing = paginate(db.session, S.managed_query(current_user), page, PER_PAGE)
    rows, total = listing
    names = dict(db.session.execute(select(Community.id, Community.name).where(
        Community.id.in_({a.community_id for a in rows} or {-1}))).all())
    return render_template("volunteers/activities/organised.html", activities=rows, names=names, page=page,
                           pages=listing.pages, listing=listing, total=total)


@bp.route("/new", methods=["GET", "POST"])
@text_checked_by(ActivityForm)
@login_required
def create():
    """Create an activity in a community where the reader organises."""
    require(current_user, "activity.create")
    form = ActivityForm()
    form.community_id.choices = _communities(current_user, "activity.create")
    form.category.choices = category_choices()
    if form.validate_on_submit():
        try:
            activity = S.create_activity(current_user, form.community_id.data, form.data_for_service())
        except DomainError as error:
            _errors_to(form, error)
        else:
            flash(_("The activity is open for sign-up."), "success")
            return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("volunteers/activities/form.html", form=form), 400 if form.errors else 200


@bp.route("/<int:activity_id>")
@login_required
def detail(activity_id: int):
    """An activity: when, where, places left, one's own sign-up; for its organisers the roster and confirmation."""
    activity = S.get_activity(activity_id)
    mine = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                  Signup.person_id == current_user.id))
    manager = can(current_user, "activity.manage", activity)
    community = db.session.get(Community, activity.community_id)
    from volunteers.activities_changes import changes

    return render_template("volunteers/activities/detail.html", activity=activity, mine=mine, manager=manager,
                           roster=S.roster(activity) if manager else [], community=community, now=utcnow(),
                           changes=changes(activity))


@bp.route("/<int:activity_id>/signup", methods=["POST"])
@login_required
def signup(activity_id: int):
    """Sign up: a place while there is one, else the waiting list."""
    activity = S.get_activity(activity_id)
    url = url_for("activities.detail", activity_id=activity.id)
    try:
        made = S.sign_up(current_user, activity)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
        return redirect_to_section(url, "signup")
    flash(_("You have a place. A reminder comes the day before.") if made.state == "signed_up"
          else _("The activity is full: you are on the waiting list and will be told if a place comes free."),
          "success")
    return redirect_to_section(url, "signup")


@bp.route("/<int:activity_id>/cancel", methods=["POST"])
@login_required
def cancel(activity_id: int):
    """Cancel one's own sign-up (or, for an organiser, someone's: `signup_id`)."""
    activity = S.get_activity(activity_id)
    url = url_for("activities.detail", activity_id=activity.id)
    signup_id = request.form.get("signup_id", type=int)
    if signup_id:
        found = S.get_signup(signup_id)
        if found.activity_id != activity.id:
            abort(404)
    else:
        found = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                       Signup.person_id == current_user.id))
        if found is None:
            flash(_("You have not signed up for this activity."), "danger")
            return redirect_to_section(url, "signup")
    try:
        S.cancel_signup(current_user, found)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(_("The sign-up is cancelled."), "success")
    return redirect_to_section(url, "roster" if signup_id else "signup")


@bp.route("/declare", methods=["GET", "POST"])
@text_checked_by(DeclarationForm)
@login_required
def declare():
    """Declare service one did; it counts once an organiser of one's community confirms it."""
    form = DeclarationForm()
    form.category.choices = category_choices()
    form.organisation_id.choices = [(0, _("My community's organisers"))] + C.organisation_choices(current_user)
    if form.validate_on_submit():
        try:
            C.declare(current_user, {"content": form.content.data, "category": form.category.data,
                                     "place": form.place.data, "served_on": form.served_on.data,
                                     "hours": form.hours.data, "organisation_id": form.organisation_id.data or None})
        except DomainError as error:
            _errors_to(form, error)
        else:
            flash(_("Declared. It counts once an organiser of your community confirms it."), "success")
            return redirect(url_for("activities.index"))
    return render_template("volunteers/activities/declare.html", form=form), 400 if form.errors else 200


@bp.route("/declarations")
@login_required
def declarations():
    """Declarations waiting in the communities where the reader confirms service."""
    require(current_user, "declaration.confirm")
    page = request.args.get("page", 1, type=int) or 1
    from sqlalchemy.orm import joinedload

    from volunteers.activities import Declaration

    listing = paginate(db.session, C.pending_declarations(current_user).options(
        joinedload(Declaration.person)), page, PER_PAGE)
    rows, total = listing
    return render_template("volunteers/activities/declarations.html", declarations=rows, page=page,
                           pages=listing.pages, listing=listing, total=total)


@bp.route("/declarations/<int:declaration_id>", methods=["POST"])
@login_required
def decide(declaration_id: int):
    """Confirm a declaration with its points, or reject it."""
    declaration = C.get_declaration(declaration_id)
    accept = request.form.get("decision") == "confirm"
    try:
        points = int(request.form.get("points") or 0)
    except ValueError:
        points = -1
    try:
        C.decide_declaration(current_user, declaration, accept=accept, points=points,
                             note=request.form.get("note", ""))
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(_("Confirmed: the points are posted.") if accept else _("Rejected."), "success")
    return redirect(url_for("activities.declarations"))
