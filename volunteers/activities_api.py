"""JSON API of activities, sign-ups, check-ins and confirmation (shared/API.md), over the same services."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from app import db
from community.apitools import (
    Id,
    PageArgs,
    StrictBoolean,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.database import as_local
from community.errors import NotFound
from community.people.models import Person
from community.people.picker_api import session_or_bearer
from volunteers import activities_confirm as C
from volunteers import activities_services as S
from volunteers import checkin as K
from volunteers.activities import CATEGORIES, POINTS_RULES, Signup

blp = api_blueprint("volunteer_activities_api", "Volunteer activities (志愿活动): sign-ups, check-in, confirmation")
F = ma.fields


def _local(value):
    return as_local(value).isoformat() if value else None


class ActivityIn(ma.Schema):
    title = F.String(required=True)
    category = F.String(required=True, validate=ma.validate.OneOf(CATEGORIES))
    community_id = Id(required=True, strict=True)
    place = F.String(required=True)
    description = F.String()
    starts_at = F.DateTime(required=True, metadata={"description": "ISO 8601; naive means Asia/Shanghai"})
    ends_at = F.DateTime(required=True)
    capacity = F.Integer(required=True, strict=True)
    points_rule = F.String(validate=ma.validate.OneOf(POINTS_RULES),
                           metadata={"description": "per_hour (default when points_per_hour is given) or fixed"})
    points_per_hour = F.Integer(strict=True)
    points = F.Integer(strict=True, metadata={"description": "the fixed amount (points_rule fixed)"})


class ActivityOut(ma.Schema):
    id = F.Integer()
    title = F.String()
    category = F.String()
    community_id = F.Integer()
    organiser_id = F.Integer(allow_none=True)
    place = F.String()
    description = F.String()
    starts_at = F.Function(lambda a: _local(a.starts_at))
    ends_at = F.Function(lambda a: _local(a.ends_at))
    capacity = F.Integer()
    places_left = F.Integer()
    points_rule = F.String()
    points_per_hour = F.Function(lambda a: a.points if a.points_rule == "per_hour" else None)
    points = F.Function(lambda a: a.points if a.points_rule == "fixed" else None)
    status = F.String()
    confirmed_at = F.Function(lambda a: _local(a.confirmed_at))


class ActivityArgs(PageArgs):
    community_id = Id()
    when = F.String(validate=ma.validate.OneOf(["upcoming", "past"]), load_default="upcoming")


class SignupIn(ma.Schema):
    person_id = Id(strict=True, metadata={"description": "an organiser signs someone up; default: oneself"})


class SignupOut(ma.Schema):
    id = F.Integer()
    activity_id = F.Integer()
    person_id = F.Integer()
    state = F.String(metadata={"description": "signed_up, waiting or cancelled"})


class CancelOut(SignupOut):
    promoted_person_id = F.Integer(allow_none=True)


class CodeOut(ma.Schema):
    code = F.String()
    expires_at = F.Function(lambda c: _local(c.expires_at))
    seconds = F.Integer(metadata={"description": "how long a code is good for"})
    qr = F.Function(lambda c: _qr(c.code), metadata={"description": "the QR code (an SVG data: address) of the "
                                                                     "volunteers' scan page with the code"})


def _qr(code: str) -> str:
    from volunteers.checkin_views import qr_data_uri, scan_url

    return qr_data_uri(scan_url(code))


class ScanIn(ma.Schema):
    code = F.String(required=True)
    activity_id = Id(strict=True, metadata={"description": "optional: refuse a code of another activity"})


class CheckinOut(ma.Schema):
    id = F.Integer()
    activity_id = F.Integer()
    person_id = F.Integer()
    checked_in_at = F.Function(lambda c: _local(c.checked_in_at))
    checked_out_at = F.Function(lambda c: _local(c.checked_out_at))
    hours = F.Decimal(as_string=True, places=2)
    method = F.String()
    posted = F.Function(lambda c: c.posted_at is not None)


class ScanOut(ma.Schema):
    action = F.String(metadata={"description": "in (checked in) or out (checked out)"})
    checkin = F.Nested(CheckinOut)


class RosterIn(ma.Schema):
    person_id = Id(required=True, strict=True)
    checked_in_at = F.DateTime(required=True)
    checked_out_at = F.DateTime(allow_none=True)


class RosterLineOut(ma.Schema):
    person_id = F.Function(lambda r: r["person"].id)
    name = F.Function(lambda r: r["person"].name)
    state = F.Function(lambda r: r["signup"].state)
    checkin = F.Function(lambda r: CheckinOut().dump(r["checkin"]) if r["checkin"] else None)


class RosterOut(ma.Schema):
    items = F.List(F.Nested(RosterLineOut))


class ConfirmOut(ma.Schema):
    posted = F.Integer(metadata={"description": "entries posted by this call"})
    already = F.Integer(metadata={"description": "volunteers whose points were posted before"})
    open = F.Integer(metadata={"description": "checked in but not yet out: nothing posted"})


class DeclarationIn(ma.Schema):
    category = F.String(required=True, validate=ma.validate.OneOf(CATEGORIES))
    content = F.String(required=True)
    place = F.String(required=True)
    served_on = F.Date(required=True)
    hours = F.Decimal(required=True, metadata={"description": "a decimal string, e.g. \"2.5\""})
    organisation_id = Id(strict=True, metadata={"description": "optional: a scoring organisation the person is in "
                                                                "the scope of, whose scorers may confirm it"})


class DeclarationOut(ma.Schema):
    id = F.Integer()
    person_id = F.Integer()
    community_id = F.Integer()
    category = F.String()
    content = F.String()
    place = F.String()
    served_on = F.Date()
    hours = F.Decimal(as_string=True, places=2)
    organisation_id = F.Integer(allow_none=True)
    state = F.String()
    points = F.Integer()


class DecisionIn(ma.Schema):
    accept = StrictBoolean(required=True)
    points = F.Integer(strict=True, load_default=0)
    note = F.String(load_default="")


@blp.route("/activities")
@bearer_required
@blp.arguments(ActivityArgs, location="query")
@blp.response(200, page_schema(ActivityOut, "ActivityPage"))
@document_errors(blp, 400, 401)
def list_activities(args):
    """Open activities, soonest first (`when=past`: those over, latest first); every volunteer may browse."""
    return page_of(S.activities_query(community_id=args.get("community_id"), when=args["when"]), args)


@blp.route("/activities", methods=["POST"])
@bearer_required
@blp.arguments(ActivityIn)
@blp.response(201, ActivityOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def create_activity(data):
    """Create an activity in a community where one organises (422: end before start, capacity below 1)."""
    return S.create_activity(current_actor(), data.pop("community_id"), data)


@blp.route("/activities/<int:activity_id>")
@bearer_required
@blp.response(200, ActivityOut)
@document_errors(blp, 401, 404)
def get_activity(activity_id):
    """One activity."""
    return S.get_activity(activity_id)


@blp.route("/activities/<int:activity_id>/signups", methods=["POST"])
@bearer_required
@blp.arguments(SignupIn, required=False)  # a volunteer signing up themself sends nothing
@blp.response(201, SignupOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def sign_up(data, activity_id):
    """Sign up (a place, or the waiting list when full); 409 when already signed up."""
    activity = S.get_activity(activity_id)
    person = None
    if data.get("person_id"):
        from community.authz import require

        require(current_actor(), "activity.manage", activity)  # before the person is looked up
        person = db.session.get(Person, data["person_id"])
        if person is None:
            raise NotFound(_("The person was not found."), fields={"person_id": "unknown"})
    return S.sign_up(current_actor(), activity, person=person)


@blp.route("/signups/<int:signup_id>", methods=["DELETE"])
@bearer_required
@blp.response(200, CancelOut)
@document_errors(blp, 401, 403, 404, 409, 422)
def cancel_signup(signup_id):
    """Cancel a sign-up; the first on the waiting list gets the place (`promoted_person_id`)."""
    signup = S.get_signup(signup_id)
    promoted = S.cancel_signup(current_actor(), signup)
    return {**SignupOut().dump(db.session.get(Signup, signup_id)),
            "promoted_person_id": promoted.person_id if promoted else None}


@blp.route("/activities/<int:activity_id>/roster")
@bearer_required
@blp.response(200, RosterOut)
@document_errors(blp, 401, 403, 404)
def get_roster(activity_id):
    """Who holds a place or waits, with their check-ins (organisers)."""
    from community.authz import require

    activity = S.get_activity(activity_id)
    require(current_actor(), "activity.manage", activity)
    return {"items": S.roster(activity)}


@blp.route("/activities/<int:activity_id>/roster", methods=["POST"])
@bearer_required
@blp.arguments(RosterIn)
@blp.response(200, CheckinOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def tick_roster(data, activity_id):
    """Record a volunteer's check-in and check-out by hand (422: check-out before check-in)."""
    return K.record_by_hand(current_actor(), S.get_activity(activity_id), data["person_id"],
                            data["checked_in_at"], data.get("checked_out_at"))


