"""The load tests' tools (tests/test_load_postgresql.py): the app on a real threaded HTTP server, signed-in phones
that post the pages' forms over plain sockets, bursts released by a barrier, and the checks every burst shares.

Sign-in: each phone's cookie is the one `/login` sets (a server-side `sign_in_session` row made by the sign-in
service, its key, the person and a CSRF token in the app's own signed session cookie). It is minted, not posted
to `/login`, because 450 Argon2 sign-ins would take longer than all the bursts together and are not under test.
"""
from __future__ import annotations

import http.client
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from flask import session
from markupsafe import escape
from sqlalchemy import create_engine, text
from werkzeug.serving import WSGIRequestHandler, make_server

from app import db

POOL_SIZE, POOL_OVERFLOW = 5, 25  # 30 at most: PostgreSQL allows 100, shared by the other xdist worker and tests


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # a thousand request lines would only slow the burst
        pass


@contextmanager
def served(app):
    """The app on werkzeug's threaded server at a free port (a thread per request, all at once), its listen
    queue long enough for every phone to connect together; yields the base address."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    httpd.socket.listen(1024)  # werkzeug listens with a queue of 128: 200 phones connecting at once overflow it
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def wide_pool():
    """The test app's engine with a pool of POOL_SIZE + POOL_OVERFLOW connections for the burst (the default
    5 + 10 holds only 15 transactions at once); then closed, so the backends flush their counters
    (pg_stat_database.deadlocks) and the usual pool is back. Two xdist workers each in a burst use 60 of
    PostgreSQL's 100 connections, leaving room for the other tests."""
    engine = db.engine
    usual = engine.pool
    wide = create_engine(engine.url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=60,
                         pool_pre_ping=True)
    db.session.remove()
    engine.pool = wide.pool
    try:
        yield
    finally:
        db.session.remove()
        engine.pool = usual
        wide.dispose()


def deadlocks() -> tuple[int, int]:
    """(deadlocks PostgreSQL has detected in this database so far, client connections to it now)."""
    with db.engine.connect() as connection:
        return tuple(connection.execute(text(
            "SELECT (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()), "
            "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend')")).one())


def deadlocks_since(before: tuple[int, int]) -> int:
    """Deadlocks detected since `before` was taken, once every connection opened since then has closed (a
    backend adds its counts to pg_stat_database when it ends; waits up to 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        found, connected = deadlocks()
        if connected <= before[1] or time.monotonic() > deadline:
            return found - before[0]
        time.sleep(0.05)


@dataclass
class Answer:
    status: int
    body: str
    location: str


class Phone:
    """One person's phone: their signed session cookie (updated by every answer) and form posts over HTTP/1.1."""

    def __init__(self, address: str, cookie: str, csrf: str):
        self.address, self.cookie, self.csrf = address, cookie, csrf

    def post(self, path: str, form: list[tuple[str, str]]) -> Answer:
        host, port = self.address.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            connection.request("POST", path, urlencode([*form, ("csrf_token", self.csrf)]), {
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={self.cookie}",
                "Connection": "close"})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                morsel = SimpleCookie(header).get("session")
                if morsel is not None:
                    self.cookie = morsel.value
            return Answer(response.status, body, response.headers.get("Location", ""))
        finally:
            connection.close()

    def session(self, app) -> dict:
        """What this phone's session cookie holds (the app's own signed cookie, read with its key)."""
        return app.session_interface.get_signing_serializer(app).loads(self.cookie)


def phones(app, address: str, people) -> list[Phone]:
    """A signed-in phone for each person, in one transaction (the sign-in service's session rows)."""
    from flask_wtf.csrf import generate_csrf

    from community.accounts.services import start_session
    from community.accounts.views import SESSION_KEY
    from community.database import unit_of_work

    with unit_of_work():
        keys = [start_session(person) for person in people]
    serializer = app.session_interface.get_signing_serializer(app)
    made = []
    for person, key in zip(people, keys, strict=True):
        with app.app_context(), app.test_request_context():  # a fresh `g`, where Flask-WTF keeps the token
            session.update({SESSION_KEY: key, "_user_id": str(person.id), "_fresh": True})
            token = generate_csrf()
            made.append(Phone(address, serializer.dumps(dict(session)), token))
    return made


@dataclass
class Burst:
    answers: list[Answer]
    seconds: float

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return dict(sorted(counts.items()))


def burst(calls) -> Burst:
    """Run `calls` (functions of nothing returning an Answer) in threads released together by a barrier; the
    answers in the calls' order and the seconds from the release to the last answer."""
    barrier = threading.Barrier(len(calls) + 1)
    answers: list[Answer | BaseException | None] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            answers[index] = call()
        except BaseException as error:  # noqa: BLE001  (reported by the caller's assertion)
            answers[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    db.session.commit()  # the test holds no connection or lock while the burst runs (its objects reload later)
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=180)
    seconds = time.monotonic() - started
    failed = [a for a in answers if not isinstance(a, Answer)]
    assert not failed, failed[:3]
    return Burst(answers, seconds)


def said(app, message: str, **values) -> str:
    """A message as the pages show it (Chinese, HTML-escaped), to find it in an answer."""
    from flask_babel import gettext

    with app.test_request_context():
        return str(escape(gettext(message, **values)))


def assert_sound(result: Burst, allowed: set[int]) -> None:
    """No answer is a server error or outside `allowed` (the first such page's main part is shown), and none
    speaks of a deadlock."""
    odd = [a.body[a.body.find("<main"):][:1500] for a in result.answers if a.status not in allowed]
    assert not odd, (result.statuses(), odd[0])
    assert not [a for a in result.answers if "deadlock" in a.body.lower()]


def dispatch_in_process(config: dict, now, barrier, results) -> None:
    """A worker process: its own app and connections; at the barrier, one dispatch pass (what the queue's
    `reminders.dispatch` task runs), and its counts and seconds on `results`."""
    from app import create_app
    from community.reminders.dispatch import run_due

    application = create_app(config)
    with application.app_context():
        barrier.wait(timeout=180)
        started = time.monotonic()
        counts = run_due(now)
        results.put({**counts, "seconds": round(time.monotonic() - started, 2)})
        db.session.remove()
        db.engine.dispose()
