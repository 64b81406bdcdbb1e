"""The activities' rules: creating one, signing up, the waiting list that moves up by itself, cancelling.

Every entry point takes the acting person and checks its action first. Places are counted in `activity.taken`
and taken with the activity's row locked (PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN IMMEDIATE serialises
writers), so simultaneous sign-ups and cancellations never overfill it, and the CHECK `taken <= capacity` backs
that up. A cancellation frees a place and, in the same transaction, gives it to the first on the waiting list,
who is told through the reminders' outbox.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import db
from community.audit.services import record
from community.authz import require, scope_condition
from community.database import parse_local, transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from volunteers import activities_reminders as R
from volunteers.activities import CATEGORIES, POINTS_RULES, Activity, Signup

MAX_CAPACITY = 10000
MAX_POINTS = 1000


@dataclass(frozen=True)
class OwnSignup:
    """A sign-up about to be made, for the permission check: the person's own, in the activity's community."""

    person_id: int
    community_id: int

    @property
    def authz_scope(self):
        return ("community", self.community_id)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


def get_activity(activity_id) -> Activity:
    """Load an activity or raise NotFound (activities are public to everyone signed in)."""
    activity = db.session.get(Activity, activity_id) if valid_id(activity_id) else None
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def get_signup(signup_id) -> Signup:
    """Load a sign-up or raise NotFound."""
    signup = db.session.get(Signup, signup_id) if valid_id(signup_id) else None
    if signup is None:
        raise NotFound(_("No such sign-up."))
    return signup


def activities_query(*, community_id: int | None = None, when: str = "upcoming", now: datetime | None = None):
    """Open activities, soonest first (`when="upcoming"`: not yet ended) or latest first (`"past"`)."""
    now = now or utcnow()
    statement = select(Activity).where(Activity.status == "open")
    if community_id:
        statement = statement.where(Activity.community_id == community_id)
    if when == "past":
        return statement.where(Activity.ends_at < now).order_by(Activity.starts_at.desc(), Activity.id.desc())
    return statement.where(Activity.ends_at >= now).order_by(Activity.starts_at, Activity.id)


def managed_query(actor):
    """The activities the actor may manage (organisers and administrators of their communities), newest first."""
    statement = select(Activity).order_by(Activity.starts_at.desc(), Activity.id.desc())
    condition = scope_condition(actor, "activity.manage", "community", Activity.community_id)
    return statement if condition is None else statement.where(condition)


def my_signups(person_id: int) -> dict[int, Signup]:
    """{activity_id: the person's sign-up} (one query), for marking a list."""
    return {s.activity_id: s for s in db.session.scalars(select(Signup).where(Signup.person_id == person_id))}


# ------------------------------------------------------------------------------------------- creating
def _fail(field: str, message: str, cls=Invalid):
    raise cls(message, fields={field: message})


def _text(data: dict, field: str, limit: int, required: bool = True) -> str:
    value = data.get(field)
    value = value.strip() if isinstance(value, str) else ("" if value is None else None)
    if value is None or (required and not value):
        _fail(field, _("Please fill this in."))
    if len(value) > limit:
        _fail(field, _("At most %(count)s characters.", count=limit))
    return value


def _moment(value, field: str) -> datetime:
    if not isinstance(value, datetime) or not 2000 <= value.year <= 2199:
        _fail(field, _("Not a valid date and time."))
    return parse_local(value)


def _whole(value, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(field, _("A whole number, please."))
    if not low <= value <= high:
        _fail(field, _("Must be between %(low)s and %(high)s.", low=low, high=high), DomainError)
    return value


def checked(data: dict) -> dict:
    """The activity's fields checked: a 400/422 naming the field for anything wrong (nothing is written)."""
    values = {"title": _text(data, "title", 120), "place": _text(data, "place", 200),
              "description": _text(data, "description", 2000, required=False)}
    if data.get("category") not in CATEGORIES:
        _fail("category", _("Choose a category from the catalogue."))
    values["category"] = data["category"]
    starts, ends = _moment(data.get("starts_at"), "starts_at"), _moment(data.get("ends_at"), "ends_at")
    if ends <= starts:
        _fail("ends_at", _("The end must be after the start."), DomainError)
    values.update(starts_at=starts, ends_at=ends)
    capacity = data.get("capacity")
    if isinstance(capacity, int) and not isinstance(capacity, bool) and capacity < 1:
        _fail("capacity", _("The capacity must be at least 1."), DomainError)
    values["capacity"] = _whole(capacity, "capacity", 1, MAX_CAPACITY)
    rule = data.get("points_rule") or ("fixed" if data.get("points") is not None
                                       and data.get("points_per_hour") is None else "per_hour")
    if rule not in POINTS_RULES:
        _fail("points_rule", _("Points are per hour or a fixed amount."))
    field = "points_per_hour" if rule == "per_hour" else "points"
    values.update(points_rule=rule, points=_whole(data.get(field), field, 0, MAX_POINTS))
    return values


@transactional
def create_activity(actor, community_id, data: dict, *, organiser=None, now: datetime | None = None) -> Activity:
    """Create an activity in a community where the actor organises (its organiser: the actor, unless given)."""
    if not valid_id(community_id):
        _fail("community_id", _("Choose a community."))
    require(actor, "activity.create", ("community", community_id))
    from community.places.models import Community

    if db.session.get(Community, community_id) is None:
        _fail("community_id", _("Choose a community."), NotFound)
    values = checked(data)
    if values["starts_at"] < (now or utcnow()):
        _fail("starts_at", _("An activity is created before it starts."), DomainError)
    activity = Activity(community_id=community_id, organiser_id=(organiser or actor).id, **values)
    db.session.add(activity)
    db.session.flush()
    record(actor, "activity.create", activity, summary=activity.title)
    return activity


# ------------------------------------------------------------------------------------------- sign-ups
def _lock(activity: Activity) -> None:
    """Hold the activity's row until the commit (PostgreSQL), and read its counters afresh."""
    db.session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())
    db.session.refresh(activity)


def _take_place(activity: Activity) -> bool:
    """Take a place if one is left (a conditional UPDATE: the database never goes past the capacity)."""
    taken = db.session.execute(update(Activity).where(Activity.id == activity.id,
                                                      Activity.taken < Activity.capacity)
                               .values(taken=Activity.taken + 1)).rowcount
    db.session.expire(activity, ["taken"])
    return taken == 1


def _open_for_signing(activity: Activity, now: datetime) -> None:
    if activity.status != "open":
        raise DomainError(_("This activity was cancelled."), code="cancelled")
    if now >= activity.starts_at:
        raise DomainError(_("Sign-up has closed: the activity has begun."), code="closed")


@transactional
def sign_up(actor, activity: Activity, *, person=None, now: datetime | None = None) -> Signup:
    """Sign the actor (or, for an organiser, `person`) up: a place while there is one, else the waiting list."""
    person = person or actor
    require(actor, "activity.sign_up", OwnSignup(person.id, activity.community_id))
    now = now or utcnow()
    _lock(activity)
    _open_for_signing(activity, now)
    signup = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                    Signup.person_id == person.id))
    if signup is not None and signup.state != "cancelled":
        raise Conflict(_("You are already on the waiting list.") if signup.state == "waiting"
                       else _("You have already signed up."), code="already_signed_up")
    try:
        with db.session.begin_nested():
            state = "signed_up" if _take_place(activity) else "waiting"
            if signup is None:
                signup = Signup(activity_id=activity.id, person_id=person.id, state=state, created_at=now,
                                updated_at=now)
                db.session.add(signup)
            else:  # back after cancelling: at the end of the waiting list
                signup.state, signup.updated_at = state, now
            db.session.flush()
    except IntegrityError:  # the same person signing up twice at once
        raise Conflict(_("You have already signed up."), code="already_signed_up") from None
    if state == "signed_up":
        R.schedule_reminders(activity, [person.id])
    record(actor, "activity.sign_up", activity, summary=person.name, detail={"person_id": person.id,
                                                                             "state": state})
    return signup


