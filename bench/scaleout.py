"""Scale-out tried on one machine (`make bench-scaleout`): two gunicorn app servers (ports 8321 and 8322, 2
workers each, gunicorn.conf.py) and two `flask worker` consumers against one PostgreSQL database (filled by
`flask bench-data`, the 1% one will do) and one Redis database (REDIS_URL: the rate limits' counters and the
task queue; sessions are signed cookies naming a server-side session row in PostgreSQL, so any node reads
them), one `flask scheduler` under its lease and a second one started by mistake. wrk alternates its
connections between the two ports (a round-robin balancer by connection).

    python -m bench.scaleout --database URL [--redis redis://127.0.0.1:6379/13]

Shown, each as OK or FAILED: a session made by signing in on node 1 works on node 2, and signing out on node 2
ends it on node 1; the sign-in rate limit (set to 6 an hour here) is counted once across both nodes; jobs
queued through both nodes run once each, spread over both consumers; a support and a ballot sent to both nodes
at the same moment are recorded once; two schedulers queue each periodic run once; and a load run across both
nodes. Exits 1 when a check fails.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench.load import SECRET, send, server_env
from bench.servers import ROOT, USER_AGENT, gunicorn, load_average, stop, wrk

PORTS = (8321, 8322)
RATE_LIMIT = "6 per hour"
MARKER = "tongxin-bench-scaleout"
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"  {'OK    ' if ok else 'FAILED'} {name}: {detail}", flush=True)


def request(port: int, method: str, path: str, cookie: str = "", form: dict | None = None):
    """(status, headers, body) of one request, no redirect followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def cookie_of(headers, fallback: str = "") -> str:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return fallback


