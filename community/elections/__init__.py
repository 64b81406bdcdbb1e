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


def _election_parent(election_id: int):
    from sqlalchemy import select

    from app import db
    from community.elections.models import Election

    community_id = db.session.scalar(select(Election.community_id).where(Election.id == election_id))
    return ("community", community_id) if community_id else None


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


def _elections_within(community_ids):
    from sqlalchemy import select

    from community.elections.models import Election

    return select(Election.id).where(Election.community_id.in_(community_ids))


def init_app(app: Flask) -> None:
    """Register the elections' models, scope, actions, pages, API, menu, home cards and demo data."""
    import community
    from app import api, csrf
    from community.authz import register_actions, register_scope
    from community.elections import key_views, models, sealed_models  # noqa: F401  (ceremony pages; tables)
    from community.elections.api import blp as elections_api
    from community.elections.demo import seed_elections
    from community.elections.hooks import home_panels, nav_links, scope_options
    from community.elections.manage_views import bp as manage_bp
    from community.elections.views import bp as public_bp

    register_scope("election", models.Election, _election_parent, label=_l("Election"))
    from community.roles.services import APPOINTERS, DISMISSERS, SCOPES_WITHIN_COMMUNITIES

    SCOPES_WITHIN_COMMUNITIES["election"] = _elections_within

    for role in ("election_committee", "counter"):  # the roles pages and API go through the election's rules
        APPOINTERS[role] = _appoint(role)
        DISMISSERS[role] = _dismiss
    register_actions(ACTIONS)
    app.register_blueprint(public_bp)
    app.register_blueprint(manage_bp)
    api.register_blueprint(elections_api)
    csrf.exempt(elections_api)
    for registry, fn in ((community.NAV_LINKS, nav_links), (community.HOME_PANELS, home_panels),
                         (community.SCOPE_OPTIONS, scope_options), (community.SEED_STEPS, seed_elections)):
        if fn not in registry:  # tests build several apps in one process
            registry.append(fn)
