"""The registration contract (community.registry): one registry per app, checked when the app is created,
and a toy package that plugs in scope type, role, action, menu link, home card and pages without touching
community/."""
from __future__ import annotations

import pytest
from flask import Blueprint, abort
from flask_login import current_user, login_required
from sqlalchemy import select

from app import create_app, db
from community.authz import can, require, scope_condition
from community.people.models import Person
from community.places.models import Grid
from community.registry import RegistryError, registry
from tests.factories import grant, login, make_community, make_grid, make_person, make_street


class Package:
    """A package whose init_app runs `register(registry)`."""

    def __init__(self, register):
        self.register = register

    def init_app(self, app):
        self.register(registry(app))


def _config(app, **extra):
    keys = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "TESTING", "WTF_CSRF_ENABLED")
    return {**{key: app.config[key] for key in keys}, "BACKGROUND_SYNC": True, "SERVER_NAME": None, **extra}


def _dispose(application) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_duplicate_action_stops_the_app(app):
    toy = Package(lambda reg: reg.actions_of("toy", {"person.list": {"community_admin"}}))
    with pytest.raises(RegistryError, match=r"action 'person.list' is registered twice: by people and by toy"):
        create_app(_config(app), extra_packages=[toy])


def test_an_action_naming_an_unknown_role_stops_the_app(app):
    toy = Package(lambda reg: reg.actions_of("toy", {"toy.view": {"community_admin", "grid_leader"}}))
    with pytest.raises(RegistryError, match=r"action 'toy.view' \(from toy\) names the unknown role 'grid_leader'"):
        create_app(_config(app), extra_packages=[toy])


def test_a_role_in_an_unknown_scope_type_or_twice_stops_the_app(app):
    toy = Package(lambda reg: reg.role("grid_leader", "网格长", {"toy_grid"}))
    with pytest.raises(RegistryError, match=r"role 'grid_leader' is held in the unknown scope type 'toy_grid'"):
        create_app(_config(app), extra_packages=[toy])
    toy = Package(lambda reg: reg.role("counter", "计票人", {"community"}))
    with pytest.raises(RegistryError, match=r"role 'counter' is registered twice"):
        create_app(_config(app), extra_packages=[toy])


def test_a_grant_of_an_unregistered_role_is_refused(app, places):
    from community.errors import Invalid
    from community.roles.services import grant_role

    admin, person = make_person(None, name="平台"), make_person(places["east"])
    grant(admin, "platform_admin")
    with pytest.raises(Invalid) as refused:
        grant_role(admin, person, "town_crier", "community", places["east"].id)  # no package registers it
    assert "role" in refused.value.fields


def test_two_apps_in_one_process_keep_their_own_registrations(app):
    before = registry(app)
    counts = (len(before.actions), len(before.menu_links), len(before.home_cards), len(before.demo_steps),
              len(before.access_rows))
    first, second = create_app(_config(app)), create_app(_config(app))
    try:
        assert registry(first) is not registry(second) is not before
        for other in (registry(first), registry(second)):
            assert (len(other.actions), len(other.menu_links), len(other.home_cards), len(other.demo_steps),
                    len(other.access_rows)) == counts
            endpoints = [link.endpoint for link in other.menu_links]
            assert len(endpoints) == len(set(endpoints))
        assert registry(app) is before and len(before.menu_links) == counts[1]
    finally:
        _dispose(first)
        _dispose(second)


# ---------------------------------------------------------------------------------------------- a toy package
toy_pages = Blueprint("toy", __name__, url_prefix="/toy")


@toy_pages.route("/grids/<int:grid_id>")
@login_required
def grid_page(grid_id: int):
    require(current_user, "toy.view", ("toy_grid", grid_id))  # before the lookup
    grid = db.session.get(Grid, grid_id) or abort(404)
    return f"网格 {grid.name}"


@toy_pages.route("/grids")
@login_required
def grid_list():
    require(current_user, "toy.view")
    statement = select(Grid.name).order_by(Grid.name)
    allowed = scope_condition(current_user, "toy.view", "toy_grid", Grid.id)
    return ",".join(db.session.scalars(statement if allowed is None else statement.where(allowed)))


