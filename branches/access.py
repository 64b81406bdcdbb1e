"""Who may call each route of the branches package (see community/access.py)."""
from __future__ import annotations

from community.access import OVER_STREET_1, PLATFORM, SIGNED_IN, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}

ACCESS_ROWS = [
    row("GET /admin/branches/", STREET_ADMINS, note="filtered to the branches of the admin's street"),
    row("GET /admin/branches/members", STREET_ADMINS, note="filtered by branch and home-side organisation"),
]

# Dues and transfers (branches/dues_views.py, transfer_views.py, dues_api.py): {dues_branch} of street 1 with
# {dues_member} and a letter out, {transfer} (tests/branches/dues_world.py). Street administrators see the lists;
# recording and issuing are the branch's (secretaries, committee; tested in tests/branches/test_dues.py and
# test_transfers.py), so of the matrix's identities only the platform administrator. A letter names a person:
# those who may not see it are told it does not exist.
LETTER_HIDDEN = SIGNED_IN - OVER_STREET_1
DUES_ROWS = [
    row("GET /admin/branches/dues", OVER_STREET_1 | {"other_street_admin"}, note="the branches of one's street"),
    row("GET /admin/branches/{dues_branch}/dues", OVER_STREET_1),
    row("GET /admin/branches/{dues_branch}/dues.xlsx", OVER_STREET_1),
    row("GET /admin/branches/{dues_branch}/dues/members/{dues_member}/pay", PLATFORM),
    row("POST /admin/branches/{dues_branch}/dues/members/{dues_member}/pay", PLATFORM, form={"category": "student"}),
    row("GET /admin/branches/{dues_branch}/transfers", OVER_STREET_1),
    row("GET /admin/branches/{dues_branch}/transfers/new", PLATFORM),
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
