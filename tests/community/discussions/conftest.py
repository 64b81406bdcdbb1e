"""Discussions' fixtures: a street with communities A and B; in A a submitter, twelve neighbours, a
discussion-group member (handler) and a community administrator; in B an administrator who handles nothing
in A. Mediation adds its fixtures in its own modules."""
from __future__ import annotations

import pytest

from app import db
from community.discussions import requests_submit as S
from tests.community.discussions.mediation_support import mworld  # noqa: F401  (the mediation tests' world)
from tests.factories import grant, make_community, make_people, make_person, make_street


@pytest.fixture
def town():
    """The people and places of the discussions' tests."""
    street = make_street()
    a, b = make_community(street, "东门社区"), make_community(street, "西门社区")
    submitter = make_person(a, name="李晓")
    neighbours = make_people(a, 12, "邻居")
    handler, admin = make_person(a, name="赵师傅"), make_person(a, name="林书记")
    admin_b, outsider = make_person(b, name="西门管理员"), make_person(b, name="西门居民")
    grant(handler, "discussion_member", "community", a.id)
    grant(admin, "community_admin", "community", a.id)
    grant(admin_b, "community_admin", "community", b.id)
    db.session.commit()
    return {"street": street, "a": a, "b": b, "submitter": submitter, "neighbours": neighbours,
            "handler": handler, "admin": admin, "admin_b": admin_b, "outsider": outsider}


def raise_item(town, **overrides):
    """A request by the town's submitter in community A, committed."""
    data = {"kind": "request", "title": "水产加工厂拖欠三个月工资", "body": "老板一直说资金周转不过来，工资一分没发。",
            "category": "wages", "community_id": town["a"].id, "is_public": True, **overrides}
    item = S.submit(town["submitter"], data)
    db.session.commit()
    return item


@pytest.fixture
def item(town):
    return raise_item(town)
