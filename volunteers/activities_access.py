"""Who may call each route of the activities, check-in, declarations and the kiosk (see community/access.py).

The world (tests/volunteers/activities_world.py): {activity}, an activity of community A tomorrow organised by
admin_a, with the resident signed up ({activity_signup}); {declaration}, the resident's service waiting for
confirmation. Its managers are those over A; everyone signed in browses, signs up and checks in for themselves
(a refusal by a rule, such as a second sign-up, is a 409/422: allowed here). Organising somewhere (the create
form, one's list) is open to every administrator and organiser, each in their own communities; the declarations'
list also to scorers (those naming their organisation). The world's declaration names no organisation, so the
scorer may not decide it.
"""
from __future__ import annotations

from community.access import ADMINS, OVER_A, SIGNED_IN, row

MANAGERS = OVER_A | {"organiser"}       # manage the world's activity: over A, and the organiser in A
ORGANISING = ADMINS | {"organiser"}     # organise somewhere
CONFIRMING = ORGANISING | {"scorer", "other_scorer"}  # confirm declared service somewhere (a scorer: their own)

WHEN = {"starts_at": "2031-05-10T08:00", "ends_at": "2031-05-10T11:00"}

ACCESS_ROWS = [
    row("GET /activities/", SIGNED_IN),
    row("GET /activities/organised", ORGANISING, note="each administrator's own communities, filtered in SQL"),
    row("GET /activities/new", ORGANISING),
    row("POST /activities/new", ORGANISING, form={}),
    row("GET /activities/{activity}", SIGNED_IN),
    row("POST /activities/{activity}/signup", SIGNED_IN, note="one's own sign-up"),
    row("POST /activities/{activity}/cancel", SIGNED_IN, note="one's own sign-up (none: a message)"),
    row("GET /activities/{activity}/change", MANAGERS),
    row("POST /activities/{activity}/change", MANAGERS, form={}, note="nothing filled in: errors beside the fields"),
    row("GET /activities/{activity}/cancel-activity", MANAGERS),
    row("POST /activities/{activity}/cancel-activity", MANAGERS, form={}, note="no reason: asked for one"),
    row("GET /activities/declare", SIGNED_IN),
    row("POST /activities/declare", SIGNED_IN, form={}),
    row("GET /activities/declarations", CONFIRMING),
    row("POST /activities/declarations/{declaration}", MANAGERS, form={"decision": "reject"}),
    row("GET /activities/{activity}/code", MANAGERS),
    row("GET /activities/scan", SIGNED_IN),
    row("POST /activities/scan", SIGNED_IN, form={"code": "1-0-AAAAAAAA"}, note="a forged code: refused by rule"),
    row("POST /activities/{activity}/roster", MANAGERS,
        form={"person_id": "{resident}", "checked_in_at": "2031-05-10T08:00"}),
    row("POST /activities/{activity}/confirm", MANAGERS, form={}, note="the confirmation step"),
    row("GET /kiosk/", public="the kiosk's welcome screen"),
    row("POST /kiosk/scan", public="signing in at the kiosk", form={"code": "not-a-code"}),
    row("POST /kiosk/password", public="signing in at the kiosk", form={"phone": "1", "password": "x"}),
    row("POST /kiosk/signout", public="signing out is harmless when signed out"),
    row("GET /kiosk/home", SIGNED_IN),
    row("GET /kiosk/my-code", SIGNED_IN),
    row("GET /kiosk/my-code.json", SIGNED_IN),
    row("GET /api/v1/activities", SIGNED_IN),
    row("POST /api/v1/activities", MANAGERS, json={"title": "海滩清洁", "category": "volunteer_service",
                                                 "community_id": "{community_a}", "place": "爵溪海滩",
                                                 "capacity": 30, "points_per_hour": 10, **WHEN}),
    row("GET /api/v1/activities/{activity}", SIGNED_IN),
    row("POST /api/v1/activities/{activity}/signups", SIGNED_IN, json={}),
    row("DELETE /api/v1/signups/{activity_signup}", MANAGERS | {"resident"}),
    row("POST /api/v1/activities/{activity}/move", MANAGERS, note="a start in the past: refused by rule",
        json={"starts_at": "2020-01-01T08:00", "ends_at": "2020-01-01T09:00", "place": "爵溪海滩"}),
    row("POST /api/v1/activities/{activity}/cancellation", MANAGERS, json={"reason": ""},
        note="no reason: refused by rule"),
    row("GET /api/v1/activities/{activity}/roster", MANAGERS),
    row("POST /api/v1/activities/{activity}/roster", MANAGERS,
        json={"person_id": "{resident}", "checked_in_at": "2031-05-10T08:00"}),
    row("GET /api/v1/activities/{activity}/checkin-code", MANAGERS),
    row("POST /api/v1/checkins", SIGNED_IN, json={"code": "1-0-AAAAAAAA"}),
    row("POST /api/v1/activities/{activity}/confirm", MANAGERS, note="not begun: refused by rule"),
    row("POST /api/v1/declarations", SIGNED_IN, json={}),
    row("POST /api/v1/declarations/{declaration}/decision", MANAGERS, json={"accept": False}),
]
