"""JSON API to move an activity or call it off (routes on the activities' API blueprint, same services)."""
from __future__ import annotations

import marshmallow as ma

from community.apitools import bearer_required, current_actor, document_errors
from volunteers import activities_changes as X
from volunteers import activities_services as S
from volunteers.activities_api import ActivityOut, blp

F = ma.fields


class ActivityMoveIn(ma.Schema):
    starts_at = F.DateTime(required=True, metadata={"description": "ISO 8601; naive means Asia/Shanghai"})
    ends_at = F.DateTime(required=True)
    place = F.String(required=True, metadata={"description": "at most 200 characters"})
    reason = F.String(load_default="", metadata={"description": "told to the volunteers; at most 300 characters"})


class ActivityCancelIn(ma.Schema):
    reason = F.String(required=True, metadata={"description": "told to the volunteers; at most 300 characters"})


@blp.route("/activities/<int:activity_id>/move", methods=["POST"])
@bearer_required
@blp.arguments(ActivityMoveIn)
@blp.response(200, ActivityOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def move_activity(data, activity_id):
    """Move an activity before it begins (organisers): everyone signed up or waiting is told, reminders follow
    (409: cancelled; 422: begun, end before start, a start in the past, nothing changed)."""
    return X.move_activity(current_actor(), S.get_activity(activity_id), data)


@blp.route("/activities/<int:activity_id>/cancellation", methods=["POST"])
@bearer_required
@blp.arguments(ActivityCancelIn)
@blp.response(200, ActivityOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def cancel_activity(data, activity_id):
    """Call an activity off before it begins, with the reason (organisers): the volunteers are told at once,
    their reminders withdrawn; it then takes no sign-up, check-in or confirmation (409: already cancelled)."""
    return X.cancel_activity(current_actor(), S.get_activity(activity_id), data["reason"])
