"""Who may call each route of the branches package (see community/access.py)."""
from __future__ import annotations

from community.access import OVER_STREET_1, PLATFORM, SIGNED_IN, row

SECRETARY = OVER_STREET_1 | {"secretary"}  # the secretary of {branch} and those above it

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}
# Any branch's secretary: the lists filtered to one's own branch. "other_secretary" (of another branch of street 1)
# is refused every route that names {branch}, its member, its request or its flag.
SECRETARIES = frozenset({"secretary", "other_secretary"})

ACCESS_ROWS = [
    row("GET /admin/branches/", STREET_ADMINS | SECRETARIES, note="filtered to the branches of the admin's street"),
    row("GET /admin/branches/members", STREET_ADMINS | SECRETARIES | {"liaison"},
        note="filtered by branch and home-side organisation"),
]

# Two-place management and the dashboards (branches/liaison_views.py, liaison_api.py, dashboard.py): the
# world's "liaison" follows {home_organisation}, paired with {branch}, whose "secretary" reports to it;
# tests/branches/test_liaison.py checks that a liaison of A never sees B.
FOLLOWS = PLATFORM | {"liaison"}
LIAISON_ROWS = [
    row("GET /liaison/", FOLLOWS),
    row("GET /liaison/{home_organisation}/", FOLLOWS),
    row("POST /liaison/{home_organisation}/report", FOLLOWS, form={"month": "2026-12"}),
    row("GET /liaison/reports/{report_job}", {"liaison"}, hide=SIGNED_IN - {"liaison"}, note="its maker only"),
    row("GET /liaison/reports/{report_job}.xlsx", {"liaison"}, hide=SIGNED_IN - {"liaison"}, note="its maker only"),
    row("GET /admin/branches/{branch}/home-organisations", PLATFORM | {"secretary"}),
    row("POST /admin/branches/{branch}/home-organisations/{home_organisation}/report", PLATFORM | {"secretary"},
        form={"month": "2026-12"}),
    row("GET /api/v1/home-organisations/{home_organisation}/members", FOLLOWS),
    row("GET /admin/branches/{branch}/dashboard", SECRETARY),
    row("GET /admin/branches/streets/{street_1}/dashboard", OVER_STREET_1),
]
ACCESS_ROWS += LIAISON_ROWS
# Organisational life and flags (branches/life_views.py, life_api.py). {branch} is a branch of street_1 with a
# member of A who carries an open flag ({branch_flag}); secretaries and liaisons are tested in tests/branches.
LIFE_ROWS = [
    row("GET /admin/branches/compliance", STREET_ADMINS | SECRETARIES,
        note="the board: filtered to the admin's street"),
    row("GET /admin/branches/{branch}/life", SECRETARY),
    row("GET /admin/branches/flags", STREET_ADMINS | SECRETARIES | {"liaison"},
        note="filtered to the members the actor follows"),
    row("POST /admin/branches/flags/{branch_flag}/resolve", {"platform_admin", "secretary", "liaison"},
        form={"note": "已电话联系，在外务工"}, note="secretaries and liaisons resolve (tests/branches/test_flags.py)"),
    row("GET /api/v1/branches/{branch}/compliance", SECRETARY),
]
ACCESS_ROWS += LIFE_ROWS

