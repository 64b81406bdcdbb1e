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
    # The roster (branches/roster.py): street administrators set branches up, secretaries keep the roster.
    "branch.create": {"street_admin"},
    "branch.edit": {"street_admin"},
    "branch.pair": {"street_admin"},
    "home_organisation.create": {"street_admin"},
    "branch_member.add": {"street_admin", "secretary"},
    "branch_member.manage": {"street_admin", "secretary"},
    "branch_member.phone": {"street_admin", "secretary"},
    "branch_member.follow": {"liaison"},
}
# Organisational life and flags (branches/life.py, branches/flags.py).
LIFE_ACTIONS = {
    "branch_life.view": {"street_admin", "secretary", "branch_committee"},
    "branch_life.manage": {"street_admin", "secretary"},
    "branch_flag.view": {"street_admin", "secretary", "branch_committee", "liaison"},
    "branch_flag.resolve": {"secretary", "liaison"},
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
    from branches import audit_kinds

    audit_kinds.register(reg)
    reg.role("secretary", _l("Branch secretary"), {"branch"})
    reg.role("branch_committee", _l("Branch committee member"), {"branch"})
    reg.role("liaison", _l("Outflow-side liaison"), {"home_organisation"})
    reg.actions_of("branches", ACTIONS, picking={"branch_member.add"})
    reg.blueprint(bp)
    _roster(app)
    reg.menu_link(_l("Party members"), "branches.members", lambda person: can(person, "branch_member.list"))
    reg.access(access.ACCESS_ROWS)
    from branches import meetings

    meetings.register(app)  # organisational life (三会一课…) as kinds of meeting
    register_life(app)
    from branches import dues_setup  # dues and transfers: pages, API, reminders, scheduled job

    dues_setup.register(reg)
    from branches.life_demo import seed_year

    reg.demo_step(seed_year)  # after the roster's and the general meeting's steps: a year of meetings and dues
    from branches import liaison_setup  # two-place management and the dashboards

    liaison_setup.register(reg)


def register_life(app: Flask) -> None:
    """Organisational life and flags (branches/life.py, flags.py): pages, API, home cards, reminders, daily job."""
    from branches import life_reminders
    from branches.life_api import blp as life_api
    from branches.life_views import bp as life_pages
    from branches.life_views import home_cards
    from community.authz import can
    from community.registry import registry

    reg = registry(app)
    reg.actions_of("branch life", LIFE_ACTIONS)
    reg.blueprint(life_pages)
    reg.api_blueprint(life_api)
    reg.home_card(home_cards)
    reg.menu_link(_l("Organisational life"), "branch_life.board", lambda person: can(person, "branch_life.view"))
    reg.menu_link(_l("Flagged members"), "branch_life.flags", lambda person: can(person, "branch_flag.view"))
    reg.reminder_kind(life_reminders.LIFE, life_reminders.LIFE_KIND)
    reg.reminder_kind(life_reminders.FLAG, life_reminders.FLAG_KIND)
    reg.task("branches.daily", life_reminders.daily_task)
    reg.scheduled_job("branches.daily", hour=8, minute=30)  # flags raised, life due/overdue reminders


def _roster(app: Flask) -> None:
    """The roster's pages, API, import and export tasks, the join decision's reminder kind and the elections'
    party-membership source (branches/roster.py)."""
    from branches import joining, roster_excel, roster_views
    from branches.roster_api import blp
    from branches.roster_demo import seed_branches
    from branches.roster_sources import party_membership
    from community.registry import registry

    reg = registry(app)
    reg.blueprint(roster_views.bp)
    reg.blueprint(roster_views.join_bp)
    reg.api_blueprint(blp)
    reg.task("branch_roster_check", roster_excel.check_upload)
    reg.task("branch_roster_import", roster_excel.import_roster)
    reg.task("branch_roster_export", roster_excel.export_roster)
    reg.reminder_kind(joining.KIND, joining.JOIN_KIND)
    reg.party_membership_source(party_membership)
    reg.demo_step(seed_branches)
    from branches.bench_data import load_branches

    reg.bench_step("branches", load_branches)  # `flask bench-data`
