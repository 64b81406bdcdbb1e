"""Who may call each route of the meetings (see community/access.py).

The world's {meeting} is a discussion meeting of community A organised by admin_a, with the resident and the
voter invited: its managers are those over A (community, street and platform administrators); its invitees may
see it and fetch its .ics, nobody else may. Scheduling is open to anyone who manages some kind of meeting
somewhere (administrators; election committee members, for their committee's meetings).
"""
from __future__ import annotations

from community.access import ADMINS, OVER_A, SIGNED_IN, row

# meeting.manage_discussion in A: its administrators and its discussion group (议事团, the world's
# "discussion_member", added by the discussions package)
MANAGERS = OVER_A | {"discussion_member"}
# some kind of meeting somewhere (a branch secretary, any branch's: the branch's life)
ORGANISERS = ADMINS | {"committee", "other_committee", "secretary", "other_secretary", "discussion_member"}
VIEWERS = MANAGERS | {"resident"}
WHEN = {"starts_at": "2027-01-09T14:30", "ends_at": "2027-01-09T16:00", "place": "东门社区议事厅"}

ACCESS_ROWS = [
    row("GET /meetings/", SIGNED_IN, note="the meetings one organises or is invited to, filtered in SQL"),
    row("GET /meetings/new", ORGANISERS, note="a branch secretary schedules the branch's life"),
    row("POST /meetings/new", ORGANISERS, form={"kind": "discussion"}),
    row("GET /meetings/{meeting}", VIEWERS),
    row("GET /meetings/{meeting}.ics", VIEWERS),
    row("POST /meetings/{meeting}/move", MANAGERS, form={**WHEN, "reason": "场地冲突"}),
    row("GET /meetings/{meeting}/cancel", MANAGERS),
    row("POST /meetings/{meeting}/invite", MANAGERS, form={"person_id": "{person}"}),
    row("POST /meetings/{meeting}/uninvite/{resident}", MANAGERS),
    row("POST /meetings/{meeting}/attendance", MANAGERS, form={}),
    row("POST /meetings/{meeting}/minutes", MANAGERS, form={"topics": "议题"}),
    row("POST /meetings/{meeting}/resolutions", MANAGERS, form={"text": "同意疏通消防通道"}),
    row("POST /meetings/{meeting}/cancel", MANAGERS, form={"reason": "台风"}),
    row("GET /api/v1/meetings", SIGNED_IN),
    row("POST /api/v1/meetings", MANAGERS, json={"kind": "discussion", "community_id": "{community_a}",
                                               "title": "议事会", **WHEN}),
    row("GET /api/v1/meetings/{meeting}", VIEWERS),
    row("GET /api/v1/meetings/{meeting}.ics", VIEWERS),
    row("PATCH /api/v1/meetings/{meeting}", MANAGERS, json={"place": "社区会议室"}),
    row("POST /api/v1/meetings/{meeting}/attendees", MANAGERS, json={"person_id": "{person}"}),
    row("DELETE /api/v1/meetings/{meeting}/attendees/{voter}", MANAGERS),
    row("POST /api/v1/meetings/{meeting}/attendance", MANAGERS,
        json={"person_id": "{resident}", "attendance": "present"}),
    row("POST /api/v1/meetings/{meeting}/minutes", MANAGERS, json={"topics": "议题"}),
    row("POST /api/v1/meetings/{meeting}/resolutions", MANAGERS, json={"text": "同意"}),
    row("POST /api/v1/meetings/{meeting}/cancel", MANAGERS, json={"reason": "台风"}),
]
