"""Do the meeting pages stay as fast with a busy branch as with a tenth of it?

One database per size holds a branch of M members with its secretary, K meetings of the branch (every member
invited to each: the calendar list of the secretary and of a member), and one general meeting with all M members
invited and their attendance recorded (its page and its .ics). Each page is timed as a multiple of /healthz in
the same run, with its SQL statements per request; the statement count must not grow with the rows.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta

from sqlalchemy import event, insert, select, text, update

from bench.ceremony_pages import PASSWORD, _people
from bench.people_list import BACKENDS, _time, database

QUICK = "--quick" in sys.argv
FULL = {"members": 2000, "meetings": 400}
SCALES = [0.1, 0.25] if QUICK else [0.1, 1.0]


def _seed(scale: float) -> dict:
    from app import db
    from branches.models import Branch, BranchMember
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.meetings.models import Meeting, MeetingInvitee
    from community.people.models import Person
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant

    n_members, n_meetings = int(FULL["members"] * scale), int(FULL["meetings"] * scale)
    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    community = Community(street_id=street.id, name="东门社区")
    branch = Branch(street_id=street.id, name="第一流动党支部")
    db.session.add_all([community, branch])
    db.session.flush()
    secretary = Person(name="陈书记", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(secretary)
    db.session.flush()
    db.session.add(RoleGrant(person_id=secretary.id, role="secretary", scope_type="branch", scope_id=branch.id))
    db.session.commit()
    member_ids = _people(community, n_members, "党员", 2_000_000)
    db.session.execute(insert(BranchMember), [{"branch_id": branch.id, "person_id": pid, "status": "full"}
                                              for pid in member_ids])
    start = utcnow().replace(microsecond=0)  # half the meetings are past, half upcoming, at any size
    db.session.execute(insert(Meeting), [
        {"kind": ("group", "lesson", "party_day")[n % 3], "scope_type": "branch", "scope_id": branch.id,
         "title": f"组织生活{n:04d}", "starts_at": start + timedelta(days=n - n_meetings // 2),
         "ends_at": start + timedelta(days=n - n_meetings // 2, hours=1), "place": "党群服务中心", "agenda": [],
         "status": "scheduled", "reminder_offsets_minutes": [1440, 60], "is_late_entry": n % 5 == 0,
         "hometown": "", "cancel_reason": "", "topics": "", "speeches": "", "created_at": start}
        for n in range(n_meetings)])
    big = Meeting(kind="general_meeting", scope_type="branch", scope_id=branch.id, title="支部党员大会",
                  starts_at=start, ends_at=start + timedelta(hours=2), place="爵溪街道党群服务中心", agenda=["议题"],
                  created_at=start)
    db.session.add(big)
    db.session.flush()
    meeting_ids = list(db.session.scalars(select(Meeting.id)))
    member = member_ids[0]
    db.session.execute(insert(MeetingInvitee), [
        {"meeting_id": mid, "person_id": member, "is_voting": True, "attendance": "invited", "leave_reason": "",
         "invited_at": start} for mid in meeting_ids if mid != big.id])
    db.session.execute(insert(MeetingInvitee), [
        {"meeting_id": big.id, "person_id": pid, "is_voting": True,
         "attendance": ("present", "absent", "leave")[n % 3], "leave_reason": "出差" if n % 3 == 2 else "",
         "invited_at": start} for n, pid in enumerate(member_ids)])
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    db.session.execute(update(Person).where(Person.id == member).values(password_hash=secretary.password_hash))
    db.session.commit()
    phone = db.session.scalar(select(Person.phone).where(Person.id == member))
    return {"meeting": big.id, "member_phone": phone}


def _measure(url: str, folder: str, scale: float) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "BACKGROUND_SYNC": True,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        db.create_all()
        world = _seed(scale)
    secretary, member = app.test_client(), app.test_client()
    secretary.post("/login", data={"phone": "13800000000", "password": PASSWORD})
    member.post("/login", data={"phone": world["member_phone"], "password": PASSWORD})
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    pages = {
        "meetings list (secretary)": (secretary, "/meetings/"),
        "meetings list, past (secretary)": (secretary, "/meetings/?when=past"),
        "meetings list (invited member)": (member, "/meetings/"),
        "meeting page, all invited": (secretary, f"/meetings/{world['meeting']}"),
        "meeting .ics": (member, f"/meetings/{world['meeting']}.ics"),
    }
    result = {"baseline_ms": _time(secretary, "/healthz") * 1000}
    baseline = result["baseline_ms"] / 1000
    for label, (client, path) in pages.items():
        client.get(path)
        statements.clear()
        assert client.get(path).status_code == 200, path
        count = len(statements)  # before the timing runs, which adds its own requests' statements
        result[label] = (_time(client, path) / baseline, count)
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
    sizes = [f"{int(FULL['meetings'] * s):,} mtg/{int(FULL['members'] * s):,} inv" for s in SCALES]
    for backend in BACKENDS:
        results = {scale: run(backend, scale) for scale in SCALES}
        print(f"\n{backend}: meetings; time as a multiple of /healthz (SQL statements per request); "
              "mtg = meetings of the branch, inv = invitees of one meeting")
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
