"""Who may call each route of redemptions, allocations and certificates (see community/access.py).

The world (tests/volunteers/uses_world.py): {catalogue_item} of street 1; {redemption}, the resident's pending
application for it; {allocation}, a school-place allocation of street 1 in public notice, the resident on its
list, with the resident's objection {allocation_objection}; {certificate}, the resident's, ready, verified at
/verify/{certificate_token}. Residents act for themselves ("self"): the service refuses them with a rule (422),
not a role, so every signed-in identity gets through to the rule. The platform administrator may do anything.
"""
from __future__ import annotations

from community.access import ADMINS, OVER_A, OVER_STREET_1, SIGNED_IN, row

STREET_ADMINS = OVER_STREET_1 | {"other_street_admin"}
HOLDER = OVER_A | {"resident"}                        # the resident's application or certificate, and those over A
HIDDEN = SIGNED_IN - HOLDER                           # told it does not exist
OWN = {"resident", "platform_admin"}                  # withdrawing is the applicant's own act

ACCESS_ROWS = [
    row("GET /volunteers/redeem", SIGNED_IN),
    row("POST /volunteers/redeem/{catalogue_item}", SIGNED_IN, form={"quantity": "1"},
        note="any resident applies; not of its street → a rule refuses it"),
    row("POST /volunteers/redemptions/{redemption}/withdraw", OWN, hide=HIDDEN),
    row("GET /volunteers/catalogue", STREET_ADMINS, note="the items of the admin's street"),
    row("POST /volunteers/catalogue", OVER_STREET_1, form={"street_id": "{street_1}", "name": "体检券",
                                                           "kind": "health_check", "points": "50", "stock": "3"}),
    row("POST /volunteers/catalogue/{catalogue_item}", OVER_STREET_1, form={"points": "40", "stock": "9",
                                                                           "is_active": "1"}),
    row("GET /volunteers/approvals", ADMINS, note="filtered to the admin's scope"),
    row("POST /volunteers/redemptions/{redemption}/approve", OVER_A, hide=HIDDEN),
    row("POST /volunteers/redemptions/{redemption}/decline", OVER_A, hide=HIDDEN, form={"reason": "库存已调拨"}),
    row("POST /volunteers/redemptions/export", ADMINS),
    # The world's job is admin_a's people export: no export of anyone else's (nor that one) is shown here.
    row("GET /volunteers/exports/{job}", (), hide=True),
    row("GET /volunteers/exports/{job}.xlsx", (), hide=True),
    row("GET /volunteers/allocations/", SIGNED_IN),
    row("POST /volunteers/allocations/", OVER_STREET_1, form={
        "street_id": "{street_1}", "title": "2027年秋季积分入学", "kind": "school_place", "places": "5",
        "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-20T17:00"}),
    row("GET /volunteers/allocations/{allocation}", SIGNED_IN, note="the public list (公示), names masked"),
    row("POST /volunteers/allocations/{allocation}/apply", SIGNED_IN, note="the window is closed: a rule refuses"),
    row("POST /volunteers/allocations/{allocation}/rank", OVER_STREET_1),
    row("POST /volunteers/allocations/{allocation}/objections", SIGNED_IN, form={"text": "积分统计有误"}),
    row("POST /volunteers/allocations/objections/{allocation_objection}/answer", OVER_STREET_1,
        form={"answer": "经复核，积分无误。"}),
    row("POST /volunteers/allocations/{allocation}/final", OVER_STREET_1),
    row("POST /volunteers/allocations/{allocation}/export", OVER_STREET_1),
    row("GET /volunteers/certificates/", SIGNED_IN),
    row("POST /volunteers/certificates/", SIGNED_IN, note="without confirmed hours a rule refuses"),
    row("GET /volunteers/certificates/{certificate}.pdf", HOLDER, hide=HIDDEN),
    row("GET /verify/{certificate_token}", public="the QR code on a printed certificate opens it"),
    # The API.
    row("GET /api/v1/redemption-items", SIGNED_IN),
    row("POST /api/v1/redemption-items", OVER_STREET_1, json={"street_id": "{street_1}", "name": "大米一袋",
                                                              "points": 20, "stock": 5}),
    row("PATCH /api/v1/redemption-items/{catalogue_item}", OVER_STREET_1, json={"stock": 4}),
    row("GET /api/v1/redemptions", SIGNED_IN, note="one's own"),
    row("GET /api/v1/redemptions/pending", ADMINS, note="filtered to the admin's scope"),
    row("POST /api/v1/redemptions", SIGNED_IN, json={"item_id": "{catalogue_item}", "quantity": 1}),
    row("POST /api/v1/redemptions/{redemption}/approve", OVER_A, hide=HIDDEN),
    row("POST /api/v1/redemptions/{redemption}/decline", OVER_A, hide=HIDDEN, json={"reason": "库存已调拨"}),
    row("POST /api/v1/redemptions/{redemption}/withdraw", OWN, hide=HIDDEN),
    row("GET /api/v1/allocations", SIGNED_IN),
    row("POST /api/v1/allocations", OVER_STREET_1, json={
        "street_id": "{street_1}", "title": "公租房配租", "kind": "public_housing", "places": 3,
        "opens_at": "2026-12-01T08:00:00+08:00", "closes_at": "2026-12-20T17:00:00+08:00"}),
    row("GET /api/v1/allocations/{allocation}", SIGNED_IN),
    row("POST /api/v1/allocations/{allocation}/applications", SIGNED_IN),
    row("POST /api/v1/allocations/{allocation}/ranking", OVER_STREET_1),
    row("POST /api/v1/allocations/{allocation}/objections", SIGNED_IN, json={"text": "积分统计有误"}),
    row("POST /api/v1/allocation-objections/{allocation_objection}/answer", OVER_STREET_1,
        json={"answer": "经复核，积分无误。"}),
    row("POST /api/v1/allocations/{allocation}/final", OVER_STREET_1),
    row("GET /api/v1/certificates", SIGNED_IN),
    row("POST /api/v1/certificates", SIGNED_IN),
    row("GET /api/v1/certificates/{certificate}.pdf", HOLDER, hide=HIDDEN),
    row("GET /api/v1/certificates/verify/{certificate_token}", public="what a printed certificate states"),
]
