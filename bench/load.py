"""The load benchmark of issue #13 (`make bench-load`): Tongxin under gunicorn (2 workers, gunicorn.conf.py)
on a database filled by `flask bench-data`, driven by wrk at 16 connections, beside a bare Flask endpoint
under the same gunicorn settings and load, on the full-scale database and on the 1% one in the same run.

    python -m bench.load --database URL --small-database URL [--duration 10] [--write-duration 5]
                         [--connections 16] [--only leaderboard,ballot] [--json results.json]

Per endpoint: requests per second, p50 and p99, the ratio of its throughput to bare Flask's (measured in the
same phase), the ratio of its full-scale p50 to its 1% p50, and each budget met or missed; then each worker's
peak resident memory, the count of the bench election's ballots, and the reminders' dispatch rate. The writes
are made by different people per request (bench/load_fixtures.py) and change the databases (community 2).
Budgets are printed, never asserted: the exit status is 0 unless something broke.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.servers import Figures, gunicorn, load_average, memory_mb, workers_of, wrk

SECRET = "tongxin-bench-load-secret"  # the servers' and the fixtures' SECRET_KEY: sessions, codes, tokens
APP_PORT, BARE_PORT = 8311, 8312
THROUGHPUT = {"html": 0.25, "json": 0.40, "write": 0.15}  # share of bare Flask's requests per second
P99_MS, SCALE_P50, WORKER_MB, COUNT_S, REMINDERS_PER_S = 100, 1.5, 150, 2.0, 1000


@dataclass
class Endpoint:
    name: str
    kind: str  # html | json | write
    lines: Callable  # (world, how_many) -> [(method, path, headers, body)]


def _get(path, role: str | None, api: bool = False) -> Callable:
    """A read: one GET of the path (or path(world)) as `role`, by its session cookie or bearer token."""
    def lines(w, _how_many):
        return [("GET", path(w) if callable(path) else path, w.api(role) if api else w.page(role), "")]
    return lines


def endpoints() -> list[Endpoint]:
    from bench import load_fixtures as F

    return [
        Endpoint("sign-in page", "html", _get("/login", None)),
        Endpoint("home (resident)", "html", _get("/", "resident")),
        Endpoint("points page", "html", _get(lambda w: f"/points/people/{w.resident}", "resident")),
        Endpoint("leaderboard", "html", _get("/points/leaderboard", "resident")),
        Endpoint("branch roster", "html", _get("/admin/branches/members", "secretary")),
        Endpoint("compliance board", "html", _get("/admin/branches/compliance", "street_admin")),
        Endpoint("request board", "html", _get("/requests/", "resident")),
        Endpoint("election results", "html", _get(lambda w: f"/elections/{w.counted_election}/results", "resident")),
        Endpoint("API people", "json", _get("/api/v1/people", "admin", api=True)),
        Endpoint("API points", "json", _get(lambda w: f"/api/v1/people/{w.resident}/points", "resident", api=True)),
        Endpoint("API request board", "json", _get("/api/v1/requests", "resident", api=True)),
        Endpoint("ballot cast", "write", F.ballot_requests),
        Endpoint("grant", "write", F.grant_requests),
        Endpoint("support", "write", F.support_requests),
        Endpoint("check-in", "write", F.checkin_requests),
    ]


def send(port: int, line: tuple) -> int:
    """One request of a wrk line, sent by http.client (no redirects followed): its status."""
    method, path, headers, body = line
    pairs = dict(p.split(":", 1) for p in headers.split(" | ") if ":" in p)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body.encode() if body else None,
                           headers={k.strip(): v.strip() for k, v in pairs.items()})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def server_env(url: str, folder: str) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "COOKIE_SECURE": "0", "TONGXIN_INSTANCE": folder,
            "REDIS_URL": "", "FLASK_DEBUG": ""}


def bare(duration: float, connections: int, log: Path) -> Figures:
    with gunicorn("bench.bare_app:app", BARE_PORT, {}, log):
        base, line = f"http://127.0.0.1:{BARE_PORT}", [("GET", "/", "User-Agent: tongxin-bench/1", "")]
        wrk(base, line, 2, connections)
        return wrk(base, line, duration, connections)


def phase(label: str, url: str, chosen: list[Endpoint], args, log: Path) -> dict:
    """Bare Flask, then every chosen endpoint on this database; the workers' memory; the ballots' count."""
    from app import create_app
    from bench import load_fixtures

    folder = tempfile.mkdtemp(prefix="tongxin-load-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": folder,
                      "SESSION_COOKIE_SECURE": False})
    result = {"label": label, "load_before": load_average(), "endpoints": {}}
    print(f"\n== {label}: {url.rsplit('/', 1)[-1]} (load average {result['load_before']})", flush=True)
    result["bare"] = asdict(bare(args.duration, args.connections, log))
    print(f"  bare Flask: {result['bare']['rps']:.0f} req/s, p50 {result['bare']['p50']:.1f} ms, p99 "
          f"{result['bare']['p99']:.1f} ms, errors {result['bare']['errors']}", flush=True)
    with app.app_context():
        world = load_fixtures.world(app)
    base = f"http://127.0.0.1:{APP_PORT}"
    with gunicorn("app:create_app()", APP_PORT, server_env(url, folder), log) as master:
        for endpoint in chosen:
            write = endpoint.kind == "write"
            with app.app_context():
                lines = endpoint.lines(world, int(args.write_duration * args.write_rate)) if write else \
                    endpoint.lines(world, 1)
            status = send(APP_PORT, lines[0])
            if status not in (200, 201):
                raise SystemExit(f"{endpoint.name}: {lines[0][0]} {lines[0][1]} answered {status}; see {log}")
            if write:
                lines = lines[1:]
            else:
                wrk(base, lines, 2, args.connections)  # warm: templates, plans, the database's cache
            figures = wrk(base, lines, args.write_duration if write else args.duration, args.connections)
            result["endpoints"][endpoint.name] = {"kind": endpoint.kind, **asdict(figures),
                                                  "writes_prepared": len(lines) if write else None}
            short = "  (ran out of writes)" if write and figures.wrapped else ""
            print(f"  {endpoint.name:<20} {figures.rps:8.0f} req/s  p50 {figures.p50:7.1f} ms  p99 {figures.p99:7.1f}"
                  f" ms  errors {figures.errors}{short}", flush=True)
        result["workers_mb"] = [memory_mb(pid) for pid in workers_of(master.pid)]
    result["load_after"] = load_average()
    result["count"] = count_ballots(app, world.counted_election)
    print(f"  counting the bench election's {result['count']['ballots']:,} ballots: {result['count']['seconds']:.2f} s")
    return result


def count_ballots(app, election_id: int) -> dict:
    """The count of the counted election's ballots (count_current_round, as after the opening), timed, then
    rolled back: the published results stay as they were."""
    from app import db
    from community.elections.models import Election
    from community.elections.services.common import current_round
    from community.elections.services.tally import count_current_round

    with app.app_context():
        election = db.session.get(Election, election_id)
        current_round(election).status = "closed"
        db.session.flush()
        started = time.perf_counter()
        round_ = count_current_round(election)
        db.session.flush()
        seconds = time.perf_counter() - started
        ballots = round_.ballots_returned
        db.session.rollback()
    return {"ballots": ballots, "seconds": seconds}


def reminders_rate() -> dict:
    """bench/reminders_dispatch on a fresh PostgreSQL database: one dispatch pass over its due reminders."""
    from bench.common import database
    from bench.reminders_dispatch import N, _measure

    folder = tempfile.mkdtemp(prefix="tongxin-load-")
    with database("postgresql", folder) as url:
        figures = _measure(url, folder)
    return {"reminders": N, **figures}


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def report(small: dict, full: dict, reminders: dict | None) -> list[str]:
    """The table: per endpoint at full scale, its ratios and budgets; then memory, count and reminders."""
    lines = [f"{'endpoint':<20} {'kind':<5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'x bare':>6} "
             f"{'1% p50':>7} {'full/1%':>7} {'errors':>6}  throughput   p99      scale"]
    bare_full, bare_small = full["bare"]["rps"], small["bare"]["rps"]
    for name, f in full["endpoints"].items():
        s = small["endpoints"].get(name)
        share = f["rps"] / bare_full
        scale = f["p50"] / s["p50"] if s else float("nan")
        lines.append(f"{name:<20} {f['kind']:<5} {f['rps']:7.0f} {f['p50']:7.1f} {f['p99']:7.1f} {share:6.2f} "
                     f"{s['p50'] if s else float('nan'):7.1f} {scale:7.2f} {f['errors']:6d}  "
                     f"{verdict(share >= THROUGHPUT[f['kind']]):<6} {THROUGHPUT[f['kind']]:.2f} "
                     f"{verdict(f['p99'] < P99_MS):<8} {verdict(scale <= SCALE_P50) if s else 'n/a'}")
    lines.append(f"{'bare Flask':<20} {'json':<5} {bare_full:7.0f} {full['bare']['p50']:7.1f} "
                 f"{full['bare']['p99']:7.1f} {1:6.2f} {small['bare']['p50']:7.1f}   "
                 f"(1% phase: {bare_small:.0f} req/s)")
    for data in (small, full):
        peak = max((hwm for _rss, hwm in data.get("workers_mb", [])), default=0)
        workers = ", ".join(f"{rss:.0f} MB now / {hwm:.0f} MB peak" for rss, hwm in data.get("workers_mb", []))
        lines.append(f"{data['label']}: workers {workers}: {verdict(peak < WORKER_MB)} (< {WORKER_MB} MB); "
                     f"load average {data['load_before']} -> {data['load_after']}")
        lines.append(f"{data['label']}: counting {data['count']['ballots']:,} ballots: "
                     f"{data['count']['seconds']:.2f} s: "
                     f"{verdict(data['count']['seconds'] < COUNT_S)} (< {COUNT_S:.0f} s)")
    if reminders:
        lines.append(f"reminders: one dispatch pass over {reminders['reminders']:,} due inbox reminders (PostgreSQL): "
                     f"{reminders['dispatch_per_s']:,.0f}/s: {verdict(reminders['dispatch_per_s'] >= REMINDERS_PER_S)}"
                     f" (>= {REMINDERS_PER_S:,}/s)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", ""), help="the full-scale database")
    parser.add_argument("--small-database", default=os.environ.get("BENCH_SMALL_DATABASE", ""),
                        help="the 1%% database (bench-data --scale 0.01)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per read endpoint")
    parser.add_argument("--write-duration", type=float, default=5, help="seconds per write endpoint")
    parser.add_argument("--write-rate", type=float, default=300, help="writes prepared per second of a run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated endpoint names (default: all)")
    parser.add_argument("--no-reminders", action="store_true", help="skip the reminders' dispatch measure")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not args.database or not args.small_database:
        parser.error("--database and --small-database are needed (or BENCH_DATABASE, BENCH_SMALL_DATABASE)")
    chosen = [e for e in endpoints() if not args.only or e.name in args.only.split(",")]
    log = Path(tempfile.gettempdir()) / "tongxin-bench-load.log"
    import subprocess

    version = subprocess.run([sys.executable, "-m", "gunicorn", "--version"], capture_output=True, text=True).stdout
    print(f"bench-load: {version.strip()}, {os.cpu_count()} cores, load average {load_average()}, wrk -t2 "
          f"-c{args.connections}, "
          f"{args.duration:.0f} s per read, {args.write_duration:.0f} s per write; gunicorn log {log}", flush=True)
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    small = phase("1%", args.small_database, chosen, args, log)
    full = phase("full", args.database, chosen, args, log)
    reminders = None if args.no_reminders else reminders_rate()
    lines = report(small, full, reminders)
    print(f"\nbench-load, started {started}, {version.strip()}:\n" + "\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps({"started": started, "small": small, "full": full,
                                               "reminders": reminders, "table": lines}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
