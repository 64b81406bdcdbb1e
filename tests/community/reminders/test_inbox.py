"""The inbox (站内信): pages and API, newest first, unread marked, opening, marking read; the header's count."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app import db
from community.reminders.models import Notification
from tests.factories import count_statements, login, make_person, token_for

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def messages(person, n: int, read: int = 0) -> list[int]:
    """n messages for the person, one minute apart (the last is the newest); the first `read` are read."""
    rows = [{"person_id": person.id, "kind": "election_voting_open", "title": f"消息{i}", "body": "请按时投票。",
             "url": "/elections/1" if i % 2 else "", "created_at": T0 + timedelta(minutes=i),
             "read_at": T0 if i < read else None} for i in range(n)]
    ids = list(db.session.scalars(insert(Notification).returning(Notification.id), rows))
    db.session.commit()
    return ids


def test_inbox_page_lists_newest_first_marks_unread_and_counts_in_the_header(client, places):
    me = make_person(places["east"])
    messages(me, 3, read=1)
    login(client, me)
    page = client.get("/inbox/").get_data(as_text=True)
    assert page.index("消息2") < page.index("消息1") < page.index("消息0")
    assert page.count("未读</span>") == 2
    assert 'aria-label="2条未读消息"' in page  # the bell in the header
    only = client.get("/inbox/?unread=1").get_data(as_text=True)
    assert "消息0" not in only and "消息2" in only


def test_open_marks_read_and_follows_the_link(client, places):
    me = make_person(places["east"])
    first, second = messages(me, 2)
    login(client, me)
    response = client.get(f"/inbox/{second}")
    assert response.status_code == 302 and response.headers["Location"] == "/elections/1"
    assert db.session.get(Notification, second).read_at is not None
    shown = client.get(f"/inbox/{first}")  # no link: the message itself
    assert shown.status_code == 200 and "请按时投票。" in shown.get_data(as_text=True)


def test_mark_all_read_says_how_many(client, places):
    me = make_person(places["east"])
    messages(me, 3, read=1)
    login(client, me)
    response = client.post("/inbox/read-all", follow_redirects=True)
    assert "已将2条消息标为已读。" in response.get_data(as_text=True)
    assert db.session.scalar(select(Notification.id).where(Notification.read_at.is_(None))) is None
    again = client.post("/inbox/read-all", follow_redirects=True)
    assert "没有未读消息。" in again.get_data(as_text=True)
    assert 'aria-label="站内信，没有未读消息"' in again.get_data(as_text=True)


def test_someone_elses_message_is_not_found(client, places):
    me, other = make_person(places["east"]), make_person(places["east"])
    theirs, = messages(other, 1)
    login(client, me)
    assert client.get(f"/inbox/{theirs}").status_code == 404
    assert client.post(f"/inbox/{theirs}/read").status_code == 404
    headers = token_for(client, me)
    missing = client.post(f"/api/v1/notifications/{theirs}/read", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.post("/api/v1/notifications/99999/read", headers=headers).status_code == 404
    assert db.session.get(Notification, theirs).read_at is None


def test_api_lists_pages_and_marks(client, places):
    me = make_person(places["east"])
    ids = messages(me, 25, read=5)
    headers = token_for(client, me)
    body = client.get("/api/v1/notifications?per_page=10&page=2", headers=headers).json
    assert body["total"] == 25 and body["page"] == 2 and len(body["items"]) == 10
    assert body["items"][0]["title"] == "消息14"
    unread = client.get("/api/v1/notifications?unread=1", headers=headers).json
    assert unread["total"] == 20 and not any(item["is_read"] for item in unread["items"])
    one = client.post(f"/api/v1/notifications/{ids[-1]}/read", headers=headers)
    assert one.status_code == 200 and one.json["is_read"] is True
    assert client.post("/api/v1/notifications/read-all", headers=headers).json == {"marked": 19}
    assert client.get("/api/v1/notifications?per_page=500", headers=headers).status_code == 400
    assert client.get("/api/v1/notifications").status_code == 401


def test_inbox_page_statements_do_not_grow_with_messages(client, places):
    me = make_person(places["east"])
    messages(me, 3)
    login(client, me)
    client.get("/inbox/")
    few, _page = count_statements(client, "/inbox/")
    messages(me, 60)
    client.get("/inbox/")  # the first request after the test's own commit also opens a transaction
    many, _page = count_statements(client, "/inbox/?page=2")
    assert many == few


def test_anonymous_pages_ask_no_count(client, places):
    from sqlalchemy import event

    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/login").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert not any("notification" in s for s in statements)


def test_mark_one_read_on_the_page_lowers_the_count(client, places):
    me = make_person(places["east"])
    first, second = messages(me, 2)
    login(client, me)
    assert 'aria-label="2条未读消息"' in client.get("/inbox/").get_data(as_text=True)
    response = client.post(f"/inbox/{first}/read", follow_redirects=True)
    assert response.status_code == 200 and 'aria-label="1条未读消息"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, first).read_at is not None
    assert db.session.get(Notification, second).read_at is None
