"""Do the inbox and the administrators' view of the outbox stay as fast with many rows as with few?

One database per size holds a resident with M messages in their inbox (a fifth unread), and R reminders to
the street's residents in every state (a tenth failed, a tenth expired), of three kinds on three channels.
Each page is timed as a multiple of /healthz in the same run, with its SQL statements per request; the
statement count must not grow with the rows (checked, and printed as "grows!" when it does).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, select, text

from bench.people_list import BACKENDS, _time, database

QUICK = "--quick" in sys.argv
SIZES = [(200, 2000), (2000, 20000)] if QUICK else [(500, 10000), (5000, 100000)]  # (messages, reminders)
PASSWORD = "bench12345"
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
STATES = ["sent"] * 6 + ["pending", "cancelled", "failed", "expired"]


def _seed(messages: int, reminders: int) -> None:
    from app import db
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.reminders.models import Notification, Reminder
    from community.roles.models import RoleGrant

    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = Community(street_id=street.id, name="东门社区")
    db.session.add(community)
    db.session.flush()
    password = hash_password(PASSWORD)
    resident = Person(name="王芳", phone="13900000001", password_hash=password, hukou_place="", community=community)
    admin = Person(name="街道管理员", phone="13800000000", password_hash=password, hukou_place="")
    platform = Person(name="平台管理员", phone="13800000009", password_hash=password, hukou_place="")
    db.session.add_all([resident, admin, platform])
    db.session.flush()
    db.session.add_all([RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id),
                        RoleGrant(person_id=platform.id, role="platform_admin", scope_type="platform", scope_id=0)])
    people = [{"name": f"居民{i:05d}", "phone": f"15{i:09d}", "hukou_place": "", "community_id": community.id}
              for i in range(1000)]
    db.session.execute(insert(Person), people)
    ids = list(db.session.scalars(select(Person.id).where(Person.name.like("居民%")).order_by(Person.id)))
    rows = [{"person_id": resident.id, "kind": "election_voting_open", "title": f"投票开始：第{i}次推选",
             "body": "投票于2026年12月5日（星期六）08:00开始。", "url": "/elections/1",
             "created_at": T0 + timedelta(minutes=i), "read_at": None if i % 5 == 0 else T0} for i in range(messages)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Notification), rows[start:start + 5000])
    kinds = ["election_voting_open", "election_voting_closing", "election_roll_published"]
    channels = ["inbox", "email", "webhook"]
    batch = []
    for i in range(reminders):
        state, kind, channel, pid = STATES[i % 10], kinds[i % 3], channels[(i // 3) % 3], ids[i % len(ids)]
        batch.append({"key": f"{kind}|election:{i}|x|{pid}|{channel}", "kind": kind, "subject": f"election:{i}",
                      "occasion": "x", "recipient_id": pid, "channel": channel, "due_at": T0 + timedelta(seconds=i),
                      "state": state, "attempts": 5 if state == "failed" else 0,
                      "last_error": "SMTP 550" if state == "failed" else None, "created_at": T0, "updated_at": T0})
        if len(batch) == 5000:
            db.session.execute(insert(Reminder), batch)
            batch = []
    if batch:
        db.session.execute(insert(Reminder), batch)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _measure(url: str, folder: str, size: tuple[int, int]) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "BACKGROUND_SYNC": True,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        db.create_all()
        _seed(*size)
    resident, admin, platform = app.test_client(), app.test_client(), app.test_client()
    for client, phone in ((resident, "13900000001"), (admin, "13800000000"), (platform, "13800000009")):
        client.post("/login", data={"phone": phone, "password": PASSWORD})
    token = resident.post("/api/v1/auth/token", json={"phone": "13900000001", "password": PASSWORD}).json["token"]
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    deep = max(1, size[0] // 20 // 2)
    pages = {
        "inbox, first page": (resident, "/inbox/", None),
        "inbox, deep page": (resident, f"/inbox/?page={deep}", None),
        "inbox, unread only": (resident, "/inbox/?unread=1", None),
        "API notifications": (resident, "/api/v1/notifications", {"Authorization": f"Bearer {token}"}),
        "outbox view (street admin)": (admin, "/admin/reminders/", None),
        "outbox view (platform admin)": (platform, "/admin/reminders/?state=failed", None),
    }
    result = {"baseline_ms": _time(resident, "/healthz") * 1000}
    baseline = result["baseline_ms"] / 1000
    for label, (client, path, headers) in pages.items():
        statements.clear()
        assert client.get(path, headers=headers or {}).status_code == 200, path
        count = len(statements)
        result[label] = (_time(client, path, headers) / baseline, count)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def run(backend: str, size) -> dict:
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return _measure(url, folder, size)


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    steady = True
    for backend in BACKENDS:
        results = {size: run(backend, size) for size in SIZES}
        print(f"\n{backend}: inbox and outbox view; time as a multiple of /healthz (SQL statements per request)")
        print(f"{'':<32}" + "".join(f"{f'{m:,}msg/{r:,}rem':>20}" for m, r in SIZES))
        for label in [k for k in results[SIZES[0]] if k != "baseline_ms"]:
            counts = [results[s][label][1] for s in SIZES]
            grows = "  grows!" if counts[-1] > counts[0] else ""
            steady = steady and not grows
            print(f"{label:<32}" + "".join(f"{results[s][label][0]:>14.1f}x ({results[s][label][1]:>2})"
                                           for s in SIZES) + grows)
        print(f"{'baseline /healthz median (ms)':<32}" + "".join(f"{results[s]['baseline_ms']:>20.2f}"
                                                               for s in SIZES))
    return steady


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
