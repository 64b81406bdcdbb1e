"""Who may call each route of the meetings (see community/access.py).

The world's {meeting} is a discussion meeting of community A organised by admin_a, with the resident and the
voter invited: its managers are those over A (community, street and platform administrators); its invitees may
see it and fetch its .ics, nobody else may. Scheduling is open to anyone who manages some kind of meeting
somewhere (administrators; election committee members, for their committee's meetings).
"""
from __future__ import annotations

from community.access import ADMINS, OVER_A, SIGNED_IN, row

# Those who organise some kind of meeting; a discussion-group member of A organises A's discussion meetings.
ORGANISERS = ADMINS | {"committee", "other_committee", "secretary", "discussion_member"}
MANAGERS_A = OVER_A | {"discussion_member"}  # meeting.manage_discussion in community A
VIEWERS = MANAGERS_A | {"resident"}
WHEN = {"starts_at": "2027-01-09T14:30", "ends_at": "2027-01-09T16:00", "place": "东门社区议事厅"}

ACCESS_ROWS = [
    row("GET /meetings/", SIGNED_IN, note="the meetings one organises or is invited to, filtered in SQL"),
    row("GET /meetings/new", ORGANISERS | {"secretary"}, note="a branch secretary schedules the branch's life"),
    row("POST /meetings/new", ORGANISERS | {"secretary"}, form={"kind": "discussion"}),
    row("GET /meetings/{meeting}", VIEWERS),
    row("GET /meetings/{meeting}.ics", VIEWERS),
    row("POST /meetings/{meeting}/move", MANAGERS_A, form={**WHEN, "reason": "场地冲突"}),
    row("GET /meetings/{meeting}/cancel", MANAGERS_A),
    row("POST /meetings/{meeting}/invite", MANAGERS_A, form={"person_id": "{person}"}),
    row("POST /meetings/{meeting}/uninvite/{resident}", MANAGERS_A),
    row("POST /meetings/{meeting}/attendance", MANAGERS_A, form={}),
    row("POST /meetings/{meeting}/minutes", MANAGERS_A, form={"topics": "议题"}),
    row("POST /meetings/{meeting}/resolutions", MANAGERS_A, form={"text": "同意疏通消防通道"}),
    row("POST /meetings/{meeting}/cancel", MANAGERS_A, form={"reason": "台风"}),
    row("GET /api/v1/meetings", SIGNED_IN),
    row("POST /api/v1/meetings", MANAGERS_A, json={"kind": "discussion", "community_id": "{community_a}",
                                               "title": "议事会", **WHEN}),
    row("GET /api/v1/meetings/{meeting}", VIEWERS),
    row("GET /api/v1/meetings/{meeting}.ics", VIEWERS),
    row("PATCH /api/v1/meetings/{meeting}", MANAGERS_A, json={"place": "社区会议室"}),
    row("POST /api/v1/meetings/{meeting}/attendees", MANAGERS_A, json={"person_id": "{person}"}),
    row("DELETE /api/v1/meetings/{meeting}/attendees/{voter}", MANAGERS_A),
    row("POST /api/v1/meetings/{meeting}/attendance", MANAGERS_A,
        json={"person_id": "{resident}", "attendance": "present"}),
    row("POST /api/v1/meetings/{meeting}/minutes", MANAGERS_A, json={"topics": "议题"}),
    row("POST /api/v1/meetings/{meeting}/resolutions", MANAGERS_A, json={"text": "同意"}),
    row("POST /api/v1/meetings/{meeting}/cancel", MANAGERS_A, json={"reason": "台风"}),
]
