"""A small world for the organisational-life and flag tests: Juexi street, two branches with secretaries, real
roster members (full, probationary, one who left), a home-side organisation with its liaison; and a helper
that holds a branch meeting on a given day (attendance recorded)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app import db
from branches.models import Branch, BranchMember, HomeOrganisation
from community.database import LOCAL_ZONE
from community.meetings.records import invite_members, record_attendance, record_minutes
from community.meetings.services import create_meeting
from tests.factories import grant, make_community, make_people, make_person, make_street


def build() -> dict:
    """Branch 1 (secretary 王书记): 4 full members (王 among them), 1 probationary, 1 who left; branch 2
    (secretary 李书记) in the same street; home organisations H (liaison 贵州联络员: 王, 安) and K (蔡)."""
    street = make_street("爵溪街道")
    community = make_community(street, "东门社区")
    b1, b2 = (Branch(street_id=street.id, name="爵溪流动党员第一党支部"),
              Branch(street_id=street.id, name="爵溪流动党员第二党支部"))
    h, k = HomeOrganisation(name="湄潭县某村党支部", region="贵州省遵义市"), HomeOrganisation(name="信阳村党支部",
                                                                                    region="河南省信阳市")
    db.session.add_all([b1, b2, h, k])
    db.session.commit()
    wang = make_person(community, name="王书记")
    li = make_person(community, name="李书记")
    an, bo, cai, du, er = make_people(community, 5, "党员")
    grant(wang, "secretary", "branch", b1.id)
    grant(li, "secretary", "branch", b2.id)
    joined = date(2024, 1, 1)
    rows = [BranchMember(branch_id=b1.id, person_id=p.id, home_organisation_id=home.id if home else None,
                         joined_branch_on=joined, last_contact_on=date(2026, 11, 20))
            for p, home in ((wang, h), (an, h), (bo, None), (cai, k))]
    rows.append(BranchMember(branch_id=b1.id, person_id=du.id, status="probationary",
                             probation_ends_on=date(2027, 6, 1), joined_branch_on=joined,
                             last_contact_on=date(2026, 11, 20)))
    rows.append(BranchMember(branch_id=b1.id, person_id=er.id, joined_branch_on=joined, left_on=date(2026, 5, 1)))
    rows.append(BranchMember(branch_id=b2.id, person_id=li.id, joined_branch_on=joined,
                             last_contact_on=date(2026, 11, 20)))
    db.session.add_all(rows)
    db.session.commit()
    liaison = make_person(None, name="贵州联络员")
    grant(liaison, "liaison", "home_organisation", h.id)
    other_liaison = make_person(None, name="河南联络员")
    grant(other_liaison, "liaison", "home_organisation", k.id)
    members = {m.person_id: m for m in rows}
    return {"street": street, "community": community, "b1": b1, "b2": b2, "h": h, "k": k, "wang": wang, "li": li,
            "an": an, "bo": bo, "cai": cai, "du": du, "er": er, "liaison": liaison, "other_liaison": other_liaison,
            "member": lambda person: members[person.id]}


def at(day: date, hour: int = 19) -> datetime:
    """A local (Asia/Shanghai) moment on `day`."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def hold(actor, branch, kind: str, day: date, *, present=(), leave=(), minutes: bool = False, title: str = ""):
    """A meeting of `kind` in the branch on `day`, every member invited, attendance as given."""
    meeting = create_meeting(actor, kind, branch.id, {
        "title": title or f"{kind} {day}", "starts_at": at(day), "ends_at": at(day) + timedelta(hours=1),
        "place": "爵溪街道党群服务中心"}, now=at(day) + timedelta(hours=3))
    invite_members(actor, meeting)
    entries = {p.id: ("present", "") for p in present}
    entries.update({p.id: ("leave", "在外务工") for p in leave})
    if entries:
        record_attendance(actor, meeting, entries)
    if minutes:
        record_minutes(actor, meeting, {"topics": "学习", "speeches": ""})
    db.session.commit()
    return meeting
