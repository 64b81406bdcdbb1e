"""Kiosk mode (自助一体机) for the street's 24-hour self-service machines.

Sign-in by scanning a personal code (a signed code on the person's own page `/kiosk/my-code`, good for
KIOSK_PERSONAL_CODE_SECONDS and once: `kiosk_code_use` is unique on its nonce) or by phone and password (the same
throttled check as the sign-in page). A kiosk session is marked in the session cookie and ends after
KIOSK_IDLE_SECONDS (default 60) without a request, on the server (before every request) as well as in the
browser (static/js/kiosk.js posts the sign-out and replaces the history entry). Every answer is `no-store`
already (community/security_headers.py); the welcome page clears its form when shown again.

Other parts add their buttons to the kiosk's menu with `kiosk_link(app, label, endpoint, icon)` (the
redemptions and certificates of the volunteers package do); a link whose endpoint does not exist is left out.
"""
from __future__ import annotations

import secrets
import time

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app import db, limiter
from community.database import UTCDateTime, unit_of_work, utcnow
from community.people.models import Person

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
KEY, SEEN = "kiosk", "kiosk_seen"
LINKS = "tongxin.kiosk_links"


class KioskCodeUse(db.Model):
    """A personal kiosk code that signed someone in: each code signs in once."""

    __tablename__ = "kiosk_code_use"
    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    used_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


def idle_seconds() -> int:
    return int(current_app.config.get("KIOSK_IDLE_SECONDS", 60))


def code_seconds() -> int:
    return int(current_app.config.get("KIOSK_PERSONAL_CODE_SECONDS", 120))


def kiosk_link(app, label, endpoint: str, icon: str = "bi-box-arrow-in-right") -> None:
    """Add a button to the kiosk's menu (e.g. the redemption catalogue, the volunteer certificates)."""
    app.extensions.setdefault(LINKS, []).append((label, endpoint, icon))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tongxin.kiosk.personal-code")


def personal_code(person) -> str:
    """A signed, short-lived code naming the person, for their phone's screen."""
    return _serializer().dumps({"p": person.id, "n": secrets.token_hex(8)})


def person_for_code(text: str) -> tuple[Person | None, str]:
    """The person a scanned code names, once; (None, reason) for an expired, forged or used code."""
    try:
        data = _serializer().loads((text or "").strip()[:300], max_age=code_seconds())
    except SignatureExpired:
        return None, _("This code has expired. Open your code on your phone again.")
    except BadSignature:
        return None, _("This is not a personal code. Open your code on your phone (My code) and scan it.")
    person = db.session.get(Person, data.get("p")) if isinstance(data, dict) and isinstance(data.get("p"), int) \
        else None
    if person is None or not person.is_active:
        return None, _("This is not a personal code. Open your code on your phone (My code) and scan it.")
    try:
        with unit_of_work():
            db.session.add(KioskCodeUse(nonce=str(data.get("n"))[:32], person_id=person.id))
    except IntegrityError:
        return None, _("This code was already used. Open your code on your phone again.")
    return person, ""


def _start(person) -> None:
    from community.accounts.views import sign_in

    with unit_of_work():
        sign_in(person)
    session[KEY], session[SEEN] = True, time.time()


def end_kiosk_session() -> None:
    """Sign the kiosk's person out on the server and forget everything of them in the cookie."""
    from community.accounts.services import end_session
    from community.accounts.views import SESSION_KEY

    end_session(session.pop(SESSION_KEY, None))
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _idle_check():
    """Before every request of a kiosk session: sign out after KIOSK_IDLE_SECONDS without a request."""
    if not session.get(KEY) or request.endpoint == "static":
        return None
    if time.time() - float(session.get(SEEN) or 0) > idle_seconds():
        end_kiosk_session()
        flash(_("Signed out after a minute without use."), "info")
        return redirect(url_for("kiosk.welcome"))
    session[SEEN] = time.time()
    return None


def links() -> list[tuple]:
    """The kiosk menu's buttons whose pages exist in this app."""
    return [link for link in current_app.extensions.get(LINKS, []) if link[1] in current_app.view_functions]


