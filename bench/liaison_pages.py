"""Do the two-place management pages and the dashboards stay as fast with a city's branches as with a tenth?

One database per size holds a street of B branches with M members: half of them belong to the home-side
organisation whose liaison signs in, half to another; each branch held a group meeting with all its members
invited. Timed as a multiple of /healthz, with SQL statements per request: the liaison's members (page and
API), a branch dashboard and the street dashboard over every branch; the counts must not grow with the rows.
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
FULL = {"members": 10000, "branches": 200}  # 5,000 members of the liaison's organisation
SCALES = [0.1, 0.25] if QUICK else [0.1, 1.0]


def _seed(scale: float) -> dict:
    from app import db
    from branches.models import Branch, BranchHomeOrganisation, BranchMember, HomeOrganisation
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.meetings.models import Meeting, MeetingInvitee
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant

    n_members, n_branches = int(FULL["members"] * scale), int(FULL["branches"] * scale)
    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = Community(street_id=street.id, name="东门社区")
    ours, theirs = HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市"), HomeOrganisation(
        name="阜阳市王店镇党委", region="安徽省阜阳市")
    db.session.add_all([community, ours, theirs])
    db.session.flush()
    db.session.execute(insert(Branch), [{"street_id": street.id, "name": f"第{n:03d}流动党支部", "kind": "mobile",
                                         "units": [], "opening_hours": "", "services": ""}
                                        for n in range(n_branches)])
    branch_ids = list(db.session.scalars(select(Branch.id).order_by(Branch.id)))
    db.session.execute(insert(BranchHomeOrganisation), [
        {"branch_id": b, "home_organisation_id": o, "created_at": utcnow()}
        for b in branch_ids for o in (ours.id, theirs.id)])
    admin = Person(name="街道管理员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    liaison = Person(name="张联络员", phone="13800000001", password_hash=admin.password_hash, hukou_place="")
    db.session.add_all([admin, liaison])
    db.session.flush()
    db.session.add_all([RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id),
                        RoleGrant(person_id=liaison.id, role="liaison", scope_type="home_organisation",
                                  scope_id=ours.id)])
    db.session.commit()
    member_ids = _people(community, n_members, "党员", 3_000_000)
    today = utcnow().date()
    db.session.execute(insert(BranchMember), [
        {"branch_id": branch_ids[n % n_branches], "person_id": pid, "status": "full" if n % 7 else "probationary",
         "probation_ends_on": None if n % 7 else today + timedelta(days=100), "relationship": "transferred",
         "employer": "", "home_organisation_id": (ours.id, theirs.id)[n % 2],
         "last_contact_on": today - timedelta(days=30 * (n % 8))} for n, pid in enumerate(member_ids)])
    start = utcnow().replace(microsecond=0) - timedelta(days=10)
    db.session.execute(insert(Meeting), [
        {"kind": "group", "scope_type": "branch", "scope_id": b, "title": "党小组会", "starts_at": start,
         "ends_at": start + timedelta(hours=1), "place": "党群服务中心", "agenda": [], "status": "scheduled",
         "reminder_offsets_minutes": [], "is_late_entry": False, "hometown": "", "cancel_reason": "", "topics": "",
         "speeches": "", "created_at": start} for b in branch_ids])
    meeting_of = dict(db.session.execute(select(Meeting.scope_id, Meeting.id)).all())
    db.session.execute(insert(MeetingInvitee), [
        {"meeting_id": meeting_of[branch_ids[n % n_branches]], "person_id": pid, "is_voting": True,
         "attendance": ("present", "absent", "leave")[n % 3], "leave_reason": "", "invited_at": start}
        for n, pid in enumerate(member_ids)])
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"street": street.id, "organisation": ours.id, "branch": branch_ids[0]}


def _measure(url: str, folder: str, scale: float) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "BACKGROUND_SYNC": True,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        db.create_all()
        world = _seed(scale)
    admin, liaison = app.test_client(), app.test_client()
    admin.post("/login", data={"phone": "13800000000", "password": PASSWORD})
    liaison.post("/login", data={"phone": "13800000001", "password": PASSWORD})
    token = liaison.post("/api/v1/auth/token", json={"phone": "13800000001", "password": PASSWORD}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    pages = {
        "liaison's members": (liaison, f"/liaison/{world['organisation']}/", None),
        "liaison's members, API": (liaison, f"/api/v1/home-organisations/{world['organisation']}/members", bearer),
        "branch dashboard": (admin, f"/admin/branches/{world['branch']}/dashboard", None),
        "street dashboard": (admin, f"/admin/branches/streets/{world['street']}/dashboard", None),
    }
    result = {"baseline_ms": _time(admin, "/healthz") * 1000}
    baseline = result["baseline_ms"] / 1000
    for label, (client, path, headers) in pages.items():
        client.get(path, headers=headers or {})
        statements.clear()
        assert client.get(path, headers=headers or {}).status_code == 200, path
        count = len(statements)
        result[label] = (_time(client, path, headers) / baseline, count)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def run(backend: str, scale: float) -> dict:
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return _measure(url, folder, scale)


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    steady = True
    sizes = [f"{int(FULL['branches'] * s)}b/{int(FULL['members'] * s / 2):,}m" for s in SCALES]
    for backend in BACKENDS:
        results = {scale: run(backend, scale) for scale in SCALES}
        print(f"\n{backend}: two-place management and dashboards; time as a multiple of /healthz (SQL statements "
              "per request); b = branches of the street, m = members of the liaison's organisation")
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
