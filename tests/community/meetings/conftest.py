"""A street with a community, two mobile branches with secretaries and members, and a discussion group."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app import db
from branches.models import Branch, BranchMember
from tests.factories import grant, make_community, make_people, make_person, make_street

# 2026-12-05 14:30 in Asia/Shanghai is a Saturday; "now" for the tests is two days before.
STARTS = datetime(2026, 12, 5, 6, 30, tzinfo=UTC)
NOW = STARTS - timedelta(days=2)


def when(**extra) -> dict:
    return {"title": "支部党员大会", "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=2),
            "place": "爵溪街道党群服务中心", **extra}


@pytest.fixture
def world():
    """Branch 1 (a secretary and 3 full members: 4 voting; 1 probationary), branch 2 with its own secretary,
    community A with its administrator and two discussion-group members, and a resident."""
    street = make_street()
    a = make_community(street, "东门社区")
    branch, other = Branch(street_id=street.id, name="第一流动党支部"), Branch(street_id=street.id, name="第二支部")
    db.session.add_all([branch, other])
    db.session.commit()
    secretary, other_secretary, admin, resident = (make_person(a, name=name)
                                                   for name in ("陈书记", "王书记", "林主任", "李晓"))
    full = make_people(a, 3, "正式党员")
    probationary, = make_people(a, 1, "预备党员")
    db.session.add_all([BranchMember(branch_id=branch.id, person_id=p.id, status="full") for p in [secretary, *full]]
                       + [BranchMember(branch_id=branch.id, person_id=probationary.id, status="probationary",
                                      probation_ends_on=date(2027, 6, 1))])
    db.session.commit()
    grant(secretary, "secretary", "branch", branch.id)
    grant(other_secretary, "secretary", "branch", other.id)
    grant(admin, "community_admin", "community", a.id)
    group = make_people(a, 2, "议事团")
    for person in group:
        grant(person, "discussion_member", "community", a.id)
    return {"street": street, "community": a, "branch": branch, "other_branch": other, "secretary": secretary,
            "other_secretary": other_secretary, "admin": admin, "resident": resident, "full": full,
            "probationary": probationary, "group": group}
