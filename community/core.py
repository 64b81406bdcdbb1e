"""The civic core's own parts (places, people, accounts, roles, audit) plugged in like any other package."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from community.registry import registry


def _can(action: str, scope=None):
    def visible(person) -> bool:
        from community.authz import can

        return can(person, action, scope)

    return visible


def places(app: Flask) -> None:
    from community.places.api import blp
    from community.places.models import Community, Street
    from community.places.views import bp

    reg = registry(app)
    reg.scope_type("platform", None, _l("Whole platform"))
    reg.scope_type("street", Street, _l("Street"))
    reg.scope_type("community", Community, _l("Community"), parent=("street", Community.street_id))
    reg.actions_of("places", {
        "street.edit": {"street_admin"},
        "community.create": {"street_admin"},
        "community.edit": {"street_admin", "community_admin"},
        "grid.manage": {"street_admin", "community_admin"},
    })
    reg.blueprint(bp)
    reg.api_blueprint(blp)


def people(app: Flask) -> None:
    from community.people.api import blp
    from community.people.picker_api import blp as picker_blp
    from community.people.views import bp

    reg = registry(app)
    reg.actions_of("people", {
        "person.list": {"street_admin", "community_admin"},
        "person.view": {"street_admin", "community_admin", "self"},
        "person.create": {"street_admin", "community_admin"},
        "person.edit": {"street_admin", "community_admin"},
        "person.reset_password": {"street_admin", "community_admin"},
        "person.import": {"street_admin", "community_admin"},
        "person.export": {"street_admin", "community_admin", "self"},
    }, account={"person.edit", "person.reset_password"},  # the actor must cover the person's roles (authz.covers)
        picking={"person.list"})  # administrators choose people of their communities with the person picker
    reg.blueprint(bp)
    reg.api_blueprint(blp)
    reg.api_blueprint(picker_blp)
    from community.people import excel

    reg.task("import_check", excel.check_upload)  # background jobs, run by the task queue's consumer
    reg.task("import", excel.import_people)
    reg.task("export", excel.export_people)


def accounts(app: Flask) -> None:
    from community.accounts.api import blp
    from community.accounts.views import bp

    reg = registry(app)
    reg.blueprint(bp)
    reg.api_blueprint(blp)


def roles(app: Flask) -> None:
    from community.roles.api import blp
    from community.roles.views import bp

    reg = registry(app)
    reg.role("platform_admin", _l("Platform administrator"), {"platform"}, platform_granted=True)
    reg.role("street_admin", _l("Street administrator"), {"street"}, administers=True, platform_granted=True)
    reg.role("community_admin", _l("Community administrator"), {"community"}, administers=True)
    reg.role("discussion_member", _l("Discussion group member"), {"community"})
    reg.actions_of("roles", {
        "role.grant": {"street_admin", "community_admin"},
        "role.list": {"street_admin", "community_admin"},
    })
    reg.blueprint(bp)
    reg.api_blueprint(blp)


def audit(app: Flask) -> None:
    from community.audit.views import bp

    reg = registry(app)
    reg.actions_of("audit", {"audit.view": set()})  # platform administrators only: the log spans every street
    reg.blueprint(bp)


def register(app: Flask) -> None:
    """The home page, every core part (each with its pages and API), then the core's menu and access rows."""
    from community import access, home

    reg = registry(app)
    reg.blueprint(home.bp)
    for part in (accounts, places, people, roles, audit):
        part(app)
    from community import reminders

    reminders.init_app(app)  # the outbox, its dispatch and scheduler; producers register their kinds
    reg.menu_link(_l("People"), "people.index", _can("person.list"))
    reg.menu_link(_l("Places"), "places.index", _can("person.list"))
    reg.menu_link(_l("Roles"), "roles.index", _can("person.list"))
    reg.menu_link(_l("Audit log"), "audit.index", _can("audit.view", ("platform", 0)))
    reg.access(access.ACCESS_ROWS)