def _first_waiting(activity: Activity) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.activity_id == activity.id, Signup.state == "waiting")
                             .order_by(Signup.updated_at, Signup.id).limit(1).with_for_update())


@transactional
def cancel_signup(actor, signup: Signup, *, now: datetime | None = None) -> Signup | None:
    """Cancel a sign-up (one's own, or as organiser); a freed place goes to the first on the waiting list, who is
    told. Returns the promoted sign-up, if any."""
    require(actor, "activity.sign_up", signup)
    now = now or utcnow()
    activity = signup.activity
    _lock(activity)
    db.session.refresh(signup)
    if signup.state == "cancelled":
        raise Conflict(_("This sign-up is already cancelled."), code="already_cancelled")
    if now >= activity.starts_at:
        raise DomainError(_("The activity has begun: tell the organiser instead."), code="closed")
    held = signup.state == "signed_up"
    signup.state, signup.updated_at = "cancelled", now
    promoted = None
    if held:
        R.cancel_reminders(activity, [signup.person_id])
        promoted = _first_waiting(activity)
        if promoted is None:
            db.session.execute(update(Activity).where(Activity.id == activity.id)
                               .values(taken=Activity.taken - 1))
            db.session.expire(activity, ["taken"])
        else:  # the freed place passes straight on: `taken` stays as it is
            promoted.state, promoted.updated_at = "signed_up", now
            R.schedule_reminders(activity, [promoted.person_id])
            R.notify_promoted(activity, promoted, now=now)
    db.session.flush()
    record(actor, "activity.cancel_signup", activity, summary=signup.person.name,
           detail={"person_id": signup.person_id, "promoted_id": promoted.person_id if promoted else None})
    return promoted


def roster(activity: Activity) -> list[dict]:
    """Everyone signed up or waiting, in order, with their check-in (three queries for any number)."""
    from sqlalchemy.orm import joinedload

    from volunteers.activities import Checkin

    signups = db.session.scalars(select(Signup).options(joinedload(Signup.person))
                                 .where(Signup.activity_id == activity.id, Signup.state != "cancelled")
                                 .order_by(Signup.state, Signup.updated_at, Signup.id)).all()
    checkins = {c.person_id: c for c in db.session.scalars(select(Checkin).where(
        Checkin.activity_id == activity.id))}
    return [{"signup": s, "person": s.person, "checkin": checkins.get(s.person_id)} for s in signups]
