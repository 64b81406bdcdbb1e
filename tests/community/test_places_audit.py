"""Places pages and services, the audit log page, and how errors look inside and outside /api."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.audit.services import audit_query, record
from community.database import unit_of_work
from community.errors import Conflict, Forbidden, Invalid
from community.places import services
from community.places.models import Community, Grid, Street
from tests.factories import login, make_admin, make_community, make_grid, make_person, make_street, token_for


def count(model, *where) -> int:
    db.session.expire_all()
    statement = select(func.count()).select_from(model)
    for clause in where:
        statement = statement.where(clause)
    return db.session.scalar(statement)


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def assert_html(response, status: int):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "<html" in text.lower()
    assert '"error"' not in text[:200]
    return text


def assert_json_error(response, status: int, code: str):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == code


# ---------------------------------------------------------------- services


def test_services_create_places_with_audit(places):
    admin = make_admin()
    street = services.create_street(admin, "  丹西街道  ", "宁海县")
    assert street.name == "丹西街道" and street.county == "宁海县"
    community = services.create_community(admin, street, "丹城社区")
    grid = services.create_grid(admin, community, "第一网格")
    db.session.expire_all()
    assert db.session.get(Grid, grid.id).community_id == community.id
    assert [e.object_id for e in audit_rows("street.create")] == [street.id]
    assert [e.object_id for e in audit_rows("community.create")] == [community.id]
    assert [e.object_id for e in audit_rows("grid.create")] == [grid.id]


def test_service_duplicates_are_conflicts(places):
    admin = make_admin()
    with pytest.raises(Conflict):
        services.create_street(admin, "爵溪街道")
    with pytest.raises(Conflict):
        services.create_community(admin, places["street"], "东门社区")
    make_grid(places["east"], "第一网格")
    with pytest.raises(Conflict):
        services.create_grid(admin, places["east"], "第一网格")
    assert count(Street) == 1 and count(Community) == 2 and count(Grid) == 1
    # the same grid name in another community is fine
    services.create_grid(admin, places["west"], "第一网格")
    assert count(Grid) == 2


@pytest.mark.parametrize("name", ["", "   ", None, "名" * 61])
def test_service_names_are_checked(places, name):
    admin = make_admin()
    with pytest.raises(Invalid) as caught:
        services.create_community(admin, places["street"], name)
    assert "name" in caught.value.fields
    assert count(Community) == 2


def test_service_scopes(places):
    other = make_street("丹西街道", "宁海县")
    street_admin = make_admin("street_admin", ("street", places["street"].id))
    east_admin = make_admin("community_admin", ("community", places["east"].id))
    with pytest.raises(Forbidden):
        services.create_street(street_admin, "新街道")
    with pytest.raises(Forbidden):
        services.create_community(street_admin, other, "丹城社区")
    with pytest.raises(Forbidden):
        services.create_community(east_admin, places["street"], "北门社区")
    with pytest.raises(Forbidden):
        services.create_grid(east_admin, places["west"], "西一网格")
    services.create_community(street_admin, places["street"], "北门社区")
    services.create_grid(east_admin, places["east"], "东一网格")
    services.create_grid(street_admin, places["west"], "西一网格")
    assert count(Street) == 2 and count(Community) == 3 and count(Grid) == 2


def test_rename_community(places):
    east_admin = make_admin("community_admin", ("community", places["east"].id))
    services.rename_community(east_admin, places["east"], "东门新社区")
    db.session.expire_all()
    assert db.session.get(Community, places["east"].id).name == "东门新社区"
    with pytest.raises(Conflict):
        services.rename_community(east_admin, db.session.get(Community, places["east"].id), "西门社区")
    with pytest.raises(Forbidden):
        services.rename_community(east_admin, db.session.get(Community, places["west"].id), "西门新社区")
    db.session.expire_all()
    assert {c.name for c in db.session.scalars(select(Community))} == {"东门新社区", "西门社区"}


def test_communities_for_follows_scope(places):
    other = make_street("丹西街道", "宁海县")
    make_community(other, "丹城社区")
    street_admin = make_admin("street_admin", ("street", places["street"].id))
    east_admin = make_admin("community_admin", ("community", places["east"].id))
    platform = make_admin()
    names = lambda actor: {c.name for c in db.session.scalars(services.communities_for(actor))}  # noqa: E731
    assert names(street_admin) == {"东门社区", "西门社区"}
    assert names(east_admin) == {"东门社区"}
    assert names(platform) == {"东门社区", "西门社区", "丹城社区"}
    assert names(make_person(places["east"])) == set()


# ---------------------------------------------------------------- pages


def test_places_page_shows_own_street(client, places):
    other = make_street("丹西街道", "宁海县")
    admin = make_admin("street_admin", ("street", places["street"].id))
    login(client, admin)
    page = assert_html(client.get("/admin/places/"), 200)
    assert "爵溪街道" in page and "东门社区" in page
    assert "丹西街道" not in page
    assert other.name not in page


def test_places_page_refused_to_residents(client, places):
    login(client, make_person(places["east"]))
    assert_html(client.get("/admin/places/"), 403)


def test_platform_admin_adds_street_on_the_page(client, places):
    admin = make_admin()
    login(client, admin)
    response = client.post("/admin/places/streets", data={"name": "丹西街道", "county": "宁海县"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/places/")
    assert count(Street, Street.name == "丹西街道", Street.county == "宁海县") == 1
    assert len(audit_rows("street.create")) == 1
    page = client.get("/admin/places/").get_data(as_text=True)
    assert "丹西街道" in page and "alert-success" in page


def test_duplicate_street_on_the_page_is_a_message_not_500(client, places):
    login(client, make_admin())
    response = client.post("/admin/places/streets", data={"name": "爵溪街道", "county": "象山县"})
    assert response.status_code == 302
    page = assert_html(client.get("/admin/places/"), 200)
    assert "alert-danger" in page
    assert count(Street) == 1
    assert audit_rows("street.create") == []


def test_empty_name_on_the_page_is_a_message(client, places):
    login(client, make_admin())
    response = client.post("/admin/places/streets", data={"name": "  "}, follow_redirects=True)
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True)
    assert count(Street) == 1


def test_street_admin_cannot_add_street_on_the_page(client, places):
    login(client, make_admin("street_admin", ("street", places["street"].id)))
    assert_html(client.post("/admin/places/streets", data={"name": "新街道"}), 403)
    assert count(Street) == 1


def test_communities_on_the_page(client, places):
    other = make_street("丹西街道", "宁海县")
    login(client, make_admin("street_admin", ("street", places["street"].id)))
    url = f"/admin/places/streets/{places['street'].id}/communities"
    assert client.post(url, data={"name": "北门社区"}).status_code == 302
    assert count(Community, Community.name == "北门社区") == 1
    duplicate = client.post(url, data={"name": "东门社区"}, follow_redirects=True)
    assert duplicate.status_code == 200 and "alert-danger" in duplicate.get_data(as_text=True)
    assert_html(client.post(f"/admin/places/streets/{other.id}/communities", data={"name": "丹城社区"}), 403)
    assert_html(client.post("/admin/places/streets/999999/communities", data={"name": "某社区"}), 404)
    assert count(Community) == 3


def test_grids_on_the_page(client, places):
    login(client, make_admin("community_admin", ("community", places["east"].id)))
    url = f"/admin/places/communities/{places['east'].id}/grids"
    assert client.post(url, data={"name": "第一网格"}).status_code == 302
    assert count(Grid, Grid.community_id == places["east"].id) == 1
    duplicate = client.post(url, data={"name": "第一网格"}, follow_redirects=True)
    assert duplicate.status_code == 200 and "alert-danger" in duplicate.get_data(as_text=True)
    assert_html(client.post(f"/admin/places/communities/{places['west'].id}/grids", data={"name": "西一"}), 403)
    assert_html(client.post("/admin/places/communities/999999/grids", data={"name": "x"}), 404)
    assert count(Grid) == 1
    assert len(audit_rows("grid.create")) == 1


def test_place_pages_need_sign_in(client, places):
    response = client.post("/admin/places/streets", data={"name": "新街道"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(Street) == 1


# ---------------------------------------------------------------- audit page


@pytest.fixture
def log(places):
    actor = make_admin()
    old = record(actor, "person.view", summary="MARK-OLD-VIEW")
    old.created_at = datetime.now(UTC) - timedelta(days=10)
    record(actor, "person.view", summary="MARK-NEW-VIEW")
    record(actor, "person.export", summary="MARK-NEW-EXPORT")
    record(actor, "street.create", summary="MARK-NEW-STREET")
    db.session.commit()
    return actor


def test_audit_page_filters_by_action_prefix(client, log):
    login(client, log)
    page = assert_html(client.get("/admin/audit/"), 200)
    for mark in ("MARK-OLD-VIEW", "MARK-NEW-VIEW", "MARK-NEW-EXPORT", "MARK-NEW-STREET"):
        assert mark in page
    page = client.get("/admin/audit/?action=person.").get_data(as_text=True)
    assert "MARK-NEW-VIEW" in page and "MARK-NEW-EXPORT" in page and "MARK-OLD-VIEW" in page
    assert "MARK-NEW-STREET" not in page
    page = client.get("/admin/audit/?action=person.view").get_data(as_text=True)
    assert "MARK-NEW-VIEW" in page and "MARK-NEW-EXPORT" not in page


def test_audit_page_filters_by_date(client, log):
    login(client, log)
    today = datetime.now(UTC).date()
    recent = client.get(f"/admin/audit/?since={(today - timedelta(days=2)).isoformat()}").get_data(as_text=True)
    assert "MARK-NEW-VIEW" in recent and "MARK-OLD-VIEW" not in recent
    early = client.get(f"/admin/audit/?until={(today - timedelta(days=5)).isoformat()}").get_data(as_text=True)
    assert "MARK-OLD-VIEW" in early and "MARK-NEW-VIEW" not in early
    both = client.get(f"/admin/audit/?action=person.view&since={(today - timedelta(days=11)).isoformat()}"
                      f"&until={(today - timedelta(days=9)).isoformat()}").get_data(as_text=True)
    assert "MARK-OLD-VIEW" in both and "MARK-NEW-VIEW" not in both
    garbage = client.get("/admin/audit/?since=not-a-date&until=2024-99-99")
    assert garbage.status_code == 200  # bad dates are ignored, not a 500


def test_audit_page_filters_by_actor(client, log, places):
    other = make_person(places["east"])
    with unit_of_work():
        record(other, "account.login", summary="MARK-OTHER-ACTOR")
    login(client, log)
    page = client.get(f"/admin/audit/?actor_id={other.id}").get_data(as_text=True)
    assert "MARK-OTHER-ACTOR" in page and "MARK-NEW-VIEW" not in page


def test_audit_query_service(log):
    today = datetime.now(UTC)
    summaries = lambda statement: {e.summary for e in db.session.scalars(statement)}  # noqa: E731
    assert summaries(audit_query(log, action="person.")) == {"MARK-OLD-VIEW", "MARK-NEW-VIEW", "MARK-NEW-EXPORT"}
    assert summaries(audit_query(log, since=today - timedelta(days=1))) >= {"MARK-NEW-VIEW", "MARK-NEW-STREET"}
    assert "MARK-OLD-VIEW" not in summaries(audit_query(log, since=today - timedelta(days=1)))


@pytest.mark.parametrize("role", ["street_admin", "community_admin", None])
def test_audit_page_is_for_platform_admins_only(client, log, places, role):
    if role == "street_admin":
        actor = make_admin("street_admin", ("street", places["street"].id))
    elif role == "community_admin":
        actor = make_admin("community_admin", ("community", places["east"].id))
    else:
        actor = make_person(places["east"])
    login(client, actor)
    page = assert_html(client.get("/admin/audit/"), 403)
    assert "MARK-NEW-VIEW" not in page
    with pytest.raises(Forbidden):
        audit_query(actor)


# ---------------------------------------------------------------- error pages


def test_errors_are_html_outside_api_and_json_inside(client, places):
    resident = make_person(places["east"])
    headers = token_for(client, resident)
    login(client, resident)
    assert_html(client.get("/admin/people/"), 403)
    assert_html(client.get("/admin/people/999999"), 403)  # permission before the lookup: no 404 oracle
    assert_html(client.get("/no/such/page"), 404)
    assert_html(client.get("/jobs/unknown-job"), 404)
    assert_json_error(client.get("/api/v1/people", headers=headers), 403, "forbidden")
    assert_json_error(client.get("/api/v1/people/999999", headers=headers), 403, "forbidden")
    assert_json_error(client.get("/api/v1/no/such/endpoint", headers=headers), 404, "not_found")
    assert_json_error(client.get("/api/v1/people"), 401, "unauthorised")


def test_admin_sees_html_404_for_unknown_person(client, places):
    login(client, make_admin())
    assert_html(client.get("/admin/people/999999"), 404)
    assert_html(client.get("/admin/people/999999/edit"), 404)
    assert_html(client.post("/admin/people/999999/id-number"), 404)


def test_wrong_method_is_html_outside_api(client, places):
    login(client, make_admin())
    assert_html(client.get("/admin/places/streets"), 405)
