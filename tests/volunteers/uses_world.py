"""The uses-of-points part of the access-matrix world (tests/community/test_access_matrix.py), and the
builders the uses tests share: an item of street 1 the resident applied for, an allocation in public notice
with the resident's objection, and the resident's certificate (see volunteers/redemptions_access.py)."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import unit_of_work, utcnow
from volunteers import allocation as A
from volunteers import certificates as C
from volunteers import redemptions as R
from volunteers.ledger import post_entry

KEYS = frozenset({"catalogue_item", "redemption", "allocation", "allocation_objection", "certificate",
                  "certificate_token"})
_sources = iter(range(1, 10**9))


def credit(person, points: int, hours=0, category: str = "volunteer_service"):
    """Points (and hours) for a person, as an activity's confirmation posts them, committed."""
    with unit_of_work():
        return post_entry(person.id, points, "activity", source_type="test_activity", source_id=next(_sources),
                          category=category, hours=hours, reason="测试活动")


def build(street, community, who: dict) -> dict:
    """The rows, committed; their ids by placeholder."""
    resident, admin = who["resident"], who["street_admin"]
    credit(resident, 200, hours=12)
    item = R.create_item(admin, street, {"name": "健康体检", "kind": "health_check", "points": 50, "stock": 5})
    redemption = R.apply(resident, item, 1)
    closed = utcnow()
    allocation = A.create_allocation(admin, street, {"title": "东门小学积分入学", "kind": "school_place",
                                                     "places": 2, "opens_at": closed - timedelta(days=10),
                                                     "closes_at": closed})
    A.apply(resident, allocation, now=closed - timedelta(days=2))
    A.publish_ranking(admin, allocation, now=closed + timedelta(seconds=1))
    objection = A.object_to(resident, allocation, "我的服务时长没有算全")
    certificate = C.request_certificate(resident, resident)
    db.session.commit()
    return {"catalogue_item": item.id, "redemption": redemption.id, "allocation": allocation.id,
            "allocation_objection": objection.id, "certificate": certificate.id,
            "certificate_token": certificate.token}


def small_world() -> dict:
    """The uses tests' world: the points world (street, A, B, street admin, ann and bob of A, cai of B) with a
    community administrator of each community and a resident of another street."""
    from tests.factories import grant, make_community, make_person, make_street
    from tests.volunteers.points_world import build as points_build

    world = points_build()
    world["admin_a"] = make_person(world["a"], name="东门管理员")
    grant(world["admin_a"], "community_admin", "community", world["a"].id)
    world["admin_b"] = make_person(world["b"], name="西门管理员")
    grant(world["admin_b"], "community_admin", "community", world["b"].id)
    other = make_community(make_street("丹东街道"), "城东社区")
    world["dan"] = make_person(other, name="丹丹")
    db.session.commit()
    return world
