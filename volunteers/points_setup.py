"""What the points part of the volunteers package registers with the app: the organisation scope, the scorer
role, actions, audit kinds, the person picker's rules, pages, API, menu, demo step and access rows."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The ledger (volunteers/ledger.py): a street administrator corrects a mistake with a reversing entry.
# Scoring authority (volunteers/organisations.py, grants.py): the street sets organisations, quotas and caps
# up; the organisations' scorers grant. A person's points page: the person and the administrators over them.
ACTIONS = {
    "points.reverse": {"street_admin"},
    "points.view": {"self", "street_admin", "community_admin"},
    "organisation.view": {"street_admin", "scorer"},
    "organisation.create": {"street_admin"},
    "organisation.manage": {"street_admin"},
    "quota.set": {"street_admin"},
    "points_rules.set": {"street_admin"},
    "points.grant": {"scorer"},
    # Quantified points (volunteers/quantified.py): the street configures the items, administrators award them.
    "quantified.configure": {"street_admin"},
    "quantified.award": {"street_admin", "community_admin"},
}
AUDIT_LABELS = {
    "points.reverse": _l("Points entry reversed"),
    "points.grant": _l("Points granted"),
    "organisation.create": _l("Scoring organisation registered"),
    "organisation.member_add": _l("Member added to a scoring organisation"),
    "organisation.member_remove": _l("Member removed from a scoring organisation"),
    "quota.set": _l("Points quota set"),
    "points_rules.set": _l("Points caps set"),
    "quantified.configure": _l("Quantified-points item configured"),
    "quantified.award": _l("Quantified points awarded"),
}


def register(reg) -> None:
    """The organisation scope, the scorer role, actions, audit kinds, pickers and the reversal hook."""
    from volunteers import ledger
    from volunteers.grants import give_back_quota
    from volunteers.points_models import Organisation

    reg.scope_type("organisation", Organisation, _l("Scoring organisation"),
                   parent=("community", Organisation.community_id), grant_action="organisation.manage")
    reg.role("scorer", _l("Scorer"), {"organisation"})
    reg.actions_of("volunteers points", ACTIONS, picking={"quantified.award"})
    reg.picker_rule("points.grant", _grant_picker)
    reg.picker_rule("organisation.manage", _member_picker)
    for action, label in AUDIT_LABELS.items():
        reg.audit_kind(action, label)
    from volunteers.quantified import stop_counting

    ledger.on_reversal(give_back_quota)
    ledger.on_reversal(stop_counting)
    from volunteers.ledger_check import ledger_problems

    reg.sealed_table(ledger.LedgerEntry.__table__, _l("Points ledger"))  # `flask integrity`: the hash chain
    reg.integrity_check("ledger", _l("Points ledger"), ledger_problems)  # totals = the sum of the entries
    from community.authz import can
    from volunteers import points_admin_views, points_views, quantified_views
    from volunteers.points_api import blp as api

    reg.api_blueprint(api)
    reg.blueprint(points_views.bp)
    reg.blueprint(points_admin_views.bp)
    reg.blueprint(quantified_views.bp)
    reg.home_card(points_views.home_cards)
    reg.menu_link(_l("My points"), "points.mine")
    reg.menu_link(_l("Grant points"), "points.scorer", lambda person: can(person, "points.grant"))
    reg.menu_link(_l("Scoring organisations"), "points_admin.organisations",
                  lambda person: can(person, "organisation.manage"))
    from volunteers.points_access import ACCESS_ROWS
    from volunteers.points_demo import seed_points

    reg.access(ACCESS_ROWS)
    reg.demo_step(seed_points)


def _organisation_of(scope):
    from app import db
    from community.errors import Invalid
    from volunteers.points_models import Organisation

    if scope[0] != "organisation":
        raise Invalid(str(_l("This form does not choose people.")))
    organisation = db.session.get(Organisation, scope[1])
    if organisation is None:
        raise Invalid(str(_l("This form does not choose people.")))
    return organisation


def _grant_picker(actor, scope):
    """A scorer finds the people their organisation may grant to (its residents or its members)."""
    from community.authz import require
    from community.people.models import Person
    from volunteers.organisations import in_scope_condition

    require(actor, "points.grant", scope)
    return in_scope_condition(_organisation_of(scope), Person.id)


def _member_picker(actor, scope):
    """A street administrator registering an organisation's members finds the people of its street."""
    from sqlalchemy import select

    from community.authz import require
    from community.people.models import Person
    from community.places.models import Community

    require(actor, "organisation.manage", scope)
    organisation = _organisation_of(scope)
    return Person.community_id.in_(select(Community.id).where(Community.street_id
                                                              == organisation.community.street_id))
