"""E-mail (a real SMTP server on 127.0.0.1) and the signed webhook (a local HTTP server): what arrives, retries
with back-off, failures with their reason, and a pass interrupted between sending and recording."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from community.reminders import dispatch
from community.reminders.channels import message_id
from community.reminders.dispatch import run_due
from community.reminders.models import Reminder, ReminderPreference
from community.reminders.services import schedule
from tests.community.reminders.conftest import T0, make_people
from tests.community.reminders.servers import Mailbox, SilentServer, Webhook, free_port


def _choose(person_ids, channel, kind="toy"):
    db.session.add_all(ReminderPreference(person_id=p, kind=kind, channel=channel, is_enabled=True)
                       for p in person_ids)
    db.session.commit()


def _row(channel):
    db.session.expire_all()
    return db.session.scalar(select(Reminder).where(Reminder.channel == channel))


@pytest.fixture
def mail(app, monkeypatch):
    with Mailbox() as box:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", box.port)
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
        yield box


def test_an_email_arrives_in_chinese_utf8_with_the_reminders_key(toy_kind, mail, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://tongxin.example.cn")
    (person,) = make_people(1, email="wang@example.cn", name="王芳")
    _choose([person], "email")
    schedule("toy", "meeting:12", "before:60", [person], T0, payload={"what": "支部大会"})
    db.session.commit()
    assert run_due(T0)["sent"] == 2  # the inbox and the e-mail
    (message,) = mail.messages
    assert message["Subject"] == "提醒：支部大会"
    assert "王芳" in str(message["To"]) and "wang@example.cn" in str(message["To"])
    body = message.get_body().get_content()
    assert "请准时参加。" in body and "https://tongxin.example.cn/toy/meeting:12" in body
    assert message.get_body().get_content_charset() == "utf-8"
    row = _row("email")
    assert message["X-Tongxin-Reminder-Key"] == row.key and row.state == "sent"
    assert message["Message-ID"] == message_id(row.key, "tongxin.local")


def test_a_person_without_email_fails_at_once_and_the_others_still_go(toy_kind, mail):
    without, with_mail = make_people(2)
    db.session.execute(db.metadata.tables["person"].update().where(db.metadata.tables["person"].c.id == with_mail)
                       .values(email="li@example.cn"))
    _choose([without, with_mail], "email")
    schedule("toy", "meeting:1", "before:60", [without, with_mail], T0)
    db.session.commit()
    counts = run_due(T0)
    assert counts["failed"] == 1 and counts["sent"] == 3
    failed = db.session.scalar(select(Reminder).where(Reminder.state == "failed"))
    assert failed.recipient_id == without and failed.attempts == 1 and "电子邮箱" in failed.last_error
    assert len(mail.messages) == 1
    assert run_due(T0 + timedelta(hours=1))["failed"] == 0  # not retried


@pytest.mark.parametrize("server", ["refuses", "times out"])
def test_an_smtp_server_that_refuses_or_times_out_is_retried_then_failed(toy_kind, app, monkeypatch, server):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.3)
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 3)
    people = make_people(2, email="zhang@example.cn")
    _choose(people, "email")
    schedule("toy", "meeting:1", "before:60", people, T0)
    db.session.commit()
    with SilentServer() as silent:
        monkeypatch.setitem(app.config, "MAIL_PORT", free_port() if server == "refuses" else silent.port)
        first = run_due(T0)
        assert first["retrying"] == 2 and first["sent"] == 2  # the inbox rows went; one connection try, not two
        row = _row("email")
        assert row.state == "pending" and row.attempts == 1 and row.next_try_at == T0 + timedelta(seconds=60)
        assert "邮件服务器" in row.last_error
        assert run_due(T0 + timedelta(seconds=30))["retrying"] == 0  # waits for its back-off
        assert run_due(T0 + timedelta(seconds=60))["retrying"] == 2
        assert _row("email").next_try_at == T0 + timedelta(seconds=60 + 120)  # doubled
        last = run_due(T0 + timedelta(seconds=180))
    assert last["failed"] == 2
    row = _row("email")
    assert row.state == "failed" and row.attempts == 3 and "邮件服务器" in row.last_error


@pytest.fixture
def hook_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret")
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.3)

    def point_at(url):
        monkeypatch.setitem(app.config, "WEBHOOK_URL", url)

    return point_at


def test_the_webhook_is_signed_json_retried_through_500_hang_refusal_until_it_succeeds(toy_kind, hook_settings):
    (person,) = make_people(1, name="陈明")
    _choose([person], "webhook")
    schedule("toy", "meeting:7", "before:60", [person], T0, payload={"what": "居民议事会"})
    db.session.commit()
    with Webhook(["500", "hang", "ok"], hang_seconds=1.0) as hook:
        hook_settings(hook.url)
        assert run_due(T0)["retrying"] == 1
        row = _row("webhook")
        assert (row.state, row.attempts, row.next_try_at) == ("pending", 1, T0 + timedelta(seconds=60))
        assert "500" in row.last_error
        assert run_due(T0 + timedelta(seconds=60))["retrying"] == 1  # the gateway hangs: timed out
        assert "规定时间" in _row("webhook").last_error
        hook_settings(f"http://127.0.0.1:{free_port()}/hook")
        assert run_due(T0 + timedelta(seconds=180))["retrying"] == 1  # refused
        assert "无法连接" in _row("webhook").last_error
        hook_settings(hook.url)
        assert run_due(T0 + timedelta(seconds=420))["sent"] == 1
    row = _row("webhook")
    assert row.state == "sent" and row.attempts == 4
    assert len(hook.requests) == 3 and hook.delivered_keys() == {row.key}
    last = hook.requests[-1]
    assert last["json"]["title"] == "提醒：居民议事会" and last["json"]["recipient"]["name"] == "陈明"
    expected = "sha256=" + hmac.new(b"s3cret", last["body"], hashlib.sha256).hexdigest()
    assert last["headers"]["X-Tongxin-Signature"] == expected
    assert last["headers"]["Content-Type"].startswith("application/json")


def test_a_webhook_refusing_the_message_fails_at_once_and_the_last_retry_fails(toy_kind, hook_settings, app,
                                                                                monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 2)
    people = make_people(2)
    _choose(people, "webhook")
    schedule("toy", "meeting:7", "before:60", people[:1], T0)
    db.session.commit()
    with Webhook(["400"]) as hook:
        hook_settings(hook.url)
        assert run_due(T0)["failed"] == 1
    assert "400" in _row("webhook").last_error
    db.session.execute(Reminder.__table__.delete())
    schedule("toy", "meeting:8", "before:60", people[1:], T0)
    db.session.commit()
    with Webhook(["500"]) as hook:
        hook_settings(hook.url)
        run_due(T0)
        assert run_due(T0 + timedelta(seconds=60))["failed"] == 1
    row = _row("webhook")
    assert row.state == "failed" and row.attempts == 2 and "500" in row.last_error


def test_an_unconfigured_webhook_fails_with_the_reason(toy_kind, hook_settings):
    hook_settings("")
    (person,) = make_people(1)
    _choose([person], "webhook")
    schedule("toy", "meeting:7", "before:60", [person], T0)
    db.session.commit()
    assert run_due(T0)["failed"] == 1
    assert "网关" in _row("webhook").last_error


class Crash(BaseException):
    """The process dies (a kill, a power cut) between the send and its record."""


def test_a_pass_interrupted_after_sending_retries_with_the_same_key(toy_kind, hook_settings, mail, monkeypatch):
    (person,) = make_people(1, email="zhao@example.cn")
    _choose([person], "webhook")
    _choose([person], "email")
    schedule("toy", "meeting:3", "before:60", [person], T0)
    db.session.commit()
    real = dispatch._record_sent

    def crash_once(row, now):
        monkeypatch.setattr(dispatch, "_record_sent", real)
        raise Crash()

    with Webhook(["ok"]) as hook:
        hook_settings(hook.url)
        monkeypatch.setattr(dispatch, "_record_sent", crash_once)
        with pytest.raises(Crash):
            run_due(T0)
        db.session.rollback()
        sending = db.session.scalars(select(Reminder).where(Reminder.state == "sending")).all()
        assert len(sending) == 2 and len(hook.requests) + len(mail.messages) == 1  # one went, unrecorded
        assert run_due(T0 + timedelta(minutes=1))["sent"] == 0  # within the lease: nothing sent again
        counts = run_due(T0 + timedelta(minutes=6))
        assert counts["reclaimed"] == 2 and counts["sent"] == 2
    db.session.expire_all()
    rows = db.session.scalars(select(Reminder).where(Reminder.channel != "inbox")).all()
    assert {r.state for r in rows} == {"sent"} and all("幂等" in r.last_error for r in rows)
    # The receiver saw the first message twice under one key (and so keeps it once), the other once.
    webhook_row = next(r for r in rows if r.channel == "webhook")
    assert hook.delivered_keys() == {webhook_row.key}
    ids = {str(m["Message-ID"]) for m in mail.messages}
    assert len(ids) == 1 and len(mail.messages) in (1, 2)


def test_a_channel_turned_off_after_scheduling_sends_nothing(toy_kind, hook_settings):
    (person,) = make_people(1)
    _choose([person], "webhook")
    schedule("toy", "meeting:7", "before:60", [person], T0)
    db.session.commit()
    pref = db.session.scalar(select(ReminderPreference))
    pref.is_enabled = False
    db.session.commit()
    with Webhook(["ok"]) as hook:
        hook_settings(hook.url)
        counts = run_due(T0)
    assert counts["cancelled"] == 1 and counts["sent"] == 1 and hook.requests == []  # the inbox still got it
    assert _row("webhook").state == "cancelled" and "关闭" in _row("webhook").last_error


def test_a_slow_gateway_never_keeps_rows_claimed_past_their_lease(toy_kind, hook_settings, app, monkeypatch):
    import time

    monkeypatch.setitem(app.config, "REMINDER_SENDING_LEASE", 0.8)  # seconds: half of it to send a batch
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 2)
    people = make_people(6)
    _choose(people, "webhook")
    schedule("toy", "meeting:7", "before:60", people, T0)
    db.session.commit()
    with Webhook(["ok"]) as hook:
        original = hook.server.RequestHandlerClass.do_POST

        def slow(handler):
            time.sleep(0.25)
            original(handler)

        monkeypatch.setattr(hook.server.RequestHandlerClass, "do_POST", slow)
        hook_settings(hook.url)
        first = run_due(T0)
        assert 0 < first["put_back"] < 6 and first["sent"] == 6 + 6 - first["put_back"]
        back = db.session.scalars(select(Reminder).where(Reminder.channel == "webhook",
                                                         Reminder.state == "pending")).all()
        assert len(back) == first["put_back"] and all(r.attempts == 0 for r in back)
        passes = 0
        while db.session.scalar(select(Reminder.id).where(Reminder.state == "pending")) and passes < 10:
            run_due(T0 + timedelta(seconds=1))
            db.session.expire_all()
            passes += 1
    assert len(hook.requests) == 6 == len(hook.delivered_keys())  # each once, none doubled by a reclaim


class _Choosy(Mailbox):
    """Refuses some recipients at RCPT: for good (550) or for now (451)."""

    async def handle_RCPT(self, _server, session, envelope, address, _options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "451 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_an_address_the_server_refuses_fails_one_it_defers_is_retried_and_the_others_go(toy_kind, app,
                                                                                      monkeypatch):
    nobody, busy, fine = (make_people(1, email=f"{who}@example.cn", name=who, phone=f"1380000000{n}")[0]
                          for n, who in enumerate(("nobody", "busy", "fine")))
    _choose([nobody, busy, fine], "email")
    schedule("toy", "meeting:1", "before:60", [nobody, busy, fine], T0)
    db.session.commit()
    with _Choosy() as box:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", box.port)
        counts = run_due(T0)
    assert (counts["failed"], counts["retrying"], counts["sent"]) == (1, 1, 3 + 1)  # three inbox rows, one e-mail
    db.session.expire_all()
    rows = {r.recipient_id: r for r in db.session.scalars(select(Reminder).where(Reminder.channel == "email"))}
    assert rows[nobody].state == "failed" and "nobody@example.cn" in rows[nobody].last_error
    assert rows[busy].state == "pending" and rows[busy].next_try_at == T0 + timedelta(seconds=60)
    assert rows[fine].state == "sent" and [str(m["To"]) for m in box.messages] == ["fine <fine@example.cn>"]


def test_a_hanging_gateway_is_waited_for_once_per_pass_and_stops_nothing_else(toy_kind, hook_settings, mail):
    """The first webhook call times out; the pass stops calling the gateway (the rest wait for the next pass,
    their attempt counted) and still delivers the e-mails and the inbox."""
    people = make_people(3, email="he@example.cn")
    _choose(people, "webhook")
    _choose(people[:1], "email")
    schedule("toy", "meeting:5", "before:60", people, T0)
    db.session.commit()
    with Webhook(["hang"], hang_seconds=1.0) as hook:
        hook_settings(hook.url)
        counts = run_due(T0)
    assert (counts["retrying"], counts["sent"]) == (3, 3 + 1) and len(hook.requests) == 1
    assert len(mail.messages) == 1
    db.session.expire_all()
    waiting = db.session.scalars(select(Reminder).where(Reminder.channel == "webhook")).all()
    assert {(r.state, r.next_try_at) for r in waiting} == {("pending", T0 + timedelta(seconds=60))}
    assert all("规定时间" in r.last_error for r in waiting)
