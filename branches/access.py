"""Who may call each route of the branches package (see community/access.py)."""
from __future__ import annotations

from community.access import OVER_STREET_1, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}

ACCESS_ROWS = [
    row("GET /admin/branches/", STREET_ADMINS, note="filtered to the branches of the admin's street"),
    row("GET /admin/branches/members", STREET_ADMINS, note="filtered by branch and home-side organisation"),
]

# Organisational life and flags (branches/life_views.py, life_api.py). {branch} is a branch of street_1 with a
# member of A who carries an open flag ({branch_flag}); secretaries and liaisons are tested in tests/branches.
LIFE_ROWS = [
    row("GET /admin/branches/compliance", STREET_ADMINS, note="the board: filtered to the admin's street"),
    row("GET /admin/branches/{branch}/life", OVER_STREET_1),
    row("GET /admin/branches/flags", STREET_ADMINS, note="filtered to the members the actor follows"),
    row("POST /admin/branches/flags/{branch_flag}/resolve", {"platform_admin"}, form={"note": "已电话联系，在外务工"},
        note="secretaries and liaisons resolve (tests/branches/test_flags.py)"),
    row("GET /api/v1/branches/{branch}/compliance", OVER_STREET_1),
]
ACCESS_ROWS += LIFE_ROWS
