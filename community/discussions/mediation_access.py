"""Who may call each route of mediation, the discussion group, the agenda and the figures (see
community/access.py). The world (tests/community/discussions/mediation_world.py): "mediator" mediates
{mediation_case}, an open case of community A; {meeting} is A's discussion meeting with {agenda_item} on its
agenda and {fresh_request} a request of A not in the queue; {figures_job} is an export admin_a made.

A case is for its mediator and the administrators over A; the other administrators (of B, of street 2) who
hold the list action elsewhere are told it does not exist (404), everyone else is refused (403).
"""
from __future__ import annotations

from community.access import ADMINS, OVER_A, row

CASE = OVER_A | {"mediator"}
CASE_HIDDEN = {"admin_b", "other_street_admin"}
CASE_LISTERS = ADMINS | {"mediator"}
GROUP_VIEWERS_A = OVER_A | {"discussion_member", "mediator"}
FIGURE_VIEWERS = ADMINS | {"discussion_member", "mediator"}
MEETING_MANAGERS_A = OVER_A | {"discussion_member"}
NEW_CASE = {"community_id": "{community_a}", "kind": "neighbours", "title": "楼上漏水",
            "parties": [{"name": "周阿姨", "side": "楼下"}, {"name": "吴先生", "side": "楼上"}]}

ACCESS_ROWS = [
    row("GET /mediation/", CASE_LISTERS, note="one's own cases; administrators: their communities' cases"),
    row("GET /mediation/new", CASE_LISTERS),
    row("POST /mediation/new", CASE_LISTERS, form={}),
    row("GET /mediation/{mediation_case}", CASE, hide=CASE_HIDDEN),
    row("POST /mediation/{mediation_case}/sessions", CASE, hide=CASE_HIDDEN, form={}),
    row("POST /mediation/{mediation_case}/outcome", CASE, hide=CASE_HIDDEN, form={}),
    row("GET /api/v1/mediation/cases", CASE_LISTERS),
    row("POST /api/v1/mediation/cases", CASE, json=NEW_CASE, note="a mediator of A opens their own"),
    row("GET /api/v1/mediation/cases/{mediation_case}", CASE, hide=CASE_HIDDEN),
    row("POST /api/v1/mediation/cases/{mediation_case}/sessions", CASE, hide=CASE_HIDDEN, json={"place": "调解室"}),
    row("POST /api/v1/mediation/cases/{mediation_case}/outcome", CASE, hide=CASE_HIDDEN,
        json={"outcome": "referred", "referred_to": "派出所"}),
    row("GET /discussions/group/", FIGURE_VIEWERS),
    row("GET /discussions/group/{community_a}", GROUP_VIEWERS_A),
    row("POST /discussions/group/{community_a}/members", OVER_A, form={}),
    row("POST /discussions/group/{community_a}/members/{resident}/role", OVER_A, form={}),
    row("POST /discussions/group/{community_a}/members/{resident}/remove", OVER_A, form={},
        note="unconfirmed: the confirmation page"),
    row("GET /api/v1/communities/{community_a}/discussion-group", GROUP_VIEWERS_A),
    row("POST /api/v1/communities/{community_a}/discussion-group", OVER_A,
        json={"person_id": "{person}", "group_role": "party_member"}),
    row("GET /discussions/meetings/{meeting}/agenda", MEETING_MANAGERS_A),
    row("POST /discussions/meetings/{meeting}/agenda", MEETING_MANAGERS_A, form={"request_id": "{fresh_request}"},
        note="not in the queue: refused and flashed"),
    row("POST /discussions/meetings/{meeting}/agenda/{agenda_item}/resolution", MEETING_MANAGERS_A, form={}),
    row("POST /discussions/meetings/{meeting}/hometown-invite", MEETING_MANAGERS_A, note="no hometown: flashed"),
    row("GET /api/v1/meetings/{meeting}/agenda", MEETING_MANAGERS_A),
    row("POST /api/v1/meetings/{meeting}/agenda", MEETING_MANAGERS_A, json={"request_id": "{fresh_request}"}),
    row("POST /api/v1/meetings/{meeting}/agenda/{agenda_item}/resolution", MEETING_MANAGERS_A,
        json={"decision": "同意", "responsible": "居委会", "deadline": "2099-01-30"}),
    row("GET /discussions/figures/", FIGURE_VIEWERS),
    row("POST /discussions/figures/export", FIGURE_VIEWERS),
    row("GET /discussions/figures/jobs/{figures_job}", {"admin_a"}, hide=True),
    row("GET /discussions/figures/jobs/{figures_job}.xlsx", {"admin_a"}, hide=True),
    row("GET /api/v1/discussions/figures", FIGURE_VIEWERS),
]
