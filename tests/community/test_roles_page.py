"""The roles overview page: scoped, filterable, and its query count does not grow with its rows."""

from app import db
from tests.factories import count_statements, grant, login, make_admin, make_community, make_person


def test_street_admin_sees_roles_of_their_street_only(client, places):
    admin = make_admin("street_admin", ("street", places["street"].id), places["east"])
    helper = make_person(places["east"], name="赵师傅")
    grant(helper, "discussion_member", "community", places["east"].id)
    from tests.factories import make_street

    elsewhere = make_community(make_street("丹东街道"), "丹城社区")
    outsider = make_person(elsewhere, name="外街道")
    grant(outsider, "discussion_member", "community", elsewhere.id)
    login(client, admin)
    _count, page = count_statements(client, "/admin/roles/")
    assert "赵师傅" in page and "外街道" not in page
    _count, page = count_statements(client, "/admin/roles/?role=street_admin")
    assert "赵师傅" not in page


def test_query_count_does_not_grow_with_rows(client, places):
    admin = make_admin()
    login(client, admin)
    for i in range(3):
        community = make_community(places["street"], f"社区{i}")
        grant(make_person(community, name=f"甲{i}"), "discussion_member", "community", community.id)
    few, _page = count_statements(client, "/admin/roles/")
    for i in range(3, 20):
        community = make_community(places["street"], f"社区{i}")
        grant(make_person(community, name=f"乙{i}"), "organiser", "community", community.id)
    many, page = count_statements(client, "/admin/roles/")
    assert "乙19" in page
    assert many == few


def test_residents_may_not_open_it(client, places):
    login(client, make_person(places["east"]))
    assert client.get("/admin/roles/").status_code == 403


def test_granting_with_a_malformed_scope_is_refused_without_error(client, places):
    admin = make_admin()
    person = make_person(places["east"], name="某人")
    login(client, admin)
    for scope in ("community:²", "community:" + "9" * 40, "nonsense", ""):
        response = client.post(f"/admin/roles/person/{person.id}", data={"role": "organiser", "scope": scope})
        assert response.status_code == 302, scope
    from community.roles.models import RoleGrant

    assert db.session.query(RoleGrant).filter_by(person_id=person.id).count() == 0
