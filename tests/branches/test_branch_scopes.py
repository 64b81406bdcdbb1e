"""Scopes that carry every package: a branch member sits in their branch and in their home-side party
organisation; lists are filtered in SQL through the general scope condition, and `can` stays cheap."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db
from branches.models import Branch, BranchMember, HomeOrganisation
from branches.services import branches_query, members_query
from community.authz import can, scope_condition
from tests.factories import count_statements, grant, login, make_community, make_person, make_street


@pytest.fixture
def party():
    """Street 1 with branches 1 and 2, street 2 with branch 3; home organisations H (for Ann and Bo, in two
    branches) and K (for Cai, in branch 1 too, and Dan in branch 3)."""
    street_1, street_2 = make_street("爵溪街道"), make_street("丹东街道")
    a, c = make_community(street_1, "东门社区"), make_community(street_2, "城东社区")
    b1, b2, b3 = (Branch(street_id=street_1.id, name="爵溪第一流动党支部"),
                  Branch(street_id=street_1.id, name="爵溪第二流动党支部"),
                  Branch(street_id=street_2.id, name="丹东流动党支部"))
    h, k = HomeOrganisation(name="安顺村党支部", region="贵州省安顺市"), HomeOrganisation(name="信阳村党支部",
                                                                                        region="河南省信阳市")
    db.session.add_all([b1, b2, b3, h, k])
    db.session.commit()
    people = {name: make_person(a if name != "丹" else c, name=name) for name in ("安", "博", "蔡", "丹")}
    for name, branch, home in (("安", b1, h), ("博", b2, h), ("蔡", b1, k), ("丹", b3, k)):
        db.session.add(BranchMember(branch_id=branch.id, person_id=people[name].id, home_organisation_id=home.id))
    db.session.commit()
    return {"street_1": street_1, "street_2": street_2, "a": a, "b1": b1, "b2": b2, "b3": b3, "h": h, "k": k,
            **people}


def _names(statement) -> list[str]:
    return sorted(m.person.name for m in db.session.scalars(statement).unique())


def test_street_admin_lists_the_branches_of_their_street_in_sql(party):
    admin = make_person(party["a"], name="街道管理员")
    grant(admin, "street_admin", "street", party["street_1"].id)
    condition = scope_condition(admin, "branch.list", "branch", Branch.id)
    sql = str(select(Branch.id).where(condition).compile(compile_kwargs={"literal_binds": True}))
    assert "street_id IN" in sql  # the branch's registered parent column, not a row-by-row check
    assert [b.name for b in db.session.scalars(branches_query(admin))] == ["爵溪第一流动党支部", "爵溪第二流动党支部"]
    assert can(admin, "branch.list", party["b1"]) and not can(admin, "branch.list", party["b3"])


def test_liaison_sees_their_members_across_branches_and_nobody_else(party):
    liaison = make_person(None, name="联络员")
    grant(liaison, "liaison", "home_organisation", party["h"].id)
    assert _names(members_query(liaison)) == sorted(["安", "博"])
    members = {m.person.name: m for m in db.session.scalars(select(BranchMember))}
    assert can(liaison, "branch_member.view", members["安"]) and can(liaison, "branch_member.view", members["博"])
    assert not can(liaison, "branch_member.view", members["蔡"])  # same branch as 安, other home organisation
    assert not can(liaison, "branch_member.view", members["丹"])
    assert not can(liaison, "branch.list", party["b1"])  # a liaison follows members, not branches


def test_branch_secretary_sees_their_branch_members_only(party):
    secretary = make_person(party["a"], name="书记")
    grant(secretary, "secretary", "branch", party["b1"].id)
    assert _names(members_query(secretary)) == sorted(["安", "蔡"])
    members = {m.person.name: m for m in db.session.scalars(select(BranchMember))}
    assert can(secretary, "branch_member.view", members["蔡"])
    assert not can(secretary, "branch_member.view", members["博"])


def test_a_member_is_self_by_owner_id_not_by_class(party):
    from community.registry import registry

    registry().actions["test.own_membership"] = frozenset({"self"})
    try:
        members = {m.person.name: m for m in db.session.scalars(select(BranchMember))}
        assert can(party["安"], "test.own_membership", members["安"])
        assert not can(party["安"], "test.own_membership", members["博"])
    finally:
        del registry().actions["test.own_membership"]


def _add_members(party, n: int) -> None:
    """n more members of H, most of them in branches of their own: more rows *and* more distinct branches,
    so a per-row or per-branch check would show in the statement count."""
    for i in range(n):
        person = make_person(party["a"], name=f"党员{i}")
        branch = party["b1"] if i % 3 == 0 else Branch(street_id=party["street_1"].id, name=f"新建流动党支部{i}")
        db.session.add(branch)
        db.session.flush()
        db.session.add(BranchMember(branch_id=branch.id, person_id=person.id, home_organisation_id=party["h"].id))
    db.session.commit()


@pytest.mark.parametrize("who", ["liaison", "street_admin", "secretary"])
def test_members_page_statement_count_does_not_grow_with_rows(client, party, who):
    official = make_person(party["a"], name="干部")
    scope = {"liaison": ("home_organisation", party["h"].id), "street_admin": ("street", party["street_1"].id),
             "secretary": ("branch", party["b1"].id)}[who]
    grant(official, who, *scope)
    login(client, official)
    db.session.commit()  # the test's own session holds no transaction while the pages are counted
    few, page = count_statements(client, "/admin/branches/members")
    assert "安" in page and "丹" not in page
    _add_members(party, 12)
    many, page = count_statements(client, "/admin/branches/members")
    assert "党员11" in page or who == "secretary"
    assert many == few, (few, many)
