"""Do the two-place management pages and the dashboards stay as fast with a city's branches as with a tenth?

One database per size holds a street of B branches with M members: half of them belong to the home-side
organisation whose liaison signs in, half to another; each branch held a group meeting with all its members
invited. Timed as a multiple of /healthz, with SQL statements per request: the liaison's members (page and
API), a branch dashboard and the street dashboard over every branch; the counts must not grow with the rows.
"""
from __future__ import annotations

import os
import sys
from datetime import timedelta

from sqlalchemy import insert, select, text

from bench.common import PASSWORD, bearer, compare, people, signed_in, street_with

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
    from community.roles.models import RoleGrant

    n_members, n_branches = int(FULL["members"] * scale), int(FULL["branches"] * scale)
    street, (community,) = street_with("东门社区")
    ours, theirs = HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市"), HomeOrganisation(
        name="阜阳市王店镇党委", region="安徽省阜阳市")
    db.session.add_all([ours, theirs])
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
                        RoleGrant(person_id=admin.id, role="secretary", scope_type="branch", scope_id=branch_ids[0]),
                        RoleGrant(person_id=liaison.id, role="liaison", scope_type="home_organisation",
                                  scope_id=ours.id)])
    db.session.commit()
    member_ids = people(community, n_members, "党员", 3_000_000)
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


def _pages(app, world: dict) -> dict:
    admin, liaison = signed_in(app, "13800000000"), signed_in(app, "13800000001")
    return {
        "liaison's members": (liaison, f"/liaison/{world['organisation']}/", None),
        "liaison's members, API": (liaison, f"/api/v1/home-organisations/{world['organisation']}/members",
                                   bearer(app, "13800000001")),
        "branch dashboard": (admin, f"/admin/branches/{world['branch']}/dashboard", None),
        "street dashboard": (admin, f"/admin/branches/streets/{world['street']}/dashboard", None),
        "paired organisations (host branch)": (admin, f"/admin/branches/{world['branch']}/home-organisations", None),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    return compare("two-place management and dashboards; b = branches of the street, m = members of the "
                   "liaison's organisation", SCALES,
                   lambda s: f"{int(FULL['branches'] * s)}b/{int(FULL['members'] * s / 2):,}m", _seed, _pages)


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
