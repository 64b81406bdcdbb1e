"""The points tests' world: a street with two communities, a street administrator and residents."""
from __future__ import annotations

import pytest

from tests.factories import grant, make_community, make_person, make_street


def build() -> dict:
    """A street (爵溪街道) with communities A and B, its administrator and a few residents."""
    street = make_street()
    a, b = make_community(street, "东门社区"), make_community(street, "西门社区")
    admin = make_person(a, name="街道管理员")
    grant(admin, "street_admin", "street", street.id)
    return {"street": street, "a": a, "b": b, "street_admin": admin,
            "ann": make_person(a, name="安娜"), "bob": make_person(a, name="鲍勃"), "cai": make_person(b, name="蔡丽")}


@pytest.fixture
def points_world():
    """The points world, built once per test."""
    return build()
