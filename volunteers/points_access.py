"""Who may call each route of the points part of the volunteers package (see community/access.py).

The world (tests/volunteers/points_world.py build_matrix): {organisation}, community A's scoring organisation
with a quota, whose "scorer" granted {ledger_entry} to {points_person} (a resident of A); {enterprise} of A
with {organisation_member}; "other_scorer" scores for another organisation of A and is refused {organisation}'s
routes. Street administrators set organisations, quotas, members and caps up; scorers grant.
"""
from __future__ import annotations

from community.access import OVER_A, OVER_STREET_1, PLATFORM, SIGNED_IN, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}
SCORES = PLATFORM | {"scorer"}                   # grant for {organisation}
SCORES_SOMEWHERE = SCORES | {"other_scorer"}     # a scorer of any organisation: one's own (another of A's)
SEES_ORGANISATION = OVER_STREET_1 | {"scorer"}
# A person's points: the person and the administrators over them; other administrators are told nobody is there.
POINTS_HIDDEN = {"admin_b", "other_street_admin"}

ACCESS_ROWS = [
    # Pages.
    row("GET /points/", SIGNED_IN, note="redirects to one's own points page"),
    row("GET /points/people/{points_person}", OVER_A, hide=POINTS_HIDDEN),
    row("GET /points/leaderboard", SIGNED_IN),
    row("GET /points/grant", SCORES_SOMEWHERE, note="to one's own organisation's form"),
    row("GET /points/organisations/{organisation}/grant", SCORES),
    row("POST /points/organisations/{organisation}/grant", SCORES, form={}, note="nobody picked: 400"),
    row("POST /points/entries/{ledger_entry}/reverse", OVER_STREET_1, hide={"other_street_admin"},
        form={"reason": "矩阵"}, note="the confirmation step"),
    row("GET /admin/points/organisations", STREET_ADMINS, note="filtered to the admin's street"),
    row("POST /admin/points/organisations", STREET_ADMINS, form={}, note="nothing chosen: 422"),
    row("GET /admin/points/organisations/{organisation}", OVER_STREET_1),
    row("POST /admin/points/organisations/{organisation}/quotas", OVER_STREET_1, form={}),
    row("POST /admin/points/organisations/{enterprise}/members", OVER_STREET_1, form={}),
    row("POST /admin/points/members/{organisation_member}/remove", OVER_STREET_1, form={},
        note="the confirmation step"),
    row("GET /admin/points/streets/{street_1}/caps", OVER_STREET_1),
    row("POST /admin/points/streets/{street_1}/caps", OVER_STREET_1, form={}),
    # Quantified points (volunteers/quantified_views.py): the street configures and awards (its page).
    row("GET /admin/points/streets/{street_1}/quantified", OVER_STREET_1),
    row("POST /admin/points/streets/{street_1}/quantified/items", OVER_STREET_1, form={}),
    row("POST /admin/points/streets/{street_1}/quantified/awards", OVER_STREET_1, form={}),
    # API.
    row("POST /api/v1/organisations", OVER_STREET_1,
        json={"name": "矩阵新单位", "kind": "grid", "community_id": "{community_a}"}),
    row("GET /api/v1/organisations", STREET_ADMINS | {"scorer", "other_scorer"},
        note="filtered to the caller's organisations"),
    row("GET /api/v1/organisations/{organisation}", SEES_ORGANISATION),
    row("POST /api/v1/organisations/{organisation}/quotas", OVER_STREET_1, json={"period": "2030", "points": 5}),
    row("GET /api/v1/organisations/{organisation}/quotas", SEES_ORGANISATION),
    row("POST /api/v1/organisations/{enterprise}/members", OVER_STREET_1, json={"person_id": "{points_person}"}),
    row("GET /api/v1/organisations/{enterprise}/members", OVER_STREET_1),
    row("POST /api/v1/grants", SCORES, json={"organisation_id": "{organisation}", "person_id": "{points_person}",
                                             "points": 1, "category": "other", "reason": "矩阵"}),
    row("GET /api/v1/people/{points_person}/points", OVER_A, hide=POINTS_HIDDEN),
    row("POST /api/v1/ledger/{ledger_entry}/reverse", OVER_STREET_1, json={"reason": "矩阵"}),
    row("GET /api/v1/leaderboard", SIGNED_IN, note="those of no community must name one: 400"),
    row("PUT /api/v1/streets/{street_1}/points-rules", OVER_STREET_1, json={}),
]