# Dues and transfers (branches/dues_views.py, transfer_views.py, dues_api.py): {dues_branch} of street 1 with
# {dues_member} and a letter out, {transfer} (tests/branches/dues_world.py). Street administrators see the lists;
# recording and issuing are the branch's (secretaries, committee; tested in tests/branches/test_dues.py and
# test_transfers.py), so of the matrix's identities only the platform administrator. A letter names a person:
# those who may not see it are told it does not exist.
LETTER_HIDDEN = SIGNED_IN - OVER_STREET_1
DUES_ROWS = [
    row("GET /admin/branches/dues", STREET_ADMINS | SECRETARIES,
        note="the branches of one's street, or one's own"),
    row("GET /admin/branches/{dues_branch}/dues", OVER_STREET_1),
    row("POST /admin/branches/{dues_branch}/dues/export", OVER_STREET_1, form={"month": "2026-12"}),
    row("GET /admin/branches/dues/jobs/{dues_job}", {"street_admin"}, hide=SIGNED_IN - {"street_admin"},
        note="its maker only"),
    row("GET /admin/branches/dues/jobs/{dues_job}.xlsx", {"street_admin"}, hide=SIGNED_IN - {"street_admin"},
        note="its maker only"),
    row("GET /admin/branches/{dues_branch}/dues/members/{dues_member}/pay", PLATFORM),
    row("POST /admin/branches/{dues_branch}/dues/members/{dues_member}/pay", PLATFORM, form={"category": "student"}),
    row("GET /admin/branches/{dues_branch}/transfers", OVER_STREET_1),
    row("GET /admin/branches/{dues_branch}/transfers/new", PLATFORM),
    row("GET /admin/branches/{dues_branch}/transfers/incoming", PLATFORM),
    row("POST /admin/branches/{dues_branch}/transfers/incoming", PLATFORM, form={"person": "{person_phone}"}),
    row("POST /admin/branches/{dues_branch}/transfers/new", PLATFORM),
    row("GET /admin/branches/transfers/{transfer}.pdf", OVER_STREET_1, hide=LETTER_HIDDEN),
    row("POST /admin/branches/transfers/{transfer}/receipt", PLATFORM, hide=LETTER_HIDDEN),
    row("POST /api/v1/branches/{dues_branch}/dues", PLATFORM,
        json={"member_id": "{dues_member}", "category": "student", "first_month": "2026-12"}),
    row("GET /api/v1/branches/{dues_branch}/dues", OVER_STREET_1),
    row("GET /api/v1/branches/{dues_branch}/arrears", OVER_STREET_1),
    row("POST /api/v1/transfers", PLATFORM, json={"member_id": "{dues_member}", "to_organisation": "某镇党委"}),
    row("GET /api/v1/branches/{dues_branch}/transfers", OVER_STREET_1),
    row("POST /api/v1/transfers/{transfer}/receipt", PLATFORM, hide=LETTER_HIDDEN),
    row("GET /api/v1/transfers/{transfer}.pdf", OVER_STREET_1, hide=LETTER_HIDDEN),
]
ACCESS_ROWS += DUES_ROWS
# The roster (branches/roster_views.py, roster_api.py): {branch} is a mobile branch of street 1 with one member
# ({branch_member}) and one open request to join ({join_request}); its secretary and the member's liaison are
# identities of the world (tests/branches/roster_world.py); other branches' secretaries: test_roster_permissions.py.
ROSTER_ROWS = [
    row("GET /admin/branches/new", STREET_ADMINS),
    row("POST /admin/branches/new", OVER_STREET_1, form={"street_id": "{street_1}", "name": "新流动党支部",
                                                         "kind": "mobile"}),
    row("GET /admin/branches/home-organisations", STREET_ADMINS),
    row("POST /admin/branches/home-organisations", STREET_ADMINS, form={"name": "新组织", "region": "贵州省"}),
    row("GET /admin/branches/{branch}", SECRETARY),
    row("GET /admin/branches/{branch}/edit", OVER_STREET_1),
    row("POST /admin/branches/{branch}/edit", OVER_STREET_1, form={"name": "改名支部", "kind": "mobile"}),
    row("POST /admin/branches/{branch}/members", SECRETARY, form={"person": ""}),
    row("POST /admin/branches/{branch}/home-organisations", OVER_STREET_1, form={"home_organisation_id": "0"}),
    row("POST /admin/branches/{branch}/positions", SECRETARY, form={"member_id": "{branch_member}",
                                                                       "title": "网格员"}),
    row("POST /admin/branches/requests/{join_request}/accept", SECRETARY),
    row("POST /admin/branches/requests/{join_request}/decline", SECRETARY, form={"reason": "不在本街道居住"}),
    row("POST /admin/branches/{branch}/export", SECRETARY),
    row("GET /admin/branches/{branch}/import", SECRETARY),
    row("POST /admin/branches/{branch}/import", SECRETARY),
    row("POST /admin/branches/{branch}/import/expired-token", SECRETARY),
    # The world's job is admin_a's export of people: no roster job of anyone else's is ever shown.
    row("GET /admin/branches/{branch}/import/check/{job}", (), hide=SECRETARY),
    row("GET /admin/branches/{branch}/jobs/{job}", (), hide=SECRETARY),
    row("GET /branches/join", SIGNED_IN),
    row("POST /branches/join", SIGNED_IN, form={"branch_id": "0"}),
    row("POST /api/v1/branches", OVER_STREET_1, json={"name": "新流动党支部", "street_id": "{street_1}",
                                                      "kind": "mobile"}),
    row("POST /api/v1/home-organisations", STREET_ADMINS, json={"name": "新组织", "region": "贵州省"}),
    row("POST /api/v1/branches/{branch}/home-organisations", OVER_STREET_1, json={"home_organisation_id": 1}),
    row("POST /api/v1/branches/{branch}/members", SECRETARY,
        json={"person_id": "{person}", "status": "full", "relationship": "transferred"}),
    row("GET /api/v1/branches/{branch}/members", SECRETARY | {"liaison"},
        note="a liaison: only the members of their organisation"),
]
ACCESS_ROWS += ROSTER_ROWS
# Scheduling a meeting of {branch} (branches/meetings.py registers the kinds): its secretary and those above it;
# another branch's secretary is refused by the one permission, not by a missing choice.
MEETING_ROWS = [
    row("POST /api/v1/meetings", SECRETARY, json={
        "kind": "general_meeting", "branch_id": "{branch}", "title": "支部党员大会", "place": "党群服务中心",
        "starts_at": "2031-01-09T14:30", "ends_at": "2031-01-09T16:00"}),
]
ACCESS_ROWS += MEETING_ROWS
LIFE_ROWS_2 = [
    row("POST /admin/branches/{branch}/life/settings", SECRETARY, form={"lesson_frequency": "monthly",
                                                                          "party_day": "10"}),
]
ACCESS_ROWS += LIFE_ROWS_2
