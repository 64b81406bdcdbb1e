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
from datetime import timedelta

from sqlalchemy import insert, select, text

from bench.common import PASSWORD, bearer, compare, people, signed_in, street_with

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
    from community.roles.models import RoleGrant

    n_branches = int(FULL["branches"] * scale)
    street, (community,) = street_with("东门社区")
    branch_ids = list(db.session.scalars(insert(Branch).returning(Branch.id), [
        {"street_id": street.id, "name": f"流动党员第{n:03d}党支部", "kind": "mobile", "units": [],
         "opening_hours": "", "services": ""} for n in range(n_branches)]))
    admin = Person(name="街道管理员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    member_ids = people(community, n_branches * 5, "党员", 3_000_000)
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
    return {"branch": branch_ids[0], "board_pages": max(1, -(-n_branches // 100))}


def _pages(app, world: dict) -> dict:
    admin = signed_in(app, "13800000000")
    return {
        "compliance board (street)": (admin, "/admin/branches/compliance", None),
        "compliance board, last page": (admin, f"/admin/branches/compliance?page={world['board_pages']}", None),
        "one branch's calendar": (admin, f"/admin/branches/{world['branch']}/life", None),
        "flags (street)": (admin, "/admin/branches/flags", None),
        "API compliance": (admin, f"/api/v1/branches/{world['branch']}/compliance", bearer(app, "13800000000")),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the branches."""
    return compare("organisational life", SCALES, lambda s: f"{int(FULL['branches'] * s):,} branches", _seed,
                   _pages)


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
