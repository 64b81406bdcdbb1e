"""JSON API of organisational life (shared/API.md): `GET /branches/{id}/compliance`."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from branches.life import compliance
from community.apitools import api_blueprint, bearer_required, current_actor, document_errors
from community.authz import require
from community.database import LOCAL_ZONE, utcnow
from community.errors import NotFound

F = ma.fields
blp = api_blueprint("branch_life_api", "Organisational life (组织生活): compliance per branch")


class KindLine(ma.Schema):
    kind = F.String(metadata={"description": "general_meeting, committee, group, lesson, party_day, life_meeting"})
    frequency = F.String(metadata={"description": "monthly, quarterly or yearly"})
    last_held_on = F.Date(allow_none=True)
    next_due_on = F.Date()
    is_overdue = F.Boolean()
    state = F.String(metadata={"description": "done (held this period), due or overdue"})


class Compliance(ma.Schema):
    branch_id = F.Integer()
    on = F.Date(metadata={"description": "the day (Asia/Shanghai) the answer is for"})
    kinds = F.List(F.Nested(KindLine))


@blp.route("/branches/<int:branch_id>/compliance")
@bearer_required
@blp.response(200, Compliance)
@document_errors(blp, 401, 403, 404)
def branch_compliance(branch_id):
    """Per kind of organisational life: last held, next due, overdue (secretary, committee, street admin)."""
    from app import db
    from branches.models import Branch

    require(current_actor(), "branch_life.view", ("branch", branch_id))
    if db.session.get(Branch, branch_id) is None:
        raise NotFound(_("No such branch: %(id)s.", id=branch_id))
    today = utcnow().astimezone(LOCAL_ZONE).date()
    return {"branch_id": branch_id, "on": today, "kinds": compliance([branch_id], today)[branch_id]}
