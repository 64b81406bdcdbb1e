"""Check-in and check-out (签到签退): a signed, short-lived code on the organiser's screen, or the hand roster.

A code reads `<activity id>-<issue time, hex>-<MAC>`: the MAC is an HMAC-SHA256 (a key derived from the app's
SECRET_KEY) of the activity and the issue time, cut to 8 base-32 characters (40 bits; a code lives seconds).
The organiser's page asks for a fresh one every few seconds; a code is good for VOLUNTEER_CHECKIN_CODE_SECONDS
(default 30) after its issue, and once per volunteer (`activity_code_use` is unique on activity, person and
issue time), so an old, replayed or forged code is refused. A volunteer's first good code checks in, the next
(a later code) checks out; the check-in row is unique per activity and person, so fifty simultaneous scans by
one volunteer leave one check-in.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import db
from community.audit.services import record
from community.authz import require
from community.database import parse_local, transactional, utcnow
from community.errors import Conflict, DomainError, Invalid
from volunteers.activities import Activity, Checkin, CheckinCodeUse, Signup

DEFAULT_SECONDS = 30
EARLY = timedelta(hours=1)      # check-in opens an hour before the start …
LATE = timedelta(hours=3)       # … and check-out closes three hours after the end
SOON = timedelta(minutes=5)     # a scan within 5 minutes of the check-in is a double tap, not a check-out
CODE = re.compile(r"^(\d{1,10})-([0-9A-F]{1,10})-([A-Z2-7]{8})$")


def code_seconds() -> int:
    """How long a code is good for (the setting VOLUNTEER_CHECKIN_CODE_SECONDS, at most a minute)."""
    return max(5, min(60, int(current_app.config.get("VOLUNTEER_CHECKIN_CODE_SECONDS", DEFAULT_SECONDS))))


def _mac(activity_id: int, issued: int) -> str:
    key = hashlib.sha256(b"tongxin.volunteers.checkin:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    digest = hmac.new(key, f"{activity_id}:{issued}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def make_code(activity_id: int, issued: int) -> str:
    """The code of an activity issued at `issued` (seconds since 1970)."""
    return f"{activity_id}-{issued:X}-{_mac(activity_id, issued)}"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime
    seconds: int


def issue_code(actor, activity: Activity, *, now: datetime | None = None) -> IssuedCode:
    """A fresh code for the organiser's screen (nothing is written: the code carries its own proof)."""
    require(actor, "activity.manage", activity)
    if activity.status != "open":
        raise DomainError(_("This activity was cancelled."), code="cancelled")
    issued = int((now or utcnow()).timestamp())
    seconds = code_seconds()
    return IssuedCode(make_code(activity.id, issued), datetime.fromtimestamp(issued + seconds, UTC), seconds)


@dataclass(frozen=True)
class ReadCode:
    activity_id: int
    issued: int


def read_code(text, now: datetime, activity_id: int | None = None) -> ReadCode:
    """Check a typed or scanned code: well formed, signed by us, not expired, for `activity_id` when given."""
    value = (text or "").strip().upper().replace(" ", "") if isinstance(text, str) else ""
    if "CODE=" in value:  # the whole address scanned from the QR code
        value = value.rsplit("CODE=", 1)[1].split("&", 1)[0]
    found = CODE.match(value)
    if not found:
        message = _("This is not a check-in code. Type it as shown under the QR code.")
        raise Invalid(message, code="bad_code", fields={"code": message})
    activity, issued, mac = int(found[1]), int(found[2], 16), found[3]
    if not hmac.compare_digest(mac, _mac(activity, issued)):
        message = _("This code is not valid. Scan the code on the organiser's screen again.")
        raise DomainError(message, code="forged_code", fields={"code": message})
    age = now.timestamp() - issued
    if age > code_seconds() or age < -5:
        message = _("This code has expired. Scan the code on the organiser's screen again.")
        raise DomainError(message, code="expired_code", fields={"code": message})
    if activity_id is not None and activity != activity_id:
        message = _("This code belongs to another activity.")
        raise DomainError(message, code="wrong_activity", fields={"code": message})
    return ReadCode(activity, issued)


def _signed_up(activity: Activity, person_id: int) -> None:
    state = db.session.scalar(select(Signup.state).where(Signup.activity_id == activity.id,
                                                         Signup.person_id == person_id))
    if state == "waiting":
        raise DomainError(_("You are on the waiting list: only volunteers with a place check in."), code="waiting")
    if state != "signed_up":
        raise DomainError(_("Sign up for the activity first."), code="not_signed_up")


@dataclass(frozen=True)
class Scan:
    checkin: Checkin
    action: str  # "in" | "out"