@bp.route("/")
def welcome():
    """The kiosk's resting screen: scan your personal code, or phone and password."""
    if current_user.is_authenticated and session.get(KEY):
        return redirect(url_for("kiosk.home"))
    return render_template("volunteers/kiosk/welcome.html", error=request.args.get("error"))


@bp.route("/scan", methods=["POST"])
@limiter.limit("30 per minute")
def scan():
    """Sign in with a scanned personal code."""
    person, reason = person_for_code(request.form.get("code", ""))
    if person is None:
        return render_template("volunteers/kiosk/welcome.html", error=reason), 422
    if current_user.is_authenticated:  # whoever was signed in here is signed out first
        end_kiosk_session()
    _start(person)
    return redirect(url_for("kiosk.home"))


@bp.route("/password", methods=["POST"])
@limiter.limit("30 per minute")
def password():
    """Sign in with phone and password (the sign-in page's throttled check)."""
    from community.accounts.services import authenticate
    from community.accounts.throttle import TooManyAttempts

    try:
        person = authenticate(request.form.get("phone", "")[:30], request.form.get("password", "")[:200])
    except TooManyAttempts as error:
        return render_template("volunteers/kiosk/welcome.html", error=error.message, by_password=True), 429
    if person is None:
        return render_template("volunteers/kiosk/welcome.html", error=_("Wrong phone number or password."),
                               by_password=True), 422
    if current_user.is_authenticated:
        end_kiosk_session()
    _start(person)
    return redirect(url_for("kiosk.home"))


@bp.route("/home")
@login_required
def home():
    """The signed-in person's kiosk menu: large buttons to what they can do here."""
    return render_template("volunteers/kiosk/home.html", links=links(), kiosk=bool(session.get(KEY)))


@bp.route("/signout", methods=["POST"])
def signout():
    """Sign out of the kiosk (the button, or kiosk.js when idle) and back to the welcome screen."""
    end_kiosk_session()
    return redirect(url_for("kiosk.welcome"))


@bp.route("/my-code")
@login_required
def my_code():
    """The person's own page: a personal code for the kiosk's scanner, renewed by itself."""
    from volunteers.checkin_views import qr_data_uri

    code = personal_code(current_user)
    return render_template("volunteers/kiosk/my_code.html", code=code, qr=qr_data_uri(code),
                           seconds=code_seconds(), refresh=max(10, code_seconds() // 2))


@bp.route("/my-code.json")
@login_required
def my_code_json():
    """A fresh personal code for the page to show (nothing is stored until a kiosk reads it)."""
    from volunteers.checkin_views import qr_data_uri

    code = personal_code(current_user)
    return jsonify({"code": code, "qr": qr_data_uri(code), "seconds": code_seconds()})


def _kiosk_script() -> dict:
    """On every page of a kiosk session: static/js/kiosk.js, which signs out when idle."""
    if not session.get(KEY):
        return {}
    return {"extra_scripts": [{"src": url_for("static", filename="js/kiosk.js"), "data": {
        "idle": idle_seconds(), "signout": url_for("kiosk.signout"), "welcome": url_for("kiosk.welcome")}}]}


def register(reg) -> None:
    """The kiosk's pages, its idle check, and its own menu buttons."""
    app = reg.app
    reg.blueprint(bp)
    app.before_request(_idle_check)
    app.context_processor(_kiosk_script)
    kiosk_link(app, _l("My points"), "points.mine", "bi-check-circle")  # the points part's page
    kiosk_link(app, _l("Volunteer activities"), "activities.index", "bi-calendar-event")
    kiosk_link(app, _l("Declare service"), "activities.declare", "bi-pencil-square")
    # The uses of points (branch `uses`): shown once their pages are in the app, until then left out.
    kiosk_link(app, _l("Redeem points"), "volunteer_uses.redeem", "bi-check2-square")
    kiosk_link(app, _l("School places and housing by points"), "volunteer_allocations.index", "bi-people")
    kiosk_link(app, _l("My volunteer certificates"), "volunteer_certificates.mine", "bi-person-vcard")
    reg.menu_link(_l("My kiosk code"), "kiosk.my_code")
