"""Signing in, passwords and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import db
from community.accounts.models import ApiToken
from community.audit.services import record
from community.authz import require
from community.database import utcnow
from community.errors import Invalid
from community.people.models import Person

_hasher = PasswordHasher()
# Verifying against this keeps the time of a wrong phone number like that of a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is too weak, or None."""
    if len(password or "") < MIN_PASSWORD:
        return _("A password needs at least %(n)d characters.", n=MIN_PASSWORD)
    if len(password) > 128:
        return _("A password may have at most 128 characters.")
    if password.isdigit() or password.isalpha():
        return _("A password needs both letters and digits.")
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


def authenticate(phone: str, password: str) -> Person | None:
    """The active person with this phone and password, or None; records the attempt."""
    person = db.session.scalar(select(Person).where(Person.phone == (phone or "").strip()))
    if not check_password(person, password) or not person.is_active:
        # Nobody is signed in: the attempt is logged against the account it named, with no actor.
        record(None, "account.login_failed", person, object_type="person",
               summary=(phone or "")[:3] + "****", commit=True)
        return None
    person.last_login_at = utcnow()
    record(person, "account.login", person, commit=True)
    return person


def change_password(person: Person, current: str, new: str) -> None:
    """A person changes their own password, knowing the current one."""
    if not check_password(person, current):
        raise Invalid(_("The current password is wrong."), fields={"current_password": _("Wrong password")})
    problem = password_problem(new)
    if problem:
        raise Invalid(problem, fields={"new_password": problem})
    person.password_hash = hash_password(new)
    person.must_change_password = False
    record(person, "account.password_changed", person)
    db.session.commit()


def reset_password(actor: Person, person: Person, new: str | None = None) -> str:
    """An administrator sets a new password (random when none given); the person must change it."""
    require(actor, "person.reset_password", person)
    new = new or generate_password()
    problem = password_problem(new)
    if problem:
        raise Invalid(problem, fields={"password": problem})
    person.password_hash = hash_password(new)
    person.must_change_password = True
    revoke_all_tokens(person)
    record(actor, "account.password_reset", person, summary=person.name)
    db.session.commit()
    return new


def generate_password() -> str:
    """A readable one-time password with letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(5)) + "".join(secrets.choice("23456789") for _ in range(4))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person: Person) -> tuple[str, ApiToken]:
    """A new bearer token; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(person_id=person.id, digest=_digest(token),
                   expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(row)
    record(person, "account.token_issued", person)
    db.session.commit()
    return token, row


def person_for_token(token: str) -> tuple[Person, ApiToken] | None:
    """The person behind a live token, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token or "")))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.person.is_active:
        return None
    return row.person, row


def revoke_token(row: ApiToken) -> None:
    """Revoke one token."""
    row.revoked_at = utcnow()
    record(row.person, "account.token_revoked", row.person)
    db.session.commit()


def revoke_all_tokens(person: Person) -> None:
    """Revoke every live token of a person (after a password reset)."""
    for row in db.session.scalars(select(ApiToken).where(ApiToken.person_id == person.id,
                                                         ApiToken.revoked_at.is_(None))):
        row.revoked_at = utcnow()
