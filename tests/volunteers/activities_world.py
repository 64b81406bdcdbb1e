"""The activities' world: for the access matrix ({activity}, {activity_signup}, {declaration}) and the tests.

{activity} is an activity of community A tomorrow organised by admin_a with 30 places and the resident signed up;
{declaration} the resident's self-declared service waiting for confirmation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import db
from community.database import utcnow
from tests.factories import grant, make_community, make_person, make_street

KEYS = frozenset({"activity", "activity_signup", "declaration"})


def beach(**overrides) -> dict:
    """The fields of a beach clean-up tomorrow morning, 3 hours, 10 points an hour."""
    starts = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    values = {"title": "爵溪海滩清洁", "category": "volunteer_service", "place": "爵溪海滩南段",
              "starts_at": starts, "ends_at": starts + timedelta(hours=3), "capacity": 30, "points_per_hour": 10}
    values.update(overrides)
    return values


def build(community, organiser, resident) -> dict:
    """The matrix's rows: the activity, the resident's sign-up and declaration (committed); their ids."""
    from volunteers import activities_confirm as C
    from volunteers import activities_services as S

    activity = S.create_activity(organiser, community.id, beach())
    signup = S.sign_up(resident, activity)
    declaration = C.declare(resident, {"content": "帮邻居老人买菜", "category": "volunteer_service",
                                       "place": "东门社区", "served_on": date.today(), "hours": "2"})
    db.session.commit()
    return {"activity": activity.id, "activity_signup": signup.id, "declaration": declaration.id}


@pytest.fixture
def activities_world():
    """A street, communities A and B, organiser 陈老师 of A, an administrator of B, six volunteers of A."""
    street = make_street()
    a, b = make_community(street, "东门社区"), make_community(street, "西门社区")
    chen = make_person(a, name="陈老师")
    grant(chen, "organiser", "community", a.id)
    admin_b = make_person(b, name="西门管理员")
    grant(admin_b, "community_admin", "community", b.id)
    volunteers = [make_person(a, name=f"志愿者{i}") for i in range(6)]
    db.session.commit()
    return {"street": street, "a": a, "b": b, "chen": chen, "admin_b": admin_b, "volunteers": volunteers}
