"""What the uses of points bring to the app: redemptions, ranked allocations, certificates (issue #11, 7–9).

Actions, audit labels, the decision notices, the tasks (certificate PDF, .xlsx exports), the approvals digest's
source, pages, API, menu links, home cards, demo data and access rows.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

ACTIONS = {
    "redemption_item.manage": {"street_admin"},
    "redemption.apply": {"self"},
    "redemption.withdraw": {"self"},
    "redemption.view": {"self", "street_admin", "community_admin"},
    "redemption.decide": {"street_admin", "community_admin"},
    "redemption.export": {"street_admin", "community_admin"},
    "allocation.manage": {"street_admin"},
    "allocation.apply": {"self"},
    "certificate.request": {"self"},
    "certificate.view": {"self", "street_admin", "community_admin"},
}
AUDIT = {
    "redemption_item.create": _l("Catalogue item added"),
    "redemption_item.update": _l("Catalogue item changed"),
    "redemption.apply": _l("Redemption applied for"),
    "redemption.withdraw": _l("Redemption withdrawn"),
    "redemption.approve": _l("Redemption approved"),
    "redemption.decline": _l("Redemption declined"),
    "redemption.export": _l("Redemptions exported"),
    "allocation.create": _l("Allocation opened"),
    "allocation.apply": _l("Applied for an allocation"),
    "allocation.publish": _l("Allocation list published (公示)"),
    "allocation.object": _l("Objection to an allocation list"),
    "allocation.answer": _l("Objection answered"),
    "allocation.finalise": _l("Allocation list made final"),
    "allocation.export": _l("Allocation list exported"),
    "certificate.request": _l("Volunteer certificate issued"),
}


def approvals_waiting() -> list[tuple[int, str, int, str]]:
    """For each community and street administrator: redemptions waiting in their scope; for street
    administrators also unanswered objections to their allocations. Three grouped queries for everyone."""
    from app import db
    from community.places.models import Community
    from community.roles.models import RoleGrant
    from volunteers.allocation import Allocation, AllocationObjection
    from volunteers.redemptions import Redemption

    pending = Redemption.state == "pending"
    statements = [
        (_("redemptions to approve"),
         select(RoleGrant.person_id, func.count(Redemption.id))
         .join(Redemption, Redemption.community_id == RoleGrant.scope_id)
         .where(RoleGrant.role == "community_admin", RoleGrant.scope_type == "community", pending)),
        (_("redemptions to approve"),
         select(RoleGrant.person_id, func.count(Redemption.id))
         .join(Community, Community.street_id == RoleGrant.scope_id)
         .join(Redemption, Redemption.community_id == Community.id)
         .where(RoleGrant.role == "street_admin", RoleGrant.scope_type == "street", pending)),
        (_("objections to allocation lists"),
         select(RoleGrant.person_id, func.count(AllocationObjection.id))
         .join(Allocation, Allocation.street_id == RoleGrant.scope_id)
         .join(AllocationObjection, AllocationObjection.allocation_id == Allocation.id)
         .where(RoleGrant.role == "street_admin", RoleGrant.scope_type == "street",
                AllocationObjection.answered_at.is_(None))),
    ]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for label, statement in statements:
        for person_id, count in db.session.execute(statement.group_by(RoleGrant.person_id)):
            counts[(person_id, label)] += count
    return [(person_id, label, count, "/volunteers/approvals") for (person_id, label), count in counts.items()
            if count]


def home_cards(person) -> list[dict]:
    """A resident's card to the catalogue and certificates; an approver's card when work waits (no query for
    residents beyond their grants)."""
    from flask import url_for

    from community.authz import can

    cards = [{"title": str(_l("Use my points")), "body": str(_l(
        "Health checks, recuperation stays and goods of the charity shop; school places and housing by points.")),
        "url": url_for("volunteer_uses.redeem")}]
    if can(person, "redemption.decide") or can(person, "allocation.manage"):
        cards.append({"title": str(_l("Approvals waiting")), "body": str(_l(
            "Redemptions to approve and objections to answer.")), "url": url_for("volunteer_uses.approvals")})
    return cards


def register(reg) -> None:
    """Everything of redemptions, allocations and certificates, registered with the app's registry."""
    from community.authz import can
    from volunteers import (
        allocation_api,
        allocation_views,
        certificates,
        certificates_api,
        certificates_views,
        redemptions_access,
        redemptions_api,
        redemptions_demo,
        redemptions_excel,
        redemptions_notices,
        redemptions_views,
    )

    reg.actions_of("volunteers.uses", ACTIONS)
    for action, label in AUDIT.items():
        reg.audit_kind(action, label)
    reg.reminder_kind(redemptions_notices.REDEMPTION, redemptions_notices.REDEMPTION_KIND)
    reg.reminder_kind(redemptions_notices.OBJECTION, redemptions_notices.OBJECTION_KIND)
    reg.reminder_kind(redemptions_notices.LIST, redemptions_notices.LIST_KIND)
    reg.task(certificates.TASK, certificates.make_certificate)
    reg.task(redemptions_excel.REDEMPTIONS_TASK, redemptions_excel.export_redemptions)
    reg.task(redemptions_excel.ALLOCATION_TASK, redemptions_excel.export_allocation)
    reg.approval_source(approvals_waiting)
    for bp in (redemptions_views.bp, allocation_views.bp, certificates_views.bp, certificates_views.verify_bp):
        reg.blueprint(bp)
    for blp in (redemptions_api.blp, allocation_api.blp, certificates_api.blp):
        reg.api_blueprint(blp)
    reg.menu_link(_l("Use my points"), "volunteer_uses.redeem")
    reg.menu_link(_l("My certificates"), "volunteer_certificates.mine")
    reg.menu_link(_l("Approvals waiting"), "volunteer_uses.approvals",
                  lambda person: can(person, "redemption.decide") or can(person, "allocation.manage"))
    reg.home_card(home_cards)
    reg.demo_step(redemptions_demo.seed_uses)
    reg.access(redemptions_access.ACCESS_ROWS)
