"""Resident representative elections (居民代表推选): roll, nominations, secret ballots, count, recall."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "election.create": {"street_admin", "community_admin"},
    "election.manage": {"election_committee", "street_admin", "community_admin"},
    "election.appoint": {"street_admin", "community_admin"},
    "election.enter_paper": {"counter"},
    # The vote supervisors (监票人) who hold shares of a round's key are the committee and the counters;
    # any k of them together open the sealed ballots for the count.
    "election.open_ballots": {"election_committee", "counter"},
    "election.view_roll": {"election_committee", "counter", "street_admin", "community_admin"},
}


def _appoint(role: str):
    def appoint(actor, person, election_id: int):
        from app import db
        from community.elections.models import Election
        from community.elections.services.setup import appoint as appoint_official

        return appoint_official(actor, db.session.get(Election, election_id), person, role)

    return appoint


def _dismiss(actor, grant) -> None:
    from app import db
    from community.elections.models import Election
    from community.elections.services.setup import dismiss

    dismiss(actor, db.session.get(Election, grant.scope_id), grant.person_id, grant.role)


def init_app(app: Flask) -> None:
    """Register the elections' scope, roles, actions, pages, API, menu, home cards, demo data, access rows,
    reminder kinds, calendar deadlines, waiting approvals and audit labels."""
    from community.elections import access, audit_kinds, intro_views, key_views, models, sealed_models  # noqa: F401  (pages; tables; audit labels)
    from community.elections.api import blp as elections_api
    from community.elections.demo import seed_elections
    from community.elections.hooks import home_panels
    from community.elections.manage_views import bp as manage_bp
    from community.elections.services import candidates as cands
    from community.elections.views import bp as public_bp
    from community.registry import registry

    reg = registry(app)
    reg.scope_type("election", models.Election, _l("Election"), parent=("community", models.Election.community_id),
                   grant_action="election.appoint")
    # The roles pages and API go through the election's own rules to appoint and dismiss these.
    reg.role("election_committee", _l("Election committee member"), {"election"},
             appoint=_appoint("election_committee"), dismiss=_dismiss)
    reg.role("counter", _l("Counter"), {"election"}, appoint=_appoint("counter"), dismiss=_dismiss)
    # The committee's forms choose residents with the person picker (voters, candidates, officials, proxies).
    reg.actions_of("elections", ACTIONS, picking={"election.manage", "election.appoint"})
    # A voter's joint nomination chooses the nominee among the voters on the roll (a voter holds no role).
    reg.picker_rule(cands.NOMINEE_PICKER, cands.roll_findable)
    reg.blueprint(public_bp)
    reg.blueprint(manage_bp)
    reg.api_blueprint(elections_api)
    reg.menu_link(_l("Elections"), "elections.index")
    reg.home_card(home_panels)
    reg.demo_step(seed_elections)
    reg.access(access.ACCESS_ROWS)
    audit_kinds.register(reg)
    from community.elections import agenda, reminder_kinds

    reminder_kinds.register(reg)  # roll published … results published, worded with full dates
    reg.calendar_source(agenda.calendar_events)  # deadlines in the personal .ics feed
    reg.approval_source(agenda.approvals_waiting)  # the committee's waiting work, for the 09:00 digest
    from community.elections.services.tally import check_task, verify_all

    reg.task("elections.check", check_task)
    reg.scheduled_job("elections.check", minute=17)  # every hour: results pages show this recount, never their own

    reg.integrity_check("ballots", _l("Ballots"), verify_all)  # `flask integrity check`: every counted round
