"""The mediation tests' world: community A of a street with its administrator, two mediators, a discussion
member and a resident; community B with its administrator; and helpers making requests and cases directly."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app import db
from community.discussions.models import Request
from tests.factories import grant, make_community, make_person, make_street

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TODAY = date(2026, 12, 10)


@dataclass
class MWorld:
    street: object
    a: object
    b: object
    admin_a: object
    admin_b: object
    mediator: object
    other_mediator: object
    member: object
    resident: object


@pytest.fixture
def mworld() -> MWorld:
    """Community A (administrator, mediators 老赵 and 老钱, discussion member, resident) and B (administrator)."""
    street = make_street()
    a, b = make_community(street, "东门社区"), make_community(street, "西门社区")
    admin_a, mediator, other_mediator, member, resident = (make_person(a, name=n) for n in (
        "林主任", "赵师傅", "钱师傅", "孙委员", "李晓"))
    admin_b = make_person(b, name="西门主任")
    grant(admin_a, "community_admin", "community", a.id)
    grant(admin_b, "community_admin", "community", b.id)
    for someone in (mediator, other_mediator):
        grant(someone, "mediator", "community", a.id)
    grant(member, "discussion_member", "community", a.id)
    return MWorld(street, a, b, admin_a, admin_b, mediator, other_mediator, member, resident)


def case_data(**extra) -> dict:
    """A landlord-and-tenant dispute with two parties."""
    return {"kind": "landlord_tenant", "title": "押金退还纠纷", "summary": "租客退租，房东扣押金2000元",
            "opened_on": TODAY - timedelta(days=7),
            "parties": [{"name": "王房东", "phone": "13900001111", "side": "房东"},
                        {"name": "张租客", "phone": "13900002222", "side": "租客"}], **extra}


def make_request(community, submitter, *, status="accepted", category="housing", title="押金不退",
                 created_at=None, closed_days=None, rating=None, queued=True, supports=0) -> Request:
    """A request row as the workflow would leave it (closed `closed_days` after submission when given)."""
    created = created_at or NOW - timedelta(days=30)
    request = Request(kind="request", title=title, body="房东不退押金", category=category, community_id=community.id,
                      submitter_id=submitter.id, status=status, support_count=supports, created_at=created,
                      updated_at=created, queued_at=created if queued else None, search_text=title,
                      closed_at=created + timedelta(days=closed_days) if closed_days is not None else None,
                      rating=rating)
    db.session.add(request)
    db.session.commit()
    return request