@transactional
def scan(actor, text, *, activity_id: int | None = None, now: datetime | None = None) -> Scan:
    """A volunteer's scan of the organiser's code: the first checks in, the next (a later code) checks out."""
    now = now or utcnow()
    code = read_code(text, now, activity_id)  # no lookup yet: a good code names an activity we signed
    activity = db.session.get(Activity, code.activity_id)
    if activity is None or activity.status != "open":
        raise DomainError(_("This activity was cancelled."), code="cancelled")
    from volunteers.activities_services import OwnSignup

    require(actor, "activity.check_in", OwnSignup(actor.id, activity.community_id))
    _signed_up(activity, actor.id)
    if now < activity.starts_at - EARLY:
        raise DomainError(_("Check-in opens an hour before the start."), code="too_early")
    try:
        with db.session.begin_nested():  # a code once per person: a replay (or a double tap) stops here
            db.session.add(CheckinCodeUse(activity_id=activity.id, person_id=actor.id, issued=code.issued,
                                          used_at=now))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This code was already used. Wait for the next code on the organiser's screen."),
                       code="replayed_code", fields={"code": "replayed"}) from None
    checkin = db.session.scalar(select(Checkin).where(Checkin.activity_id == activity.id,
                                                      Checkin.person_id == actor.id))
    if checkin is None:
        if now > activity.ends_at:
            raise DomainError(_("The activity is over: ask the organiser to record your attendance."),
                              code="too_late")
        try:
            with db.session.begin_nested():
                checkin = Checkin(activity_id=activity.id, person_id=actor.id, checked_in_at=now, method="code")
                db.session.add(checkin)
                db.session.flush()
        except IntegrityError:
            raise Conflict(_("You are already checked in."), code="already_checked_in") from None
        record(actor, "activity.check_in", activity, summary=actor.name)
        return Scan(checkin, "in")
    _check_out_allowed(activity, checkin, now)
    checkin.checked_out_at = now
    db.session.flush()
    record(actor, "activity.check_out", activity, summary=actor.name)
    return Scan(checkin, "out")


def _check_out_allowed(activity: Activity, checkin: Checkin, now: datetime) -> None:
    if checkin.checked_out_at is not None:
        raise Conflict(_("You have already checked out."), code="already_checked_out")
    if checkin.posted_at is not None:
        raise Conflict(_("The roster is confirmed: ask the organiser."), code="confirmed")
    if now <= checkin.checked_in_at:
        raise DomainError(_("A check-out must come after the check-in."), code="out_before_in")
    if now < checkin.checked_in_at + SOON:
        raise DomainError(_("You have just checked in. Scan again when you leave."), code="just_checked_in")
    if now > activity.ends_at + LATE:
        raise DomainError(_("Check-out has closed: ask the organiser to record it."), code="too_late")


# ------------------------------------------------------------------------------------------- the hand roster
def _moment(value, field: str) -> datetime:
    if not isinstance(value, datetime) or not 2000 <= value.year <= 2199:
        message = _("Not a valid date and time.")
        raise Invalid(message, fields={field: message})
    return parse_local(value)


@transactional
def record_by_hand(actor, activity: Activity, person_id: int, checked_in_at, checked_out_at=None) -> Checkin:
    """The organiser ticks the roster by hand: a volunteer's check-in and (optionally) check-out times."""
    require(actor, "activity.manage", activity)
    if activity.status != "open":
        raise DomainError(_("This activity was cancelled."), code="cancelled")
    if activity.confirmed_at is not None and db.session.scalar(select(Checkin.posted_at).where(
            Checkin.activity_id == activity.id, Checkin.person_id == person_id)):
        raise Conflict(_("This volunteer's points are already posted; a correction is a reversal."),
                       code="confirmed")
    _signed_up(activity, person_id)
    came = _moment(checked_in_at, "checked_in_at")
    left = _moment(checked_out_at, "checked_out_at") if checked_out_at else None
    if left is not None and left <= came:
        message = _("A check-out must come after the check-in.")
        raise DomainError(message, code="out_before_in", fields={"checked_out_at": message})
    checkin = db.session.scalar(select(Checkin).where(Checkin.activity_id == activity.id,
                                                      Checkin.person_id == person_id).with_for_update())
    if checkin is None:
        checkin = Checkin(activity_id=activity.id, person_id=person_id, checked_in_at=came)
        db.session.add(checkin)
    checkin.checked_in_at, checkin.checked_out_at = came, left
    checkin.method, checkin.recorded_by_id = "hand", actor.id
    db.session.flush()
    record(actor, "activity.roster", activity, summary=str(person_id),
           detail={"person_id": person_id, "in": came.isoformat(), "out": left.isoformat() if left else None})
    return checkin
