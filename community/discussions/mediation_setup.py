"""The mediation helper's parts of discussions (issue #12 points 4, 5, 7, 9), registered from
community/discussions/__init__.py: the role `mediator`, the actions, audit kinds, pages, API, the figures'
export task, menu links, home cards, the demo step and the access rows."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

ADMINS = {"community_admin", "street_admin"}
ACTIONS = {
    # Mediation: a case's parties and sessions are for its mediator ("self") and the administrators only.
    "mediation.list": ADMINS | {"mediator"},
    "mediation.open": ADMINS | {"mediator"},
    "mediation.assign": ADMINS,
    "mediation.case": ADMINS | {"self"},
    # The discussion group.
    "discussion_group.view": ADMINS | {"discussion_member", "mediator"},
    "discussion_group.manage": ADMINS,
    # The figures.
    "discussion_figures.view": ADMINS | {"discussion_member", "mediator"},
}
AUDIT_LABELS = {
    "mediation.open": _l("Mediation case opened"),
    "mediation.session": _l("Mediation session recorded"),
    "mediation.outcome": _l("Mediation outcome recorded"),
    "mediation.view": _l("Mediation case's parties viewed"),
    "discussion_group.set": _l("Discussion group member's role set"),
    "discussion_group.remove": _l("Removed from the discussion group"),
    "discussion_agenda.add": _l("Request put on a meeting's agenda"),
    "discussion_agenda.resolve": _l("Meeting's resolution on a request"),
    "discussion_agenda.remove": _l("Request taken off a meeting's agenda"),
    "discussion_agenda.cancelled": _l("Cancelled meeting's agenda returned to the queue"),
    "discussion_figures.export": _l("Discussion figures exported"),
}


def _can(action: str):
    def visible(person) -> bool:
        from community.authz import can

        return can(person, action)

    return visible


def home_cards(person) -> list[dict]:
    """A mediator's cases, and the figures for those who may see them (grants are loaded once a request)."""
    from community.authz import can

    cards = []
    if can(person, "mediation.list"):
        cards.append({"title": str(_l("Mediation cases")), "body": str(_l(
            "Disputes between neighbours, landlords and tenants, workers and employers: sessions and outcomes.")),
            "url": url_for("mediation.index")})
    if can(person, "discussion_figures.view"):
        cards.append({"title": str(_l("Discussion figures")), "body": str(_l(
            "Closure and satisfaction rates, days to close, mediation settlement rates.")),
            "url": url_for("discussion_figures.page")})
    return cards


def register(reg) -> None:
    """Everything the group, mediation, agenda and figures bring."""
    from community.discussions import (
        figures_export,
        mediation_access,
        mediation_models,  # noqa: F401  (the tables)
    )
    from community.discussions.agenda_views import bp as agenda_bp
    from community.discussions.figures_views import bp as figures_bp
    from community.discussions.mediation_api import blp
    from community.discussions.mediation_demo import seed_mediation
    from community.discussions.mediation_group_views import bp as group_bp
    from community.discussions.mediation_views import bp as mediation_bp

    reg.role("mediator", _l("Mediator"), {"community"})
    reg.actions_of("discussions.mediation", ACTIONS, picking={"mediation.assign", "discussion_group.manage"})
    for action, label in AUDIT_LABELS.items():
        reg.audit_kind(action, label)
    reg.blueprint(mediation_bp)
    reg.blueprint(group_bp)
    reg.blueprint(figures_bp)
    reg.blueprint(agenda_bp)
    from community.discussions.agenda import meeting_cancelled

    reg.meeting_cancelled(meeting_cancelled)  # its undecided items back to the queue
    reg.api_blueprint(blp)
    reg.task("discussions.figures_export", figures_export.export_task)
    reg.menu_link(_l("Mediation"), "mediation.index", _can("mediation.list"))
    reg.menu_link(_l("Discussion group"), "discussion_group.index", _can("discussion_group.view"))
    reg.menu_link(_l("Discussion figures"), "discussion_figures.page", _can("discussion_figures.view"))
    reg.home_card(home_cards)
    reg.demo_step(seed_mediation)
    reg.access(mediation_access.ACCESS_ROWS)
