"""Do the inbox and the administrators' view of the outbox stay as fast with many rows as with few?

One database per size holds a resident with M messages in their inbox (a fifth unread), and R reminders to
the street's residents in every state (a tenth failed, a tenth expired), of three kinds on three channels.
Each page is timed as a multiple of /healthz in the same run, with its SQL statements per request; the
statement count must not grow with the rows (checked, and printed as "grows!" when it does).
"""
from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from bench.common import PASSWORD, bearer, compare, signed_in, street_with

QUICK = "--quick" in sys.argv
SIZES = [(200, 2000), (2000, 20000)] if QUICK else [(500, 10000), (5000, 100000)]  # (messages, reminders)
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
STATES = ["sent"] * 6 + ["pending", "cancelled", "failed", "expired"]


def _seed(messages: int, reminders: int) -> None:
    from app import db
    from community.accounts.services import hash_password
    from community.people.models import Person
    from community.reminders.models import Notification, Reminder
    from community.roles.models import RoleGrant

    street, (community,) = street_with("东门社区")
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


def _seed_size(size: tuple[int, int]) -> dict:
    _seed(*size)
    return {"deep": max(1, size[0] // 20 // 2)}


def _pages(app, world: dict) -> dict:
    resident, admin = signed_in(app, "13900000001"), signed_in(app, "13800000000")
    platform = signed_in(app, "13800000009")
    return {
        "inbox, first page": (resident, "/inbox/", None),
        "inbox, deep page": (resident, f"/inbox/?page={world['deep']}", None),
        "inbox, unread only": (resident, "/inbox/?unread=1", None),
        "API notifications": (resident, "/api/v1/notifications", bearer(app, "13900000001")),
        "outbox view (street admin)": (admin, "/admin/reminders/", None),
        "outbox view (platform admin)": (platform, "/admin/reminders/?state=failed", None),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    return compare("inbox and outbox view", SIZES, lambda size: f"{size[0]:,}msg/{size[1]:,}rem", _seed_size, _pages)


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
