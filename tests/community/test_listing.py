"""community.listing: deep pages of a keyset list cost what the first does and never OFFSET; the count stops at
its bound and says so; a damaged cursor is a clear 400, never a 500."""
from __future__ import annotations

import re
from contextlib import contextmanager
from html import unescape

import pytest
from sqlalchemy import event

from app import db
from community.people.services import people_query
from tests.community.api_support import API, error_of
from tests.factories import login, make_people

PER_PAGE = 2


@contextmanager
def recorded():
    """The SQL statements run inside the block."""
    statements: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def skipping(statements) -> list[str]:
    """The statements that skip rows: an OFFSET that is not 0 (SQLite's dialect always writes `OFFSET ?`, with 0
    when nothing is skipped; the offset is then the last parameter)."""
    found = []
    for sql, parameters in statements:
        if re.search(r"\bOFFSET\b", sql, re.I):
            last = parameters[-1] if isinstance(parameters, (tuple, list)) else list(parameters.values())[-1]
            if last != 0:
                found.append(sql)
    return found


@pytest.fixture
def limit(app):
    """Set the count's bound small for one test."""
    before = app.config.get("LIST_COUNT_LIMIT")

    def set_limit(n: int):
        app.config["LIST_COUNT_LIMIT"] = n
    yield set_limit
    app.config["LIST_COUNT_LIMIT"] = before if before is not None else 10_000


def _ordered_ids(admin) -> list[int]:
    return [p.id for p in db.session.scalars(people_query(admin))]


def test_page_50_of_60_by_cursor_costs_what_page_1_does_and_never_offsets(client, places, platform):
    admin, headers = platform
    make_people(places["east"], 120 - 1)  # with the administrator: 120 people, 60 pages of 2
    order = _ordered_ids(admin)
    assert len(order) == 120
    with recorded() as first_sql:
        first = client.get(f"{API}/people?per_page={PER_PAGE}", headers=headers).json
    body = first
    for _ in range(48):
        body = client.get(f"{API}/people?per_page={PER_PAGE}&cursor={body['next']}", headers=headers).json
    with recorded() as deep_sql:
        deep = client.get(f"{API}/people?per_page={PER_PAGE}&cursor={body['next']}", headers=headers).json
    assert deep["page"] == 50 and deep["total"] == 120 and deep["total_exact"] is True
    assert [p["id"] for p in deep["items"]] == order[98:100]
    assert len(deep_sql) == len(first_sql)
    assert not skipping(deep_sql), deep_sql
    last = client.get(f"{API}/people?per_page={PER_PAGE}&cursor={deep['next']}", headers=headers).json
    for _ in range(9):
        last = client.get(f"{API}/people?per_page={PER_PAGE}&cursor={last['next']}", headers=headers).json
    assert last["page"] == 60 and [p["id"] for p in last["items"]] == order[118:] and last["next"] is None


def _links(page: str) -> dict[str, str]:
    return {rel: unescape(href) for rel, href in re.findall(r'rel="(prev|next)" href="([^"]+)"', page)}


def _names(page: str) -> list[str]:
    return re.findall(r">(居民\d+)</a></td>", page)


def test_the_people_page_walks_forward_and_back_by_cursor(client, places, platform):
    admin, _headers = platform
    make_people(places["east"], 95)
    login(client, admin)
    names = [p.name for p in db.session.scalars(people_query(admin)) if p.name.startswith("居民")]
    page = client.get("/admin/people/").get_data(as_text=True)
    seen = [_names(page)]
    for _ in range(3):
        url = _links(page)["next"]
        assert "cursor=" in url and "page=" not in url
        with recorded() as sql:
            page = client.get(url).get_data(as_text=True)
        assert not skipping(sql)
        seen.append(_names(page))
    assert sum(seen, []) == names
    assert "第4页，共4页" in page
    back = client.get(_links(page)["prev"]).get_data(as_text=True)
    assert _names(back) == seen[2]


def test_the_count_stops_at_its_bound_and_says_so(client, places, platform, limit):
    admin, headers = platform
    make_people(places["east"], 9)
    limit(5)
    body = client.get(f"{API}/people?per_page={PER_PAGE}", headers=headers).json
    assert body["total"] == 5 and body["total_exact"] is False and len(body["items"]) == PER_PAGE
    login(client, admin)
    page = client.get("/admin/people/").get_data(as_text=True)
    assert "（超过5条）" in page
    client.post("/language/en", data={"next": "/"})
    page = client.get("/admin/people/").get_data(as_text=True)
    assert "(more than 5)" in page
    limit(100)
    assert "(10 in all)" in client.get("/admin/people/").get_data(as_text=True)


def test_the_pager_says_more_than_the_bound_in_chinese_and_english(client, places, platform, limit, app):
    admin, _headers = platform
    make_people(places["east"], 40)
    limit(30)
    login(client, admin)
    assert "第1页，超过30条" in client.get("/admin/people/").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    assert "Page 1, more than 30 items" in client.get("/admin/people/").get_data(as_text=True)
    limit(1000)
    assert "Page 1 of 2, 41 items" in client.get("/admin/people/").get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import ngettext
        assert ngettext("Page %(page)d of %(pages)d, %(count)s item", "Page %(page)d of %(pages)d, %(count)s items",
                        1, page=1, pages=1, count="1") == "Page 1 of 1, 1 item"


def test_a_page_number_past_the_bound_is_refused_with_a_reason(client, places, platform, limit):
    _admin, headers = platform
    make_people(places["east"], 9)
    limit(5)
    error = error_of(client.get(f"{API}/people?per_page={PER_PAGE}&page=4", headers=headers), 400, "page_too_deep")
    assert "page" in error["fields"]
    limit(100)  # counted in full: a page past the end is an empty page, as before
    assert client.get(f"{API}/people?per_page={PER_PAGE}&page=40", headers=headers).json["items"] == []


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjoiIn0.bad", "x" * 900, "%00%ff", ""])
def test_a_damaged_cursor_is_a_400_in_the_api(client, places, platform, cursor):
    _admin, headers = platform
    response = client.get(f"{API}/people?cursor={cursor}", headers=headers)
    if cursor == "":  # no cursor: the first page
        assert response.status_code == 200
        return
    error = error_of(response, 400, "control_characters" if "%00" in cursor else "bad_cursor")
    assert "cursor" in error["fields"]


def test_a_cursor_of_another_list_is_refused(client, places, platform):
    admin, headers = platform
    make_people(places["east"], 5)
    people = client.get(f"{API}/people?per_page=2", headers=headers).json
    login(client, admin)
    page = client.get(f"/admin/audit/?cursor={people['next']}")
    assert page.status_code == 400
    assert "损坏" in page.get_data(as_text=True)


def test_a_damaged_cursor_on_a_page_is_a_clear_400(client, places, platform):
    admin, _headers = platform
    login(client, admin)
    response = client.get("/admin/people/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "第一页" in response.get_data(as_text=True)


def test_a_cursor_on_a_list_paged_by_number_is_refused(client, places, platform):
    _admin, headers = platform
    error = error_of(client.get(f"{API}/streets?cursor=abc", headers=headers), 400, "bad_cursor")
    assert "cursor" in error["fields"]
