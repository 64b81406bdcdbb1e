"""The /api/v1 core: /me, the role catalogue and the OpenAPI document."""
from __future__ import annotations

import re

from tests.community.api_support import API
from tests.factories import make_person, token_for

# ---------------------------------------------------------------- /me, catalogue, OpenAPI


def test_me_includes_roles_and_full_phone(client, places, east_admin):
    admin, headers = east_admin
    body = client.get(f"{API}/me", headers=headers).json
    assert body["id"] == admin.id and body["phone"] == admin.phone
    assert [(r["role"], r["scope_type"], r["scope_id"]) for r in body["roles"]] == [
        ("community_admin", "community", places["east"].id)]


def test_me_of_a_resident_has_no_roles(client, places):
    person = make_person(places["east"])
    body = client.get(f"{API}/me", headers=token_for(client, person)).json
    assert body["roles"] == [] and body["name"] == person.name


def test_catalogue(client, places, east_admin):
    _admin, headers = east_admin
    body = client.get(f"{API}/catalogue", headers=headers).json
    expected = {"platform_admin", "street_admin", "community_admin", "secretary", "branch_committee", "liaison",
                "organiser", "discussion_member", "election_committee", "counter"}
    assert expected <= set(body["roles"])
    assert body["roles"]["community_admin"]["scope_types"] == ["community"]
    assert set(body["roles"]["organiser"]["scope_types"]) == {"street", "community"}
    assert body["roles"]["liaison"]["scope_types"] == ["home_organisation"]
    assert all(entry["label"] for entry in body["roles"].values())
    assert {"street", "community", "branch", "home_organisation", "election"} <= set(body["scope_types"])


def test_catalogue_in_english(client, places, east_admin):
    _admin, headers = east_admin
    body = client.get(f"{API}/catalogue", headers=headers | {"Accept-Language": "en"}).json
    assert body["roles"]["community_admin"]["label"] == "Community administrator"


def test_openapi_document_is_complete(client, app):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    paths = spec["paths"]
    for path in ("/api/v1/people", "/api/v1/people/{person_id}", "/api/v1/roles", "/api/v1/roles/{grant_id}",
                 "/api/v1/auth/token", "/api/v1/me", "/api/v1/streets", "/api/v1/communities",
                 "/api/v1/catalogue"):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/people"])
    assert "patch" in paths["/api/v1/people/{person_id}"]
    assert "delete" in paths["/api/v1/roles/{grant_id}"]
    assert {"post", "delete"} <= set(paths["/api/v1/auth/token"])
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert paths["/api/v1/auth/token"]["post"].get("security") == []
    # every API route of the application is described
    documented = set()
    for path, operations in paths.items():
        for method in operations:
            documented.add((path, method.upper()))
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/openapi"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)


def test_openapi_documents_error_responses(client):
    spec = client.get(f"{API}/openapi.json").json
    post_people = spec["paths"]["/api/v1/people"]["post"]["responses"]
    assert {"201", "400", "403", "409"} <= set(post_people)
    patch = spec["paths"]["/api/v1/people/{person_id}"]["patch"]["requestBody"]["content"]["application/json"]
    name = patch["schema"]["$ref"].rsplit("/", 1)[1]
    assert not spec["components"]["schemas"][name].get("required")  # PATCH takes any subset of fields
