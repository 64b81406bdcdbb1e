"""The OpenAPI document tells the truth: nullable fields say so, and errors have the body the API really sends."""
from __future__ import annotations

import re

from tests.community.api_support import API, person_body
from tests.community.elections.conftest import make_voting
from tests.factories import make_admin, make_person, token_for

TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        kind, name = schema["$ref"].split("/")[-2:]
        schema = spec["components"][kind][name]
    return schema


def problems(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Where `value` breaks the OpenAPI 3.0 `schema` (types, nullable, required, additionalProperties)."""
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where} is null but not nullable"]
    kind = schema.get("type")
    if kind and not (isinstance(value, TYPES[kind]) and not (kind in ("integer", "number") and value is True)):
        return [f"{where} is {type(value).__name__}, documented {kind}"]
    found = []
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        found += [f"{where}.{name} is required but missing" for name in schema.get("required", [])
                  if name not in value]
        for name, item in value.items():
            if name in properties:
                found += problems(spec, properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}.{name} is not documented")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += problems(spec, schema["additionalProperties"], item, f"{where}.{name}")
    if kind == "array":
        for index, item in enumerate(value):
            found += problems(spec, schema.get("items", {}), item, f"{where}[{index}]")
    return found


def response_schema(spec: dict, path: str, method: str, status: int) -> dict:
    responses = spec["paths"][path][method]["responses"]
    response = _resolve(spec, responses.get(str(status)) or responses["default"])
    return response["content"]["application/json"]["schema"]


def test_nullable_fields_are_marked(client):
    schemas = client.get(f"{API}/openapi.json").json["components"]["schemas"]
    for name in ("PersonIn", "PersonOut", "MeOut"):
        assert schemas[name]["properties"]["grid_id"].get("nullable") is True, name
    assert schemas["PersonOut"]["properties"]["id_number"].get("nullable") is True
    assert not schemas["PersonOut"]["properties"]["name"].get("nullable")


def test_every_error_response_is_the_api_error_body(client):
    spec = client.get(f"{API}/openapi.json").json
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's {code, status, message, errors}
    error = spec["components"]["schemas"]["ApiError"]
    assert error["required"] == ["error"]
    assert set(_resolve(spec, error["properties"]["error"])["required"]) == {"code", "message", "fields"}
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status in operation["responses"]:
                if status == "default" or int(status) >= 400:
                    schema = response_schema(spec, path, method, int(status) if status != "default" else 0)
                    assert schema == {"$ref": "#/components/schemas/ApiError"}, (path, method, status)
                    checked += 1
            if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "400" in operation["responses"], (path, method)  # malformed input is a 400 here
    assert checked > 100


def test_real_error_answers_match_the_documented_body(client, places):
    spec = client.get(f"{API}/openapi.json").json
    election, voters, candidates = make_voting(places["east"], seats=1)
    headers = token_for(client, make_admin())
    answers = [
        (client.get(f"{API}/people/999999", headers=headers), "/api/v1/people/{person_id}", "get", 404),
        (client.post(f"{API}/people", json={"name": 5}, headers=headers), "/api/v1/people", "post", 400),
        (client.patch(f"{API}/people/{voters[0].id}", json={}, headers=headers), "/api/v1/people/{person_id}",
         "patch", 400),
        (client.get(f"{API}/people?q=a%00", headers=headers), "/api/v1/people", "get", 400),
        (client.get(f"{API}/me"), "/api/v1/me", "get", 401),
        (client.post(f"{API}/elections/{election.id}/ballots", headers=token_for(client, voters[0]),
                     json={"candidate_ids": [c.person_id for c in candidates]}),
         "/api/v1/elections/{election_id}/ballots", "post", 422),
    ]
    for response, path, method, status in answers:
        assert response.status_code == status, (path, method, response.get_data(as_text=True))
        assert problems(spec, response_schema(spec, path, method, status), response.json) == [], (path, method)


def test_patch_person_with_nothing_to_change_is_a_400(client, places, east_admin):
    _admin, headers = east_admin
    person = make_person(places["east"])
    for kwargs in ({}, {"json": {}}, {"data": "", "content_type": "application/json"}):
        response = client.patch(f"{API}/people/{person.id}", headers=headers, **kwargs)
        assert response.status_code == 400, kwargs
        assert response.json["error"]["code"] == "invalid" and response.json["error"]["fields"], kwargs


def test_real_answers_match_their_documented_schemas(client, places, app):
    """Every GET of the API, on data with empty optional fields, validates against the document."""
    spec = client.get(f"{API}/openapi.json").json
    admin = make_admin()
    headers = token_for(client, admin)
    created = client.post(f"{API}/people", json=person_body(places["east"], living_since=None), headers=headers)
    assert created.status_code == 201
    election, _voters, _candidates = make_voting(places["east"])
    ids = {"person_id": created.json["id"], "election_id": election.id, "street_id": places["street"].id,
           "community_id": places["east"].id}
    checked, found = 0, []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in rule.methods or "openapi" in rule.rule:
            continue
        if set(rule.arguments) - set(ids):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids[name]), url)
        response = client.get(url, headers=headers)
        if response.status_code != 200 or response.mimetype != "application/json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found += problems(spec, response_schema(spec, path, "get", 200), response.json, url)
        checked += 1
    assert found == [], "\n".join(found)
    assert checked > 10


def _body_booleans(schema, where: str) -> list[str]:
    """The loadable Boolean fields of a request-body schema (nested ones too) that are not StrictBoolean."""
    import marshmallow as ma

    from community.apitools import StrictBoolean

    found = []
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if isinstance(field, ma.fields.Nested):
            found += _body_booleans(field.schema, f"{where}.{name}")
        elif isinstance(field, ma.fields.Boolean) and not isinstance(field, StrictBoolean):
            found.append(f"{where}.{name}")
    return found


def test_every_boolean_in_a_request_body_is_strict(app):
    """A JSON body's boolean is true or false: marshmallow's Boolean also takes 0, 1, "yes", which the document
    (type: boolean) does not say. Every body field is StrictBoolean; query strings keep the plain one."""
    import marshmallow as ma

    loose, bodies = [], 0
    for endpoint, view in app.view_functions.items():
        for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            if parameter["in"] not in ("json", "form", "json_or_form"):
                continue
            schema = parameter["schema"]
            schema = schema() if isinstance(schema, type) else schema
            assert isinstance(schema, ma.Schema), endpoint
            bodies += 1
            loose += _body_booleans(schema, endpoint)
    assert bodies > 50  # the walk really finds the API's bodies
    assert not loose, f"use community.apitools.StrictBoolean for: {', '.join(sorted(loose))}"


def test_a_number_is_not_a_boolean_in_a_body():
    """The rule above on one schema: promise_signed 1 is refused, naming the field; true is taken."""
    from community.elections.schemas import ApplyIn

    errors = ApplyIn().validate({"promise_signed": 1})
    assert "promise_signed" in errors
    assert ApplyIn().validate({"promise_signed": True}) == {}
