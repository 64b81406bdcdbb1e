"""Sign-in a polling station can use: guesses are limited per phone number (in the database, shared by every
worker and instance), the per-address limit lets a whole hall sign in, and unknown numbers look like known ones."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app import db
from community.accounts import services, throttle
from community.accounts.models import SignInThrottle
from community.audit.models import AuditEntry
from community.database import utcnow
from tests.factories import PASSWORD, make_person

ROOT = Path(__file__).resolve().parents[2]
WRONG = "wrong-password1"
BACK_OFF = "密码错误次数过多，请在 1 分钟后再试"
WRONG_MESSAGE = "手机号或密码错误"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap Argon2 parameters: these tests count guesses, not hashing cost (the hashes verify the same way)."""
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(services, "_hasher", quick)
    monkeypatch.setattr(services, "_DUMMY_HASH", quick.hash("not-a-real-password"))
    return quick


def resident(places, quick_hashes, **overrides):
    return make_person(places["east"], password_hash=quick_hashes.hash(PASSWORD), **overrides)


def page_login(client, phone, password, address="10.0.0.1"):
    return client.post("/login", data={"phone": phone, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def token_request(client, phone, password, address="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"phone": phone, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def retry_after(response) -> int:
    """Flask-Limiter rewrites Retry-After in whole seconds from its own clock: 120 may come out as 119."""
    return int(response.headers["Retry-After"]) + 1


def checked_guesses() -> int:
    """Wrong passwords that were really checked (refused guesses are neither checked nor logged)."""
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "account.login_failed"))


def test_eleven_guesses_from_eleven_addresses_lock_the_number_not_the_address(client, places, quick_hashes):
    target = resident(places, quick_hashes)
    neighbour = resident(places, quick_hashes, name="邻居")
    answers = [page_login(client, target.phone, WRONG, f"10.0.0.{n}") for n in range(1, 12)]
    assert [a.status_code for a in answers] == [200] * 4 + [429] * 7
    assert all(WRONG_MESSAGE in a.get_data(as_text=True) for a in answers[:4])
    last = answers[-1]
    assert BACK_OFF in last.get_data(as_text=True) and retry_after(last) in (60, 61)
    assert 'name="phone"' in last.get_data(as_text=True)  # the form is shown again, the message beside it
    assert checked_guesses() == throttle.FREE_FAILURES
    # The right password is refused too while the number is locked; a neighbour on the same address is not.
    assert page_login(client, target.phone, PASSWORD, "10.0.0.11").status_code == 429
    assert page_login(client, neighbour.phone, PASSWORD, "10.0.0.11").status_code == 302
    # The table names no phone number: it keeps a keyed digest.
    keys = db.session.scalars(select(SignInThrottle.key)).all()
    assert keys == [throttle.throttle_key(target.phone)] and target.phone not in keys[0]


def test_api_answers_429_in_the_error_format_with_retry_after(client, places, quick_hashes):
    target = resident(places, quick_hashes)
    statuses = [token_request(client, target.phone, WRONG, f"10.0.1.{n}").status_code for n in range(1, 6)]
    assert statuses == [401] * 4 + [429]
    response = token_request(client, target.phone, PASSWORD, "10.0.1.9")
    assert response.status_code == 429 and retry_after(response) in (60, 61)
    error = response.json["error"]
    assert error["code"] == "too_many_requests" and BACK_OFF in error["message"]
    assert BACK_OFF in error["fields"]["password"]
    english = client.post("/api/v1/auth/token", json={"phone": target.phone, "password": WRONG},
                          headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": "10.0.1.10"})
    assert english.json["error"]["message"] == "Too many wrong passwords. Please try again in 1 minute."


def test_a_full_hall_signs_in_from_one_address(app, places, quick_hashes):
    """100 residents on the community hall's Wi-Fi, within a minute: none is refused."""
    people = [resident(places, quick_hashes) for _ in range(100)]
    pages = [page_login(app.test_client(), p.phone, PASSWORD, "203.0.113.7").status_code for p in people[:60]]
    tokens = [token_request(app.test_client(), p.phone, PASSWORD, "203.0.113.7").status_code for p in people[60:]]
    assert pages == [302] * 60 and tokens == [200] * 40


def test_the_per_address_limit_is_a_setting(app, client, places, quick_hashes, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per minute")
    people = [resident(places, quick_hashes) for _ in range(4)]
    statuses = [token_request(client, p.phone, PASSWORD, "198.51.100.1").status_code for p in people]
    assert statuses == [200, 200, 200, 429]
    assert throttle.address_limit() == "3 per minute"


def test_the_wait_grows_and_ends_and_success_forgets_the_count(client, places, quick_hashes, monkeypatch):
    target = resident(places, quick_hashes)
    start = utcnow()
    clock = {"now": start}
    monkeypatch.setattr(services, "utcnow", lambda: clock["now"])

    def at(seconds, password):
        clock["now"] = start + timedelta(seconds=seconds)
        return page_login(client, target.phone, password, f"10.0.2.{seconds % 250}")

    assert [at(n, WRONG).status_code for n in range(5)] == [200] * 4 + [429]
    assert at(30, PASSWORD).status_code == 429  # still locked: the right password is not even checked
    second = at(65, WRONG)  # the lock (1 minute from the 5th guess) has passed: a 6th guess, twice the wait
    assert second.status_code == 429 and "请在 2 分钟后再试" in second.get_data(as_text=True)
    assert retry_after(second) in (120, 121)
    assert at(65 + 119, PASSWORD).status_code == 429
    assert at(65 + 121, PASSWORD).status_code == 302  # no sleeping: the clock moved
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 0
    client.post("/logout")
    assert [at(300 + n, WRONG).status_code for n in range(4)] == [200] * 4  # a fresh count


def test_the_wait_is_capped_and_the_count_ends_with_its_window(places, quick_hashes):
    assert [throttle.wait_after(n) for n in (4, 5, 6, 9, 10, 11, 50)] == [
        None, timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=16), timedelta(minutes=32),
        timedelta(hours=1), timedelta(hours=1)]
    target = resident(places, quick_hashes)
    start = utcnow()
    for n in range(4):
        assert services.authenticate(target.phone, WRONG, now=start + timedelta(minutes=n)) is None
    assert services.authenticate("13912345678", WRONG, now=start) is None
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 2
    later = start + throttle.WINDOW + timedelta(minutes=5)  # a new window: four more free guesses
    for n in range(4):
        assert services.authenticate(target.phone, WRONG, now=later + timedelta(seconds=n)) is None
    with pytest.raises(throttle.TooManyAttempts) as refused:
        services.authenticate(target.phone, WRONG, now=later + timedelta(seconds=10))
    assert refused.value.retry_after == 60
    # The other number's row, whose window has passed, was dropped when this number's new window began.
    assert db.session.scalars(select(SignInThrottle.key)).all() == [throttle.throttle_key(target.phone)]
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    typed = " " + target.phone[:3] + "-" + target.phone[3:].translate(full_width)  # as some phone keyboards type it
    assert services.authenticate(typed + "\x00", PASSWORD, now=later + timedelta(minutes=2)).id == target.id


def test_known_and_unknown_numbers_get_identical_answers(app, places, quick_hashes):
    known = resident(places, quick_hashes).phone
    unknown = "13912345678"

    def answers(phone, prefix):
        client = app.test_client()
        seen = []
        for n in range(7):
            page = page_login(client, phone, WRONG, f"{prefix}.{n}")
            api = token_request(client, phone, WRONG, f"{prefix}.{n + 100}")
            html = re.sub(r'name="csrf-token" content="[^"]*"', "", page.get_data(as_text=True))
            html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)  # a fresh script nonce on every answer
            seen.append((page.status_code, page.status_code == 429 and retry_after(page) in (60, 61),
                         html.replace(phone, "PHONE"), api.status_code,
                         api.status_code == 429 and retry_after(api) in (60, 61), json.dumps(api.json, sort_keys=True)))
        return seen

    assert answers(known, "10.0.3") == answers(unknown, "10.0.4")


def test_simultaneous_guesses_cannot_exceed_the_limit(app, backend, places, quick_hashes):
    if backend != "postgresql":
        pytest.skip("concurrency is proved on PostgreSQL")
    phone = resident(places, quick_hashes).phone
    db.session.remove()
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    statuses, lock = [], threading.Lock()

    def guess(n):
        client = app.test_client()
        barrier.wait()
        status = token_request(client, phone, WRONG, f"10.0.5.{n}").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [401] * 4 + [429] * 8
    assert checked_guesses() == throttle.FREE_FAILURES
    assert db.session.scalar(select(SignInThrottle.failures)) == throttle.FREE_FAILURES


SECOND_INSTANCE = """
import json, sys
from app import create_app
from argon2 import PasswordHasher
from community.accounts import services
settings = json.loads(sys.argv[1])
quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
services._hasher, services._DUMMY_HASH = quick, quick.hash("x")
client = create_app(settings).test_client()
for n in range(2):
    answer = client.post("/api/v1/auth/token", json={"phone": settings["phone"], "password": "wrong-password1"},
                         environ_base={"REMOTE_ADDR": f"10.0.6.{n}"})
    print(answer.status_code)
"""


def test_two_app_instances_share_the_count(app, client, places, quick_hashes, tmp_path):
    """Another process (as another gunicorn worker or another server) on the same database sees the count."""
    phone = resident(places, quick_hashes).phone
    assert [token_request(client, phone, WRONG, f"10.0.7.{n}").status_code for n in range(3)] == [401] * 3
    db.session.remove()  # this test's own session holds no SQLite write lock while the other process runs
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True,
                "SECRET_KEY": app.config["SECRET_KEY"], "INSTANCE_PATH": str(tmp_path), "phone": phone}
    other = subprocess.run([sys.executable, "-c", SECOND_INSTANCE, json.dumps(settings)], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
    assert other.stdout.split() == ["401", "429"]  # its 2nd guess is the 5th for this number
    assert token_request(client, phone, PASSWORD, "10.0.7.9").status_code == 429


def test_guessing_the_current_password_is_limited_like_signing_in(client, places, quick_hashes):
    """A stolen token (or session) cannot guess the current password at speed to take the account over."""
    person = resident(places, quick_hashes)
    headers = {"Authorization": f"Bearer {services.issue_token(person)[0]}"}
    answers = [client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": WRONG, "new_password": "Xq7-new-password"}).status_code
               for _ in range(6)]
    assert answers[:4] == [400] * 4 and answers[4:] == [429, 429], answers
    refused = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "Xq7-new-password"})
    assert refused.status_code == 429 and "current_password" in refused.json["error"]["fields"]
    # and the number is locked for signing in too: the same count, whichever door the guesses came through
    assert token_request(client, person.phone, PASSWORD).status_code == 429


def test_the_right_current_password_clears_the_count(client, places, quick_hashes):
    person = resident(places, quick_hashes)
    headers = {"Authorization": f"Bearer {services.issue_token(person)[0]}"}
    for _ in range(3):
        client.post("/api/v1/me/password", headers=headers,
                    json={"current_password": WRONG, "new_password": "Xq7-new-password"})
    changed = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "Xq7-new-password"})
    assert changed.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 0
