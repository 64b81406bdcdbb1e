"""The home page per role, the language switch, and the forced password change."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app import LANGUAGES, db
from community.accounts.forms import LoginForm
from community.authz import can, grants_of, scope_ids
from community.people.models import Person
from community.registry import registry
from community.safe_urls import safe_next

bp = Blueprint("home", __name__)


@bp.before_app_request
def _force_password_change():
    """Someone holding a one-time password sets their own before anything else."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("accounts.change_password", "accounts.logout", "home.language", "static")
            and not request.path.startswith("/api/")):
        return redirect(url_for("accounts.change_password"))
    return None


def _admin_panel(person) -> dict | None:
    """Counts for administrators: people and migrants in the communities they manage."""
    if not can(person, "person.list"):
        return None
    ids = scope_ids(person, "person.list", "community")
    statement = select(func.count(Person.id), func.count(Person.id).filter(Person.is_migrant))
    if ids is not None:
        statement = statement.where(Person.community_id.in_(ids or [-1]))
    total, migrants = db.session.execute(statement).one()
    return {"total": total, "migrants": migrants, "locals": total - migrants,
            "communities": None if ids is None else len(ids)}


@bp.route("/")
def index():
    """What this person has to do today, by role; a visitor gets the sign-in form here, with no redirect."""
    if not current_user.is_authenticated:  # a redirect to /login costs a phone a whole round trip
        return render_template("accounts/login.html", form=LoginForm())
    panels = [panel for cards in registry().home_cards for panel in cards(current_user)]
    return render_template("home.html", grants=grants_of(current_user), admin=_admin_panel(current_user),
                           panels=panels)


@bp.route("/language/<code>", methods=["POST"])
def language(code: str):
    """Switch between Chinese and English."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.form.get("next") or request.args.get("next")))


@bp.route("/healthz")
def healthz():
    """For load balancers: the app answers and the database is reachable."""
    db.session.execute(select(1))
    return {"status": "ok", "message": _("OK")}
