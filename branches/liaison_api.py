"""JSON API of two-place management: a home-side organisation's members with attendance, dues and flags."""
from __future__ import annotations

import marshmallow as ma

from branches import liaison as L
from community.apitools import PageArgs, api_blueprint, bearer_required, current_actor, document_errors, page_schema
from community.authz import require
from community.database import utcnow

blp = api_blueprint("branch_liaison_api", "Two-place management (两地管): a home-side organisation's members")
F = ma.fields


class FlagOut(ma.Schema):
    id = F.Integer()
    kind = F.String(metadata={"description": "out_of_contact, no_life, no_dues or no_work"})
    raised_on = F.Date()
    since_on = F.Date(allow_none=True, metadata={"description": "the day the reason counts from"})
    reason = F.Function(lambda f: f.reason(utcnow().date()), metadata={"description": "in words"})


class RecentMeetingOut(ma.Schema):
    kind = F.String(metadata={"description": "general_meeting, committee, group, lesson, party_day or life_meeting"})
    title = F.String()
    on = F.Date(metadata={"description": "the day it was held (Asia/Shanghai)"})


class HomeMemberOut(ma.Schema):
    member_id = F.Integer()
    person_id = F.Integer()
    name = F.String()
    branch_id = F.Integer()
    branch = F.String(metadata={"description": "the host branch's name"})
    status = F.String(metadata={"description": "full or probationary"})
    attended = F.Integer(metadata={"description": "branch meetings attended over the last 12 months"})
    invited = F.Integer(metadata={"description": "branch meetings invited to over the last 12 months"})
    dues_paid_up_to = F.Function(lambda m: m.paid_up_to.strftime("%Y-%m") if m.paid_up_to else None,
                                 metadata={"description": "YYYY-MM, the last month paid"})
    months_without_contact = F.Integer(attribute="months_silent", allow_none=True)
    out_of_contact_warning = F.Boolean(attribute="is_amber",
                                       metadata={"description": f"not heard from for {L.AMBER_MONTHS} months"})
    flags = F.List(F.Nested(FlagOut))
    last_meeting = F.String(metadata={"description": "title of the last branch meeting attended"})
    last_meeting_on = F.Date(allow_none=True)
    recent_meetings = F.List(F.Nested(RecentMeetingOut), attribute="recent",
                             metadata={"description": f"the last {L.RECENT_MEETINGS} branch meetings attended, "
                                                      "newest first"})


@blp.route("/home-organisations/<int:organisation_id>/members")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(HomeMemberOut, "HomeMemberPage"))
@document_errors(blp, 400, 401, 403, 404)
def home_members(args, organisation_id):
    """The organisation's current members in every branch, with attendance, dues and flags (its liaison)."""
    require(current_actor(), "home_member.list", ("home_organisation", organisation_id))  # before the lookup
    organisation = L.get_organisation(organisation_id)
    lines, total = L.members_page(organisation.id, utcnow().date(), args["page"], args["per_page"])
    return {"items": lines, "total": total, "page": args["page"]}
