"""Do the meeting pages stay as fast with a busy branch as with a tenth of it?

One database per size holds a branch of M members with its secretary, K meetings of the branch (every member
invited to each: the calendar list of the secretary and of a member), and one general meeting with all M members
invited and their attendance recorded (its page and its .ics). Each page is timed as a multiple of /healthz in
the same run, with its SQL statements per request; the statement count must not grow with the rows.
"""
from __future__ import annotations

import os
import sys
from datetime import timedelta

from sqlalchemy import insert, select, text, update

from bench.common import PASSWORD, compare, people, signed_in, street_with

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
    from community.roles.models import RoleGrant

    n_members, n_meetings = int(FULL["members"] * scale), int(FULL["meetings"] * scale)
    street, (community,) = street_with("东门社区")
    branch = Branch(street_id=street.id, name="第一流动党支部")
    db.session.add(branch)
    db.session.flush()
    secretary = Person(name="陈书记", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(secretary)
    db.session.flush()
    db.session.add(RoleGrant(person_id=secretary.id, role="secretary", scope_type="branch", scope_id=branch.id))
    db.session.commit()
    member_ids = people(community, n_members, "党员", 2_000_000)
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


def _pages(app, world: dict) -> dict:
    secretary, member = signed_in(app, "13800000000"), signed_in(app, world["member_phone"])
    return {
        "meetings list (secretary)": (secretary, "/meetings/", None),
        "meetings list, past (secretary)": (secretary, "/meetings/?when=past", None),
        "meetings list (invited member)": (member, "/meetings/", None),
        "meeting page, all invited": (secretary, f"/meetings/{world['meeting']}", None),
        "meeting .ics": (member, f"/meetings/{world['meeting']}.ics", None),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    return compare("meetings; mtg = meetings of the branch, inv = invitees of one meeting", SCALES,
                   lambda s: f"{int(FULL['meetings'] * s):,} mtg/{int(FULL['members'] * s):,} inv", _seed, _pages)


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