def csrf_of(body: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', body)
    return found[1] if found else ""


def redis_ready(url: str) -> None:
    """This Redis database is ours: empty, or holding the marker of an earlier run (then emptied)."""
    import redis

    client = redis.Redis.from_url(url)
    if client.dbsize() and not client.exists(MARKER):
        raise SystemExit(f"{url} holds keys this benchmark did not make: choose another --redis database")
    client.flushdb()
    client.set(MARKER, "1")


def executions(logs: list[Path], since: float) -> list[int]:
    """How many tasks each consumer started since `since` (Huey logs "Executing …" per task)."""
    counts = []
    for log in logs:
        n = 0
        for line in log.read_text(errors="replace").splitlines():
            if "Executing" in line:
                stamp = line[:23]
                try:
                    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
                except ValueError:
                    continue
                n += moment >= since
        counts.append(n)
    return counts


def sign_in_across(app, resident_phone: str) -> None:
    """Sign in on node 1 (the real form, CSRF and password), use the session on node 2, sign out there."""
    from community.bench_data import BENCH_PASSWORD

    status, headers, body = request(PORTS[0], "GET", "/login")
    cookie, token = cookie_of(headers), csrf_of(body)
    status, headers, _body = request(PORTS[0], "POST", "/login", cookie,
                                     {"csrf_token": token, "phone": resident_phone, "password": BENCH_PASSWORD})
    cookie = cookie_of(headers, cookie)
    signed_in = status == 302
    status2, headers, home = request(PORTS[1], "GET", "/", cookie)
    cookie = cookie_of(headers, cookie)  # the page put its CSRF token in the session
    on_node_2 = status2 == 200 and 'name="password"' not in home
    check("session made on node 1 works on node 2", signed_in and on_node_2,
          f"sign-in on :{PORTS[0]} answered {status}; home on :{PORTS[1]} answered {status2}, "
          f"{'signed in' if on_node_2 else 'NOT signed in'}")
    token = csrf_of(home)
    status3, _h, _b = request(PORTS[1], "POST", "/logout", cookie, {"csrf_token": token})
    status4, _h, home1 = request(PORTS[0], "GET", "/", cookie)
    ended = status4 == 200 and 'name="password"' in home1
    check("signing out on node 2 ends the session on node 1", status3 == 302 and ended,
          f"sign-out on :{PORTS[1]} answered {status3}; the old cookie on :{PORTS[0]}: "
          f"{'the sign-in form' if ended else 'still signed in'}")


def shared_rate_limit() -> None:
    """Wrong passwords for numbers nobody has (the per-number throttle stays out of it), alternating nodes,
    until the per-address limit answers 429; one sign-in was already counted."""
    status, headers, body = request(PORTS[0], "GET", "/login")
    cookie, token = cookie_of(headers), csrf_of(body)
    answers = []
    for k in range(8):
        port = PORTS[k % 2]
        status, _h, _b = request(port, "POST", "/login", cookie,
                                 {"csrf_token": token, "phone": f"1390000{k:04d}", "password": "wrong-pass-1"})
        answers.append((port, status))
    allowed = sum(1 for _p, s in answers if s != 429)
    refused_on = {p for p, s in answers if s == 429}
    limit = int(RATE_LIMIT.split()[0])
    check("the sign-in rate limit is counted once across both nodes",
          allowed == limit - 1 and refused_on == set(PORTS),
          f"limit {RATE_LIMIT} per address, 1 sign-in already counted: {allowed} more allowed, then 429 on "
          f"{sorted(refused_on)} ({', '.join(f':{p} {s}' for p, s in answers)})")


def jobs_once(app, world, logs: list[Path], how_many: int = 20) -> None:
    from app import db
    from bench.load_fixtures import session_cookie
    from community.background import Job

    with app.app_context():
        cookie, token = session_cookie(app, world.admin, with_csrf=True)
    since = time.time()
    ids = []
    for k in range(how_many):
        status, headers, _b = request(PORTS[k % 2], "POST", "/requests/export", cookie,
                                      {"csrf_token": token, "community_id": "2"})
        location = dict((n.lower(), v) for n, v in headers).get("location", "")
        if status == 302 and "/requests/exports/" in location:
            ids.append(location.rsplit("/", 1)[-1])
    deadline, states = time.time() + 180, {}
    while time.time() < deadline:
        with app.app_context():
            states = dict(db.session.execute(db.select(Job.id, Job.state).where(Job.id.in_(ids))).all())
            db.session.remove()
        if len(states) == len(ids) and all(s in ("done", "failed") for s in states.values()):
            break
        time.sleep(1)
    time.sleep(1)
    per_worker = executions(logs, since - 1)
    done = sum(s == "done" for s in states.values())
    check("jobs queued through both nodes run once each, on both consumers",
          len(ids) == how_many and done == how_many and sum(per_worker) == how_many and min(per_worker) > 0,
          f"{len(ids)} exports queued (half through each node), {done} done; the two consumers ran "
          f"{per_worker[0]} and {per_worker[1]} tasks meanwhile ({sum(per_worker)} in all)")


def writes_once(app, world, how_many: int = 150) -> None:
    """Each support and each ballot sent to both nodes at the same moment: one 201 and one 409 each, one row."""
    from sqlalchemy import func, select

    from app import db
    from bench import load_fixtures as F
    from community.discussions.models import Request, Support
    from community.elections.models import Ballot, Election, Participation

    with app.app_context():
        supports = F.support_requests(world, how_many)
        ballots = F.ballot_requests(world, how_many)
        election = db.session.scalar(select(func.max(Election.id)))
    for label, lines in (("support", supports), ("ballot", ballots)):
        with ThreadPoolExecutor(16) as pool:
            pairs = [(pool.submit(send, PORTS[0], line), pool.submit(send, PORTS[1], line)) for line in lines]
            answers = [sorted((a.result(), b.result())) for a, b in pairs]
        once = sum(1 for a in answers if a in ([201, 409], [200, 409]))
        check(f"each {label} sent to both nodes at once is taken once", once == len(lines),
              f"{len(lines)} {label}s, each to both nodes: {once} answered once taken and once refused (409); "
              f"others: {[a for a in answers if a not in ([201, 409], [200, 409])][:5]}")
    with app.app_context():
        request_ids = {int(line[1].split("/")[4]) for line in supports}
        counts = dict(db.session.execute(select(Support.request_id, func.count()).where(
            Support.request_id.in_(request_ids)).group_by(Support.request_id)).all())
        stored = dict(db.session.execute(select(Request.id, Request.support_count)
                                         .where(Request.id.in_(request_ids))).all())
        took_part = db.session.scalar(select(func.count()).select_from(Participation)
                                      .where(Participation.election_id == election))
        cast = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.election_id == election))
        db.session.remove()
    check("the supports' counts equal the supports stored", counts == stored,
          f"{len(request_ids)} requests: support_count equals the rows for "
          f"{sum(counts.get(r) == stored.get(r) for r in request_ids)}")
    check("one participation and one sealed ballot per voter", took_part == len(ballots),
          f"{len(ballots)} voters: {took_part} participations, {cast} ballot rows (sealed until the opening: "
          f"{'none yet, as it should be' if cast == 0 else cast})")


