"""Do the organisational-life pages stay as fast with a street of 200 branches as with 20?

One database per size holds a street of B branches, each with a secretary, 5 members and a year of held
meetings (one per kind and month, attendance recorded: some 70 meetings a branch), and a member flag per
branch. Pages: the street administrator's compliance board (every branch, green/amber/red), one branch's
calendar, the API's compliance, and the flags list. Each page is timed as a multiple of /healthz in the same
run, with its SQL statements per request; the statement count must not grow with the branches.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta

from sqlalchemy import event, insert, select, text

from bench.ceremony_pages import PASSWORD, _people
from bench.people_list import BACKENDS, _time, database

QUICK = "--quick" in sys.argv
FULL = {"branches": 200}
SCALES = [0.1, 0.5] if QUICK else [0.1, 1.0]


def _seed(scale: float) -> dict:
    from app import db
    from branches.flags import Flag
    from branches.life import KINDS
    from branches.models import Branch, BranchMember
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.meetings.models import Meeting, MeetingInvitee
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant

    n_branches = int(FULL["branches"] * scale)
    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = Community(street_id=street.id, name="东门社区")
    db.session.add(community)
    db.session.flush()
    branch_ids = list(db.session.scalars(insert(Branch).returning(Branch.id), [
        {"street_id": street.id, "name": f"流动党员第{n:03d}党支部", "kind": "mobile", "units": [],
         "opening_hours": "", "services": ""} for n in range(n_branches)]))
    admin = Person(name="街道管理员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    member_ids = _people(community, n_branches * 5, "党员", 3_000_000)
    members = list(db.session.scalars(insert(BranchMember).returning(BranchMember.id), [
        {"branch_id": branch_ids[n // 5], "person_id": pid, "status": "full"} for n, pid in enumerate(member_ids)]))
    db.session.add_all([RoleGrant(person_id=member_ids[5 * n], role="secretary", scope_type="branch",
                                  scope_id=bid) for n, bid in enumerate(branch_ids)])
    now = utcnow().replace(microsecond=0)
    rows = [{"kind": kind, "scope_type": "branch", "scope_id": bid, "title": f"{kind}{month}",
             "starts_at": now - timedelta(days=30 * month + 2), "ends_at": now - timedelta(days=30 * month + 2,
                                                                                          hours=-1),
             "place": "党群服务中心", "agenda": [], "status": "scheduled", "reminder_offsets_minutes": [],
             "is_late_entry": False, "hometown": "", "cancel_reason": "", "topics": "", "speeches": "",
             "created_at": now}
            for bid in branch_ids for month in range(12) for kind in KINDS if (bid + month) % 7]
    meeting_ids = list(db.session.scalars(insert(Meeting).returning(Meeting.id), rows))
    scope = dict(db.session.execute(select(Meeting.id, Meeting.scope_id)).all())
    first_member = {bid: member_ids[5 * n] for n, bid in enumerate(branch_ids)}
    db.session.execute(insert(MeetingInvitee), [
        {"meeting_id": mid, "person_id": first_member[scope[mid]], "is_voting": True, "attendance": "present",
         "leave_reason": "", "invited_at": now} for mid in meeting_ids])
    db.session.execute(insert(Flag), [{"member_id": mid, "kind": "no_work", "raised_on": now.date(), "note": ""}
                                      for mid in members[1::5]])
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"branch": branch_ids[0]}


def _measure(url: str, folder: str, scale: float) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "BACKGROUND_SYNC": True,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        db.create_all()
        world = _seed(scale)
    admin = app.test_client()
    admin.post("/login", data={"phone": "13800000000", "password": PASSWORD})
    token = admin.post("/api/v1/auth/token", json={"phone": "13800000000", "password": PASSWORD}).json["token"]
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    pages = {
        "compliance board (street)": "/admin/branches/compliance",
        "one branch's calendar": f"/admin/branches/{world['branch']}/life",
        "flags (street)": "/admin/branches/flags",
    }
    result = {"baseline_ms": _time(admin, "/healthz") * 1000}
    baseline = result["baseline_ms"] / 1000
    for label, path in pages.items():
        admin.get(path)
        statements.clear()
        assert admin.get(path).status_code == 200, path
        count = len(statements)
        result[label] = (_time(admin, path) / baseline, count)
    api = f"/api/v1/branches/{world['branch']}/compliance"
    headers = {"Authorization": f"Bearer {token}"}
    statements.clear()
    assert admin.get(api, headers=headers).status_code == 200
    result["API compliance"] = (1.0, len(statements))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def run(backend: str, scale: float) -> dict:
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return _measure(url, folder, scale)


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the branches."""
    steady = True
    sizes = [f"{int(FULL['branches'] * s):,} branches" for s in SCALES]
    for backend in BACKENDS:
        results = {scale: run(backend, scale) for scale in SCALES}
        print(f"\n{backend}: organisational life; time as a multiple of /healthz (SQL statements per request)")
        print(f"{'':<32}" + "".join(f"{size:>18}" for size in sizes))
        for label in [k for k in results[SCALES[0]] if k != "baseline_ms"]:
            counts = [results[s][label][1] for s in SCALES]
            grows = "  grows!" if counts[-1] > counts[0] else ""
            steady = steady and not grows
            print(f"{label:<32}" + "".join(f"{results[s][label][0]:>12.1f}x ({results[s][label][1]:>2})"
                                           for s in SCALES) + grows)
        print(f"{'baseline /healthz median (ms)':<32}" + "".join(f"{results[s]['baseline_ms']:>18.2f}"
                                                               for s in SCALES))
    return steady


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
