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
    """Register the elections' scope, roles, actions, pages, API, menu, home cards, demo data and access rows."""
    from community.elections import access, key_views, models, sealed_models  # noqa: F401  (ceremony pages; tables)
    from community.elections.api import blp as elections_api
    from community.elections.demo import seed_elections
    from community.elections.hooks import home_panels
    from community.elections.manage_views import bp as manage_bp
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
    reg.blueprint(public_bp)
    reg.blueprint(manage_bp)
    reg.api_blueprint(elections_api)
    reg.menu_link(_l("Elections"), "elections.index")
    reg.home_card(home_panels)
    reg.demo_step(seed_elections)
    reg.access(access.ACCESS_ROWS)