def schedulers(app, logs: list[Path], started: float) -> None:
    from sqlalchemy import select

    from app import db
    from community.reminders.models import SchedulerLease

    with app.app_context():
        holders = db.session.scalars(select(SchedulerLease.holder)).all()
        db.session.remove()
    firsts = range(int(started // 60) + 1, int(time.time() // 60) + 1)  # the minutes whose cron fired since
    # every minute the reminders' dispatch, every 5 the jobs' sweep, every 10 the integrity seal (UTC minutes
    # and Asia/Shanghai minutes agree: the offset is whole hours)
    expected = sum(1 + (m % 5 == 0) + (m % 10 == 0) for m in firsts)
    ran = executions(logs, started)
    check("two schedulers: one holds the lease, each periodic run is queued once",
          len(holders) == 1 and len(firsts) >= 1 and sum(ran) == expected,
          f"lease holders {holders}; over {len(firsts)} minute(s) the cron called for {expected} task(s); the "
          f"consumers ran {sum(ran)} ({ran[0]} and {ran[1]})")


def load_across(world, duration: float) -> None:
    base = f"http://127.0.0.1:{PORTS[0]}"
    for name, line in (("home (resident)", ("GET", "/", world.page("resident"), "")),
                       ("request board", ("GET", "/requests/", world.page("resident"), "")),
                       ("API points", ("GET", f"/api/v1/people/{world.resident}/points", world.api("resident"), ""))):
        both = wrk(base, [line], duration, 16, threads=2, ports=list(PORTS))
        check(f"load across both nodes: {name}", both.errors == 0,
              f"{both.rps:.0f} req/s, p50 {both.p50:.1f} ms, p99 {both.p99:.1f} ms, errors {both.errors} "
              f"(wrk's 2 threads on :{PORTS[0]} and :{PORTS[1]})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a database filled by flask bench-data")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="a Redis database of its own")
    parser.add_argument("--duration", type=float, default=5)
    args = parser.parse_args(argv)
    from app import create_app
    from bench import load_fixtures
    from community.people.models import Person

    redis_ready(args.redis)
    folder = tempfile.mkdtemp(prefix="tongxin-scaleout-")
    env = {**server_env(args.database, folder), "REDIS_URL": args.redis, "SIGN_IN_LIMIT_PER_ADDRESS": RATE_LIMIT}
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SECRET_KEY": SECRET, "INSTANCE_PATH": folder,
                      "SESSION_COOKIE_SECURE": False, "REDIS_URL": args.redis})
    with app.app_context():
        world = load_fixtures.world(app)
        from app import db

        phone = db.session.get(Person, world.resident).phone
    print(f"bench-scaleout: {args.database.rsplit('/', 1)[-1]}, {args.redis}, logs in {folder}; "
          f"load average {load_average()}", flush=True)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    environment = {**os.environ, **env}
    with ExitStack() as stack:
        for n, port in enumerate(PORTS, 1):
            stack.enter_context(gunicorn("app:create_app()", port, env, Path(folder) / f"node{n}.log"))
        logs = [Path(folder) / f"worker{n}.log" for n in (1, 2)]
        processes = []
        for log in logs:
            out = log.open("wb")
            processes.append(subprocess.Popen([*flask, "worker"], cwd=ROOT, env=environment, stdout=out,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        stack.callback(lambda: [stop(p) for p in processes])
        time.sleep(4)
        print(f"two app servers on :{PORTS[0]} and :{PORTS[1]}, two consumers; checks:", flush=True)
        sign_in_across(app, phone)
        shared_rate_limit()
        jobs_once(app, world, logs)
        started = time.time()
        for n in (1, 2):
            out = (Path(folder) / f"scheduler{n}.log").open("wb")
            processes.append(subprocess.Popen([*flask, "scheduler"], cwd=ROOT, env=environment, stdout=out,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        writes_once(app, world)
        load_across(world, args.duration)
        while int(time.time() // 60) - int(started // 60) < 2:  # let the schedulers' cron fire twice
            time.sleep(2)
        time.sleep(5)
        schedulers(app, logs, started)
    failed = [name for name, ok, _d in results if not ok]
    print(f"\nbench-scaleout, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}: "
          f"{len(results) - len(failed)} of {len(results)} checks OK"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