@blp.route("/activities/<int:activity_id>/checkin-code")
@session_or_bearer
@blp.response(200, CodeOut)
@document_errors(blp, 401, 403, 404, 422)
def checkin_code(activity_id):
    """A fresh short-lived check-in code for the organiser's screen (the page polls it; nothing is stored)."""
    return K.issue_code(current_actor(), S.get_activity(activity_id))


@blp.route("/checkins", methods=["POST"])
@bearer_required
@blp.arguments(ScanIn)
@blp.response(200, ScanOut)
@document_errors(blp, 400, 401, 403, 409, 422)
def post_checkin(data):
    """The volunteer's scan: the first code checks in, a later one checks out (409: a code used twice)."""
    return K.scan(current_actor(), data["code"], activity_id=data.get("activity_id"))


@blp.route("/activities/<int:activity_id>/confirm", methods=["POST"])
@bearer_required
@blp.response(200, ConfirmOut)
@document_errors(blp, 401, 403, 404, 422)
def confirm(activity_id):
    """Confirm the roster: posts each checked-out volunteer's points once, however often it is called."""
    return C.confirm_roster(current_actor(), S.get_activity(activity_id))


@blp.route("/declarations", methods=["POST"])
@bearer_required
@blp.arguments(DeclarationIn)
@blp.response(201, DeclarationOut)
@document_errors(blp, 400, 401, 422)
def declare(data):
    """Declare service one did; it counts only after an organiser or administrator confirms it."""
    return C.declare(current_actor(), data)


@blp.route("/declarations/<int:declaration_id>/decision", methods=["POST"])
@bearer_required
@blp.arguments(DecisionIn)
@blp.response(200, DeclarationOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def decide(data, declaration_id):
    """Confirm (posting `points` with the declared hours) or reject a declaration (409: already decided)."""
    return C.decide_declaration(current_actor(), C.get_declaration(declaration_id), **data)
