"""Who may call each route of the requests (see community/access.py). The world (tests/community/discussions/
requests_world.py) has a public item of community A, raised by a resident who is none of the identities, with a
photo; "discussion_member" is a member of A's discussion group; {board_job} is a board export admin_a made."""
from __future__ import annotations

from community.access import ADMINS, OVER_A, SIGNED_IN, row

HANDLERS_A = OVER_A | {"discussion_member"}  # request.handle in community A
HANDLERS = ADMINS | {"discussion_member"}  # request.handle somewhere: they export the communities they handle

ACCESS_ROWS = [
    row("GET /requests/", SIGNED_IN, note="the public board: authors' names only where they may be shown"),
    row("GET /requests/new", SIGNED_IN),
    row("POST /requests/new", SIGNED_IN, form={"title": ""}, note="empty form: 400 beside the fields"),
    row("GET /requests/{request_item}", SIGNED_IN),
    row("GET /requests/{request_item}/photos/{request_photo}", SIGNED_IN),
    row("POST /requests/{request_item}/support", SIGNED_IN, note="once each: a second call is 409"),
    row("POST /requests/{request_item}/status", HANDLERS_A, form={"status": "declined", "note": ""},
        note="no reason given: 400, nothing changes"),
    row("POST /requests/{request_item}/rating", (), note="only its submitter, who is none of the identities"),
    row("POST /requests/{request_item}/hide", OVER_A, form={"reason": ""}),
    row("POST /requests/{request_item}/show", OVER_A, note="not hidden: 422"),
    row("POST /requests/export", HANDLERS, note="the board's items of the communities they handle"),
    row("GET /requests/exports/{board_job}", {"admin_a"}, hide=True, note="only who started it"),
    row("GET /requests/exports/{board_job}.xlsx", {"admin_a"}, hide=True),
    row("POST /discussions/meetings/{meeting}/agenda/{agenda_item}/remove", HANDLERS_A, form={"note": ""},
        note="no reason: 422 beside the field; off the agenda back to the queue after a confirmation"),
    row("POST /api/v1/requests", SIGNED_IN, json={"title": ""}),
    row("GET /api/v1/requests", SIGNED_IN),
    row("GET /api/v1/requests/{request_item}", SIGNED_IN),
    row("POST /api/v1/requests/{request_item}/supports", SIGNED_IN),
    row("POST /api/v1/requests/{request_item}/status", HANDLERS_A, json={"status": "declined", "note": ""}),
    row("POST /api/v1/requests/{request_item}/rating", (), json={"rating": "satisfied"}),
    row("POST /api/v1/requests/{request_item}/hide", OVER_A, json={"reason": ""}),
]
