"""What two-place management and the dashboards register with the app: actions, pages, API, the report task,
the liaison's menu link and the home cards that lead to each dashboard."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "home_member.list": {"liaison"},
    "home_report.make": {"liaison"},
    "home_report.branch": {"secretary"},
    "branch_dashboard.view": {"street_admin", "secretary", "branch_committee"},
    "street_dashboard.view": {"street_admin"},
}


def home_cards(person) -> list[dict]:
    """A card per dashboard or organisation the person holds a role for (grants are loaded once a request)."""
    from community.authz import grants_of

    cards = []
    for grant in grants_of(person):
        if grant.role == "liaison" and grant.scope_type == "home_organisation":
            cards.append({"title": str(_l("My members away from home")), "body": str(_l(
                "Attendance, dues and who has not been heard from, in every branch.")),
                "url": url_for("branch_liaison.members", organisation_id=grant.scope_id)})
        elif grant.role == "secretary" and grant.scope_type == "branch":
            cards.append({"title": str(_l("Branch dashboard")), "body": str(_l(
                "Members, attendance, dues and overdue organisational life.")),
                "url": url_for("branch_dashboard.branch_dashboard", branch_id=grant.scope_id)})
        elif grant.role == "street_admin" and grant.scope_type == "street":
            cards.append({"title": str(_l("Party branches dashboard")), "body": str(_l(
                "Every branch of the street: members, attendance, dues and overdue organisational life.")),
                "url": url_for("branch_dashboard.street_dashboard", street_id=grant.scope_id)})
    return cards


def register(reg) -> None:
    """Actions, blueprints, the API blueprint, the report task, the menu link and the home cards."""
    from branches.dashboard import bp as dashboard_bp
    from branches.liaison_api import blp
    from branches.liaison_report import liaison_report_task
    from branches.liaison_views import bp as liaison_bp
    from community.authz import can

    reg.actions_of("branches.liaison", ACTIONS)
    reg.blueprint(liaison_bp)
    reg.blueprint(dashboard_bp)
    reg.api_blueprint(blp)
    reg.task("branches.home_report", liaison_report_task)
    reg.menu_link(_l("My members away from home"), "branch_liaison.home",
                  lambda person: can(person, "home_member.list"))
    reg.home_card(home_cards)