def _toy(reg) -> None:
    """A grid leader (网格长) held in a grid, a scope type whose parent is the grid's community (a column);
    a household scope whose parent is its grid, reached through a SQL expression (a correlated select)."""
    from community.people.models import Person

    reg.scope_type("toy_grid", Grid, "网格", parent=("community", Grid.community_id))
    grid_of = select(Grid.id).where(Grid.id == Person.grid_id).scalar_subquery()
    reg.scope_type("toy_household", Person, "户", parent=("toy_grid", grid_of))
    reg.role("grid_leader", "网格长", {"toy_grid"})
    reg.actions_of("toy", {"toy.view": {"grid_leader", "community_admin"}})
    reg.blueprint(toy_pages)
    reg.menu_link("网格工作", "toy.grid_list", lambda person: can(person, "toy.view"))
    reg.home_card(lambda person: [{"title": "网格巡查提醒", "body": "本周巡查两次", "url": "/toy/grids"}]
                  if can(person, "toy.view") else [])


@pytest.fixture
def toy_app(app):
    application = create_app(_config(app), extra_packages=[Package(_toy)])
    with application.app_context():
        yield application
        db.session.remove()
    _dispose(application)


def test_a_toy_package_works_end_to_end(toy_app):
    street = make_street()
    east, west = make_community(street, "东门社区"), make_community(street, "西门社区")
    first, second, elsewhere = make_grid(east, "一网格"), make_grid(east, "二网格"), make_grid(west, "西一网格")
    leader, admin, resident = make_person(east, name="网格长"), make_person(east, name="社区"), make_person(east)
    grant(leader, "grid_leader", "toy_grid", first.id)
    grant(admin, "community_admin", "community", east.id)
    client = toy_app.test_client()

    login(client, leader)
    assert client.get(f"/toy/grids/{first.id}").status_code == 200
    assert client.get(f"/toy/grids/{second.id}").status_code == 403
    assert client.get("/toy/grids").get_data(as_text=True) == "一网格"
    home = client.get("/").get_data(as_text=True)
    assert "网格工作" in home and "网格巡查提醒" in home
    assert "网格长 · 一网格" in home  # the role's label and the scope's name, from the registration

    household = make_person(east, name="住户", grid_id=first.id)
    assert can(leader, "toy.view", ("toy_household", household.id))  # household → grid, through the select
    other_leader = make_person(east, name="二网格长")
    grant(other_leader, "grid_leader", "toy_grid", second.id)
    assert not can(other_leader, "toy.view", ("toy_household", household.id))
    assert set(db.session.scalars(select(Person.id).where(scope_condition(
        leader, "toy.view", "toy_household", Person.id)))) == {household.id}

    client.post("/logout")
    login(client, admin)  # the community's administrator reaches its grids through the registered parent
    assert client.get(f"/toy/grids/{second.id}").status_code == 200
    assert client.get(f"/toy/grids/{elsewhere.id}").status_code == 403
    assert client.get("/toy/grids").get_data(as_text=True) == "一网格,二网格"
    roles = client.get("/admin/roles/").get_data(as_text=True)
    assert "网格长" in roles and "一网格" in roles  # the grid leader's grant lies inside the admin's community

    client.post("/logout")
    login(client, resident)
    assert client.get("/toy/grids").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert "网格工作" not in home and "网格巡查提醒" not in home


def test_the_toy_is_not_in_the_main_app(client, places):
    assert client.get("/toy/grids").status_code in (302, 404)
    assert "toy_grid" not in registry().scope_types


def test_background_tasks_and_reminder_kinds_are_named_once(app):
    def twice(reg):
        reg.task("toy.export", lambda: None)
        reg.task("toy.export", lambda: None)

    with pytest.raises(RegistryError, match=r"background task 'toy.export' is registered twice"):
        create_app(_config(app), extra_packages=[Package(twice)])
    application = create_app(_config(app), extra_packages=[Package(lambda reg: reg.reminder_kind("toy.due", "到期"))])
    try:
        assert registry(application).reminder_kinds["toy.due"] == "到期"
        assert set(registry(application).reminder_kinds) - set(registry(app).reminder_kinds) == {"toy.due"}
        assert "toy.due" not in registry(app).reminder_kinds
    finally:
        _dispose(application)
