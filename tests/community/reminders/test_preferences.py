"""Channels per kind: the page lists the registered kinds, e-mail needs an address (refused beside the field,
ticks kept), and pending reminders follow the choice."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app import db
from community.reminders.models import Reminder, ReminderPreference
from community.reminders.services import schedule
from tests.factories import login, make_person, token_for

DUE = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
KIND = "election_voting_closing"


def test_page_lists_the_kinds_with_label_and_description(client, places):
    me = make_person(places["east"])
    login(client, me)
    page = client.get("/inbox/preferences").get_data(as_text=True)
    assert "投票最后一天" in page and "投票截止前24小时，发给尚未投票的选民。" in page
    assert f'name="{KIND}:email"' in page and f'name="{KIND}:webhook"' in page


def test_email_without_an_address_is_refused_beside_the_field_keeping_the_ticks(client, places):
    me = make_person(places["east"])
    login(client, me)
    response = client.post("/inbox/preferences", data={"email": "", f"{KIND}:email": "on",
                                                       f"{KIND}:webhook": "on"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page and "要通过电子邮件接收提醒，请填写电子邮箱" in page
    assert f'id="{KIND}-email" name="{KIND}:email" checked' in page
    assert f'id="{KIND}-webhook" name="{KIND}:webhook" checked' in page
    assert db.session.scalar(select(ReminderPreference.id)) is None
    bad = client.post("/inbox/preferences", data={"email": "不是邮箱", f"{KIND}:email": "on"})
    assert bad.status_code == 400 and "这不是有效的电子邮箱地址。" in bad.get_data(as_text=True)
    assert 'value="不是邮箱"' in bad.get_data(as_text=True)


def test_switching_channels_updates_pending_reminders(client, places):
    me = make_person(places["east"])
    schedule(KIND, "election:1", "voting_closing:1", [me.id], DUE)
    db.session.commit()
    login(client, me)
    response = client.post("/inbox/preferences", data={"email": "wang@example.cn", f"{KIND}:email": "on"},
                           follow_redirects=True)
    assert "提醒方式已保存。已安排的1条提醒也会通过新选的方式发送。" in response.get_data(as_text=True)
    rows = {r.channel: r for r in db.session.scalars(select(Reminder).where(Reminder.recipient_id == me.id))}
    assert rows["email"].state == "pending" and rows["email"].due_at == DUE and me.email == "wang@example.cn"
    response = client.post("/inbox/preferences", data={"email": "wang@example.cn"}, follow_redirects=True)
    assert "已关闭方式上的1条提醒将不再发送。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Reminder, rows["email"].id).state == "cancelled"
    assert db.session.get(Reminder, rows["inbox"].id).state == "pending"
    client.post("/inbox/preferences", data={"email": "wang@example.cn", f"{KIND}:email": "on"})
    db.session.expire_all()
    assert db.session.get(Reminder, rows["email"].id).state == "pending"  # switched on again: back


def test_api_preferences(client, places):
    me = make_person(places["east"])
    headers = token_for(client, me)
    body = client.get("/api/v1/me/reminder-preferences", headers=headers).json
    kind = next(k for k in body["kinds"] if k["kind"] == KIND)
    assert kind["channels"] == ["inbox"] and kind["label"] == "投票最后一天"
    refused = client.put("/api/v1/me/reminder-preferences", headers=headers, json={"channels": {KIND: ["email"]}})
    assert refused.status_code == 400 and "email" in refused.json["error"]["fields"]
    unknown = client.put("/api/v1/me/reminder-preferences", headers=headers, json={"channels": {"nope": []}})
    assert unknown.status_code == 400
    saved = client.put("/api/v1/me/reminder-preferences", headers=headers,
                       json={"email": "li@example.cn", "channels": {KIND: ["inbox", "email", "webhook"]}})
    assert saved.status_code == 200 and saved.json["email"] == "li@example.cn"
    kind = next(k for k in saved.json["kinds"] if k["kind"] == KIND)
    assert kind["channels"] == ["email", "inbox", "webhook"]
    kept = client.put("/api/v1/me/reminder-preferences", headers=headers, json={"channels": {}})
    assert kept.json["email"] == "li@example.cn"
