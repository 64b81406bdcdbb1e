"""Pages to sign in, sign out and change one's password."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app import limiter
from community.accounts import services
from community.accounts.forms import ChangePasswordForm, LoginForm
from community.accounts.throttle import TooManyAttempts, address_limit
from community.errors import DomainError
from community.safe_urls import safe_next
from community.text_input import text_checked_by

bp = Blueprint("accounts", __name__)
SESSION_KEY = "sid"  # the random key of this browser's server-side sign-in session


def sign_in(person) -> None:
    """Start a server-side session for this browser and sign the person in."""
    language = session.get("lang")
    session.clear()  # nothing from before signing in carries over
    if language:
        session["lang"] = language
    session[SESSION_KEY] = services.start_session(person)
    login_user(person)


@bp.route("/login", methods=["GET", "POST"])
@text_checked_by(LoginForm)
@limiter.limit(address_limit, methods=["POST"])  # high enough for a polling station; guesses count per number
def login():
    """Sign in with phone number and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            person = services.authenticate(form.phone.data, form.password.data)
        except TooManyAttempts as error:
            form.password.errors.append(error.message)
            response = make_response(render_template("accounts/login.html", form=form), 429)
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        if person is None:
            flash(_("Wrong phone number or password."), "danger")
        else:
            sign_in(person)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, also on the server: a copy of this browser's cookie no longer works."""
    services.end_session(session.pop(SESSION_KEY, None))
    logout_user()
    language = session.get("lang")
    session.clear()  # nothing of this person stays in the cookie (the ballot receipts kept in it included)
    if language:
        session["lang"] = language
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@text_checked_by(ChangePasswordForm)
@login_required
def change_password():
    """Change one's own password (required after an administrator's reset); other sessions end."""
    form = ChangePasswordForm()
    if current_user.must_change_password:  # the first sign-in: what they hold is the administrator's password
        form.current_password.label.text = _("One-time password")
        form.current_password.description = _("The temporary password your administrator gave you.")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            placed = [field for field in error.fields if field in form]
            for field in placed:
                form[field].errors.append(error.fields[field])
            if not placed:  # said once: beside its field, or on top when it belongs to no field
                flash(error.message, "danger")
        else:
            sign_in(current_user._get_current_object())  # this browser stays signed in, with a new session
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form)
