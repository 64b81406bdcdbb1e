"""The requests' API (shared/API.md): submit, board, item, supports (409 a second time), status (the role),
rating (once, after closure); bad input answers a clear error and writes nothing; the OpenAPI document has it."""
from __future__ import annotations

from sqlalchemy import func, select

from app import db
from community.discussions.models import Request, RequestEvent, Support
from tests.community.api_support import API, error_of
from tests.factories import token_for


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _body(town, **extra):
    return {"kind": "request", "title": "建筑工地包工头欠薪跑路", "body": "二十多个工人的工钱没有结。",
            "category": "wages", "community_id": town["a"].id, "public": True, **extra}


def test_a_request_from_submission_to_rating(client, town):
    resident, neighbour = token_for(client, town["submitter"]), token_for(client, town["neighbours"][0])
    handler = token_for(client, town["handler"])
    created = client.post(f"{API}/requests", json=_body(town), headers=resident)
    assert created.status_code == 201, created.json
    item_id = created.json["id"]
    assert created.json["status"] == "submitted" and created.json["submitter"] == "李晓"
    assert client.post(f"{API}/requests/{item_id}/supports", headers=neighbour).json["support_count"] == 1
    error_of(client.post(f"{API}/requests/{item_id}/supports", headers=neighbour), 409, "already_supported")
    board = client.get(f"{API}/requests?community_id={town['a'].id}&status=submitted", headers=neighbour).json
    assert board["total"] == 1 and board["items"][0]["support_count"] == 1
    for step, extra in (("accepted", {}), ("on_agenda", {}), ("decided", {"responsible": "街道劳动保障所",
                                                                          "deadline": "2026-12-20"}),
                        ("in_progress", {}), ("done", {})):
        answer = client.post(f"{API}/requests/{item_id}/status", json={"status": step, "note": step, **extra},
                             headers=handler)
        assert answer.status_code == 200, answer.json
    assert answer.json["deadline"] == "2026-12-20" and len(answer.json["history"]) == 6
    rated = client.post(f"{API}/requests/{item_id}/rating", json={"rating": "satisfied"}, headers=resident)
    assert rated.status_code == 200 and rated.json["rating"] == "satisfied"
    error_of(client.post(f"{API}/requests/{item_id}/rating", json={"rating": "satisfied"}, headers=resident),
             409, "already_rated")
    detail = client.get(f"{API}/requests/{item_id}", headers=neighbour).json
    assert [e["to_status"] for e in detail["history"]][:2] == ["submitted", "accepted"]


def test_bad_input_is_refused_clearly_and_writes_nothing(client, town):
    resident = token_for(client, town["submitter"])
    for body, field in ((_body(town, title="   "), "title"), (_body(town, body=""), "body"),
                        (_body(town, body="长" * 2001), "body"), (_body(town, title="题" * 81), "title"),
                        (_body(town, category="lottery"), "category"),
                        (_body(town, community_id=999999), "community_id")):
        error = error_of(client.post(f"{API}/requests", json=body, headers=resident), 400, "invalid")
        assert field in error["fields"], (field, error)
    error_of(client.post(f"{API}/requests", json={"title": "x"}, headers=resident), 400, "invalid")
    assert _count(Request) == 0 and _count(RequestEvent) == 0


def test_status_and_rating_refusals(client, town):
    resident, neighbour = token_for(client, town["submitter"]), token_for(client, town["neighbours"][0])
    item_id = client.post(f"{API}/requests", json=_body(town), headers=resident).json["id"]
    # Without the role: 403, nothing changes.
    error_of(client.post(f"{API}/requests/{item_id}/status", json={"status": "accepted", "note": "受理"},
                         headers=neighbour), 403, "forbidden")
    error_of(client.post(f"{API}/requests/{item_id}/status", json={"status": "accepted", "note": "受理"},
                         headers=token_for(client, town["admin_b"])), 403, "forbidden")
    # A skipped step: 422 with the rule.
    handler = token_for(client, town["handler"])
    error = error_of(client.post(f"{API}/requests/{item_id}/status", json={"status": "done", "note": "x"},
                                 headers=handler), 422, "step_refused")
    assert "status" in error["fields"]
    error_of(client.post(f"{API}/requests/{item_id}/status", json={"status": "declined", "note": ""},
                         headers=handler), 400, "invalid")
    # Rating before closure: 422; by someone else: 403.
    error_of(client.post(f"{API}/requests/{item_id}/rating", json={"rating": "satisfied"}, headers=resident),
             422, "not_closed")
    error_of(client.post(f"{API}/requests/{item_id}/rating", json={"rating": "satisfied"}, headers=neighbour),
             403, "forbidden")
    error_of(client.post(f"{API}/requests/{item_id}/supports", headers=resident), 422, "own_item")
    error_of(client.post(f"{API}/requests/999999/supports", headers=neighbour), 404, "not_found")
    error_of(client.post(f"{API}/requests/99999999999/supports", headers=neighbour), 404, "not_found")
    assert _count(RequestEvent) == 1 and _count(Support) == 0
    db.session.expire_all()
    assert db.session.get(Request, item_id).status == "submitted"


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").json["paths"]
    for path, method in (("/api/v1/requests", "post"), ("/api/v1/requests", "get"),
                         ("/api/v1/requests/{request_id}", "get"), ("/api/v1/requests/{request_id}/supports", "post"),
                         ("/api/v1/requests/{request_id}/status", "post"),
                         ("/api/v1/requests/{request_id}/rating", "post")):
        assert method in paths[path], (path, method)
        assert paths[path][method].get("description") or paths[path][method].get("summary")


def test_odd_addresses_answer_without_a_server_error(client, town):
    from tests.factories import login

    headers = token_for(client, town["outsider"])
    error_of(client.get(f"{API}/requests?status=lost", headers=headers), 400, "invalid")
    error_of(client.get(f"{API}/requests/99999999999", headers=headers), 404, "not_found")
    assert client.get(f"{API}/requests?q={'长' * 500}", headers=headers).status_code == 200
    login(client, town["outsider"])
    for url, status in (("/requests/99999999999", 404), ("/requests/12345", 404),
                        ("/requests/?community_id=abc&status=lost&after=!!&q=%25", 200),
                        ("/requests/1/photos/99999999999", 404)):
        assert client.get(url).status_code == status, url
