"""Who may call each route of the branches package (see community/access.py)."""
from __future__ import annotations

from community.access import OVER_STREET_1, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}

ACCESS_ROWS = [
    row("GET /admin/branches/", STREET_ADMINS, note="filtered to the branches of the admin's street"),
    row("GET /admin/branches/members", STREET_ADMINS, note="filtered by branch and home-side organisation"),
]
