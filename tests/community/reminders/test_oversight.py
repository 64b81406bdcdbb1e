"""The administrators' view: counts by kind, channel and state; failed and expired listed; resending; a street
administrator sees only their street's residents."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from app import db
from community.audit.models import AuditEntry
from community.reminders.models import Reminder
from tests.factories import (
    count_statements,
    grant,
    login,
    make_admin,
    make_community,
    make_person,
    make_street,
    token_for,
)

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def outbox(person, n: int, state: str, kind: str = "election_voting_open", channel: str = "email") -> list[int]:
    rows = [{"key": f"{kind}|s{i}|{state}|{person.id}|{channel}", "kind": kind, "subject": f"s{i}", "occasion": state,
             "recipient_id": person.id, "channel": channel, "due_at": T0 + timedelta(minutes=i), "state": state,
             "attempts": 5 if state == "failed" else 0, "last_error": "SMTP 550 拒收" if state == "failed" else None,
             "created_at": T0, "updated_at": T0} for i in range(n)]
    ids = list(db.session.scalars(insert(Reminder).returning(Reminder.id), rows))
    db.session.commit()
    return ids


def world(places):
    other_street = make_street("丹东街道")
    far = make_community(other_street, "城东社区")
    near, away = make_person(places["east"], name="王芳"), make_person(far, name="李强")
    street_admin = make_admin("street_admin", ("street", places["street"].id))
    return near, away, street_admin


def test_counts_and_problems_for_the_platform_and_a_street(client, places):
    near, away, street_admin = world(places)
    outbox(near, 3, "failed")
    outbox(near, 2, "sent", channel="inbox")
    outbox(away, 4, "expired")
    platform = make_admin()
    login(client, platform)
    page = client.get("/admin/reminders/").get_data(as_text=True)
    assert "SMTP 550 拒收" in page and "王芳" in page and "李强" in page and near.phone not in page
    assert near.phone_masked in page and "重新发送" in page
    street = client.application.test_client()
    login(street, street_admin)
    page = street.get("/admin/reminders/").get_data(as_text=True)
    assert "王芳" in page and "李强" not in page
    headers = token_for(client, street_admin)
    body = client.get("/api/v1/reminders", headers=headers).json
    assert body["totals"]["failed"] == 3 and body["totals"]["expired"] == 0 and body["totals"]["sent"] == 2
    assert body["total"] == 3 and body["items"][0]["recipient_phone"] == near.phone_masked
    sent = client.get("/api/v1/reminders?state=sent&channel=inbox", headers=headers).json
    assert sent["total"] == 2
    assert client.get("/api/v1/reminders?state=nonsense", headers=headers).status_code == 400


def test_resend_a_failed_one_back_to_pending_audited(client, places):
    near, away, street_admin = world(places)
    mine, = outbox(near, 1, "failed")
    theirs, = outbox(away, 1, "failed")
    sent, = outbox(near, 1, "sent")
    login(client, street_admin)
    response = client.post(f"/admin/reminders/{mine}/resend", follow_redirects=True)
    assert "这条提醒将在下一轮发送时重新发出。" in response.get_data(as_text=True)
    row = db.session.get(Reminder, mine)
    assert (row.state, row.attempts, row.last_error) == ("pending", 0, None)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "reminder.resend"))
    assert client.post(f"/admin/reminders/{theirs}/resend").status_code == 404  # another street's
    headers = token_for(client, street_admin)
    assert client.post(f"/api/v1/reminders/{sent}/resend", headers=headers).status_code == 422
    assert client.post(f"/api/v1/reminders/{theirs}/resend", headers=headers).status_code == 404
    resident = token_for(client, near)
    assert client.post(f"/api/v1/reminders/{mine}/resend", headers=resident).status_code == 403
    assert client.get("/api/v1/reminders", headers=resident).status_code == 403


def test_admin_page_statements_do_not_grow(client, places):
    near, away, street_admin = world(places)
    outbox(near, 2, "failed")
    login(client, street_admin)
    client.get("/admin/reminders/")
    few, _page = count_statements(client, "/admin/reminders/")
    others = [make_person(places["east"], name=f"居民{i}") for i in range(5)]
    for person in others:
        outbox(person, 8, "failed", kind="election_voting_closing")
    client.get("/admin/reminders/")
    many, _page = count_statements(client, "/admin/reminders/")
    assert many == few


def test_the_calendar_notice(client, places, monkeypatch):
    from community.reminders import oversight

    login(client, make_admin())
    monkeypatch.setattr(oversight, "calendar_warning", lambda today: True)
    assert "工作日历还没有" in client.get("/admin/reminders/").get_data(as_text=True)
    monkeypatch.setattr(oversight, "calendar_warning", lambda today: False)
    assert "工作日历还没有" not in client.get("/admin/reminders/").get_data(as_text=True)


def test_a_community_administrator_may_not(client, places):
    admin = make_person(places["east"])
    grant(admin, "community_admin", "community", places["east"].id)
    login(client, admin)
    assert client.get("/admin/reminders/").status_code == 403


def test_simultaneous_resends_resend_once(app, backend, places):
    from community.accounts.services import issue_token
    from tests.community.elections.test_concurrency import _fire

    near, _away, street_admin = world(places)
    failed, = outbox(near, 1, "failed")
    token, _row = issue_token(street_admin)
    db.session.commit()
    n = 20 if backend == "postgresql" else 6
    statuses = _fire(app, [(f"/api/v1/reminders/{failed}/resend", {"Authorization": f"Bearer {token}"}, {})] * n)
    assert statuses.count(200) == 1 and statuses.count(422) == n - 1, statuses
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "reminder.resend")) == 1


def _table_row(page: str, kind_label: str, channel_label: str) -> list[int]:
    """The counts of one (kind, channel) row of the page's table, in the order of STATES."""
    import re

    row = re.search(rf"<tr><td>{kind_label}</td><td>{channel_label}</td>(.*?)</tr>", page)
    assert row, (kind_label, channel_label)
    return [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', row.group(1))]


def test_a_real_webhook_failure_is_shown_by_kind_and_channel_and_resent(client, places, toy_kind, app, monkeypatch):
    """A webhook answering 500 on its last try: the page's table and the API count it under its kind and
    channel beside what is pending and sent, list it with the gateway's answer, and a resend delivers it."""
    from community.database import utcnow
    from community.reminders.dispatch import run_due
    from community.reminders.models import STATES, ReminderPreference
    from community.reminders.services import schedule
    from tests.community.reminders.servers import Webhook

    near, _away, street_admin = world(places)
    db.session.add(ReminderPreference(person_id=near.id, kind="toy", channel="webhook", is_enabled=True))
    db.session.commit()
    schedule("toy", "meeting:7", "before:60", [near.id], T0)
    schedule("toy_urgent", "meeting:7", "cancelled", [near.id], T0 + timedelta(days=60))  # still waiting
    db.session.commit()
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 1)
    with Webhook(["500"]) as hook:
        monkeypatch.setitem(app.config, "WEBHOOK_URL", hook.url)
        assert run_due(T0)["failed"] == 1
    login(client, street_admin)
    page = client.get("/admin/reminders/").get_data(as_text=True)
    expected = {("玩具提醒", "短信或微信"): "failed", ("玩具提醒", "站内信"): "sent",
                ("紧急玩具提醒", "站内信"): "pending"}
    for (kind_label, channel_label), state in expected.items():
        assert _table_row(page, kind_label, channel_label) == [int(s == state) for s in STATES]
    assert "HTTP 500" in page and "重新发送" in page
    headers = token_for(client, street_admin)
    body = client.get("/api/v1/reminders", headers=headers).json
    counts = {(c["kind"], c["channel"]): {s: n for s, n in c["counts"].items() if n} for c in body["counts"]}
    assert counts == {("toy", "webhook"): {"failed": 1}, ("toy", "inbox"): {"sent": 1},
                      ("toy_urgent", "inbox"): {"pending": 1}}
    assert (body["totals"]["pending"], body["totals"]["sent"], body["totals"]["failed"]) == (1, 1, 1)
    failed, = body["items"]
    assert (failed["kind"], failed["channel"], failed["state"]) == ("toy", "webhook", "failed")
    assert "500" in failed["last_error"]

    def total(query):
        return client.get(f"/api/v1/reminders?{query}", headers=headers).json["total"]

    assert total("kind=toy&channel=webhook&state=failed") == 1 and total("kind=toy_urgent&state=failed") == 0
    assert total("kind=toy_urgent&state=pending") == 1 and total("channel=inbox&state=sent") == 1
    assert client.post(f"/api/v1/reminders/{failed['id']}/resend", headers=headers).json["state"] == "pending"
    monkeypatch.setitem(app.config, "QUIET_HOURS_END", app.config.get("QUIET_HOURS_START", "21:00"))  # any hour
    with Webhook(["ok"]) as hook:  # the resend is due at once (the real clock)
        monkeypatch.setitem(app.config, "WEBHOOK_URL", hook.url)
        assert run_due(utcnow() + timedelta(seconds=1))["sent"] == 1
    assert len(hook.requests) == 1 and db.session.get(Reminder, failed["id"]).state == "sent"
