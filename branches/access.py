"""Who may call each route of the branches package (see community/access.py)."""
from __future__ import annotations

from community.access import OVER_STREET_1, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}

ACCESS_ROWS = [
    row("GET /admin/branches/", STREET_ADMINS, note="filtered to the branches of the admin's street"),
    row("GET /admin/branches/members", STREET_ADMINS, note="filtered by branch and home-side organisation"),
]

# Two-place management and the dashboards (branches/liaison_views.py, liaison_api.py, dashboard.py). Liaisons
# and secretaries are not identities of the matrix world: tests/branches/test_liaison.py and test_dashboard.py
# hold them (a liaison of A never sees B; a secretary of one branch is refused another's).
OTHERS = frozenset({"resident", "admin_a", "admin_b", "street_admin", "other_street_admin", "committee",
                    "counter", "other_committee"})
LIAISON_ROWS = [
    row("GET /liaison/", {"platform_admin"}),
    row("GET /liaison/{home_organisation}/", {"platform_admin"}),
    row("POST /liaison/{home_organisation}/report", {"platform_admin"}, form={"month": "2026-12"}),
    row("GET /liaison/reports/{report_job}", {"platform_admin"}, hide=OTHERS, note="only the job's owner"),
    row("GET /liaison/reports/{report_job}.xlsx", {"platform_admin"}, hide=OTHERS, note="only the job's owner"),
    row("GET /admin/branches/{branch}/home-organisations", {"platform_admin"}),
    row("POST /admin/branches/{branch}/home-organisations/{home_organisation}/report", {"platform_admin"},
        form={"month": "2026-12"}),
    row("GET /api/v1/home-organisations/{home_organisation}/members", {"platform_admin"}),
    row("GET /admin/branches/{branch}/dashboard", OVER_STREET_1),
    row("GET /admin/branches/streets/{street_1}/dashboard", OVER_STREET_1),
]
ACCESS_ROWS += LIAISON_ROWS
