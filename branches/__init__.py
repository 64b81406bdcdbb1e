"""Mobile party branches (流动党支部): members, outflow links, transfers, dues, organisational life.

So far only what the scopes need: branches of a street, home-side party organisations (流出地党组织) and
branch members sitting in both (see branches/models.py); the branches issue brings the rest. Imports go
one way (branches → community).
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "branch.list": {"street_admin", "secretary", "branch_committee"},
    "branch_member.list": {"street_admin", "secretary", "branch_committee", "liaison"},
    "branch_member.view": {"street_admin", "secretary", "branch_committee", "liaison"},
}


def init_app(app: Flask) -> None:
    """Register the branch package's scopes, roles, actions, pages, menu and access rows with the app."""
    from branches import access
    from branches.models import Branch, HomeOrganisation
    from branches.views import bp
    from community.authz import can
    from community.registry import registry

    reg = registry(app)
    reg.scope_type("branch", Branch, _l("Branch"), parent=("street", Branch.street_id))
    reg.scope_type("home_organisation", HomeOrganisation, _l("Home-side organisation"))
    reg.role("secretary", _l("Branch secretary"), {"branch"})
    reg.role("branch_committee", _l("Branch committee member"), {"branch"})
    reg.role("liaison", _l("Outflow-side liaison"), {"home_organisation"})
    reg.actions_of("branches", ACTIONS)
    reg.blueprint(bp)
    reg.menu_link(_l("Party members"), "branches.members", lambda person: can(person, "branch_member.list"))
    reg.access(access.ACCESS_ROWS)
    from branches import meetings

    meetings.register(app)  # organisational life (三会一课…) as kinds of meeting
