"""Signing in, passwords and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app import db
from community.accounts import throttle
from community.accounts.models import ApiToken, SignInSession
from community.audit.services import record
from community.authz import require
from community.database import transactional, unit_of_work, utcnow
from community.errors import Invalid
from community.people.identity import normalise_phone
from community.people.models import Person

_hasher = PasswordHasher()
# Verifying against this keeps the time of a wrong phone number like that of a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords (common_passwords.txt beside this file), lower-cased."""
    lines = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, phone: str | None = None, current: str | None = None) -> str | None:
    """Why a new password is too weak, or None: every path that sets a password asks this."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return _("A password needs at least %(n)d characters.", n=MIN_PASSWORD)
    if len(password) > 128:
        return _("A password may have at most 128 characters.")
    if password.isdigit() or password.isalpha():
        return _("A password needs both letters and digits.")
    if password.lower() in common_passwords():
        return _("This password is among the most common ones; choose another.")
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits and digits in password:
        return _("A password must not contain the phone number.")
    if current and password == current:
        return _("The new password must differ from the current one.")
    return None


def check_password(person: Person | None, password: str) -> bool:
    """True when the password matches; rehashes when the parameters changed."""
    stored = person.password_hash if person and person.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return False
    if person is None or not person.password_hash:
        return False
    if _hasher.check_needs_rehash(stored):
        person.password_hash = _hasher.hash(password)
    return True


def authenticate(phone: str, password: str, now: datetime | None = None) -> Person | None:
    """The active person with this phone and password, or None; records the attempt.

    Raises TooManyAttempts while the number is locked, or when this wrong guess locks it (throttle.py): every
    guess is counted per submitted number before its password is checked, registered or not."""
    phone = normalise_phone(phone)
    wait = throttle.claim_attempt(phone, now or utcnow())  # committed at once, in a unit of work of its own
    with unit_of_work():
        person = db.session.scalar(select(Person).where(Person.phone == phone))
        signed_in = check_password(person, password) and person.is_active
        if signed_in:
            throttle.forget(phone)
            person.last_login_at = utcnow()
            record(person, "account.login", person)
        else:
            # Nobody is signed in: the attempt is logged against the account it named, with no actor.
            record(None, "account.login_failed", person, object_type="person", summary=phone[:3] + "****")
    if signed_in:
        return person
    if wait:
        raise throttle.TooManyAttempts(wait)
    return None


def change_password(person: Person, current: str, new: str, now: datetime | None = None) -> None:
    """A person changes their own password, knowing the current one.

    A guess at the current password counts against the number like a sign-in guess (throttle.py), so a
    stolen session or token cannot guess it at speed and take the account over."""
    try:
        wait = throttle.claim_attempt(person.phone, now or utcnow())  # committed at once, in a unit of its own
        with unit_of_work():
            if not check_password(person, current):
                if wait:  # this wrong guess locks the number
                    raise throttle.TooManyAttempts(wait)
                raise Invalid(_("The current password is wrong."),
                              fields={"current_password": _("The current password is wrong.")})
            problem = password_problem(new, person.phone, current)
            if problem:
                raise Invalid(problem, fields={"new_password": problem})
            throttle.forget(person.phone)
            person.password_hash = hash_password(new)
            person.must_change_password = False
            end_all_sessions(person)  # every other browser and every token; the caller starts a fresh one
            record(person, "account.password_changed", person)
    except throttle.TooManyAttempts as error:  # locked before or by this guess: say when, beside the field asked
        error.fields = {"current_password": error.message}
        raise


@transactional
def reset_password(actor: Person, person: Person, new: str | None = None) -> str:
    """An administrator sets a new password (random when none given); the person must change it."""
    require(actor, "person.reset_password", person)
    new = new or generate_password()
    problem = password_problem(new, person.phone)
    if problem:
        raise Invalid(problem, fields={"password": problem})
    person.password_hash = hash_password(new)
    person.must_change_password = True
    end_all_sessions(person)
    record(actor, "account.password_reset", person, summary=person.name)
    return new


def generate_password() -> str:
    """A readable one-time password with letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(5)) + "".join(secrets.choice("23456789") for _ in range(4))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def issue_token(person: Person) -> tuple[str, ApiToken]:
    """A new bearer token; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(person_id=person.id, digest=_digest(token),
                   expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(row)
    record(person, "account.token_issued", person)
    return token, row


def person_for_token(token: str) -> tuple[Person, ApiToken] | None:
    """The person behind a live token, or None (one indexed query: the token joined to its person)."""
    found = db.session.execute(
        select(Person, ApiToken).join(ApiToken, ApiToken.person_id == Person.id)
        .where(ApiToken.digest == _digest(token or ""), ApiToken.revoked_at.is_(None))).first()
    if found is None or found[1].expires_at <= utcnow() or not found[0].is_active:
        return None
    return found[0], found[1]


@transactional
def revoke_token(row: ApiToken) -> None:
    """Revoke one token."""
    row.revoked_at = utcnow()
    record(row.person, "account.token_revoked", row.person)


def revoke_all_tokens(person: Person) -> None:
    """Revoke every live token of a person."""
    db.session.execute(update(ApiToken).where(ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


@transactional
def start_session(person: Person) -> str:
    """Record a new signed-in browser; the returned key goes into its (signed) session cookie."""
    key = secrets.token_urlsafe(32)
    db.session.add(SignInSession(person_id=person.id, digest=_digest(key)))
    return key


def person_for_session(person_id: str, key: str | None) -> Person | None:
    """The active person whose live sign-in session this cookie names (one indexed query), or None."""
    if not key or not person_id.isascii() or not person_id.isdigit() or len(person_id) > 10:
        return None
    return db.session.scalar(
        select(Person).join(SignInSession, SignInSession.person_id == Person.id)
        .where(SignInSession.digest == _digest(key), SignInSession.revoked_at.is_(None),
               Person.id == int(person_id), Person.is_active_account.is_(True)))


@transactional
def end_session(key: str | None) -> None:
    """Sign one browser out on the server: its cookie, even copied, no longer signs anyone in."""
    if key:
        db.session.execute(update(SignInSession).where(SignInSession.digest == _digest(key))
                           .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def end_all_sessions(person: Person) -> None:
    """End every signed-in browser and API token of a person (password change, reset, deactivation)."""
    revoke_all_tokens(person)
    db.session.execute(update(SignInSession).where(SignInSession.person_id == person.id,
                                                   SignInSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
