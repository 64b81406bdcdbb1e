"""The one authorisation function, for every role, inside and outside its scope."""
import pytest

from community import authz
from community.authz import can, require, scope_chain
from community.errors import Forbidden
from community.registry import registry
from tests.factories import grant, make_community, make_person, make_street

# Scopes of every kind get test parents here (ids, not rows), so the mechanism is tested for every role.
FAKE_PARENTS = {
    "branch": lambda scope_id: ("street", scope_id // 100),            # branch 101 is in street 1
    "organisation": lambda scope_id: ("community", scope_id // 100),   # organisation 101 in community 1
    "election": lambda scope_id: ("community", scope_id // 100),
}
ACTIONS = {
    "test.branch_manage": {"secretary", "branch_committee"},
    "test.branch_read": {"secretary", "branch_committee", "liaison"},
    "test.activity": {"organiser"},
    "test.grant_points": {"scorer"},
    "test.discussion": {"discussion_member"},
    "test.election_run": {"election_committee"},
    "test.election_count": {"counter", "election_committee"},
}


@pytest.fixture
def world(app, monkeypatch):
    real_parent = authz.parent_scope
    monkeypatch.setattr(authz, "parent_scope", lambda scope: FAKE_PARENTS[scope[0]](scope[1])
                        if scope[0] in FAKE_PARENTS else real_parent(scope))
    for action, roles in ACTIONS.items():
        monkeypatch.setitem(app.extensions["tongxin"].actions, action, frozenset(roles))
    s1, s2 = make_street("爵溪街道"), make_street("丹东街道")
    east, west, other = make_community(s1, "东门社区"), make_community(s1, "西门社区"), make_community(s2, "丹城社区")
    return {"s1": s1, "s2": s2, "east": east, "west": west, "other": other,
            "east_person": make_person(east), "west_person": make_person(west), "other_person": make_person(other)}


def _ids(world):
    return {k: v.id for k, v in world.items()}


# role, scope(world) -> held scope, action, inside object, outside object
CASES = [
    ("street_admin", lambda w: ("street", w["s1"].id), "person.edit",
     lambda w: w["west_person"], lambda w: w["other_person"]),
    ("street_admin", lambda w: ("street", w["s1"].id), "community.create",
     lambda w: w["s1"], lambda w: w["s2"]),
    ("community_admin", lambda w: ("community", w["east"].id), "person.view",
     lambda w: w["east_person"], lambda w: w["west_person"]),
    ("community_admin", lambda w: ("community", w["east"].id), "person.import",
     lambda w: w["east"], lambda w: w["west"]),
    ("secretary", lambda w: ("branch", w["s1"].id * 100 + 1), "test.branch_manage",
     lambda w: ("branch", w["s1"].id * 100 + 1), lambda w: ("branch", w["s1"].id * 100 + 2)),
    ("branch_committee", lambda w: ("branch", w["s1"].id * 100 + 1), "test.branch_manage",
     lambda w: ("branch", w["s1"].id * 100 + 1), lambda w: ("branch", w["s2"].id * 100 + 1)),
    ("liaison", lambda w: ("home_organisation", 7), "test.branch_read",
     lambda w: ("home_organisation", 7), lambda w: ("home_organisation", 8)),
    ("organiser", lambda w: ("community", w["east"].id), "test.activity",
     lambda w: ("community", w["east"].id), lambda w: ("community", w["west"].id)),
    ("organiser", lambda w: ("street", w["s1"].id), "test.activity",
     lambda w: ("community", w["west"].id), lambda w: ("community", w["other"].id)),
    ("scorer", lambda w: ("organisation", w["east"].id * 100 + 1), "test.grant_points",
     lambda w: ("organisation", w["east"].id * 100 + 1), lambda w: ("organisation", w["east"].id * 100 + 2)),
    ("discussion_member", lambda w: ("community", w["east"].id), "test.discussion",
     lambda w: ("community", w["east"].id), lambda w: ("community", w["other"].id)),
    ("election_committee", lambda w: ("election", w["east"].id * 100 + 1), "test.election_run",
     lambda w: ("election", w["east"].id * 100 + 1), lambda w: ("election", w["west"].id * 100 + 1)),
    ("counter", lambda w: ("election", w["east"].id * 100 + 1), "test.election_count",
     lambda w: ("election", w["east"].id * 100 + 1), lambda w: ("election", w["east"].id * 100 + 2)),
]


@pytest.mark.parametrize("role, held, action, inside, outside", CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_role_in_and_out_of_scope(world, role, held, action, inside, outside):
    person = make_person(world["east"], name=role)
    grant(person, role, *held(world))
    assert can(person, action, inside(world)) is True
    assert can(person, action, outside(world)) is False
    with pytest.raises(Forbidden):
        require(person, action, outside(world))


@pytest.mark.parametrize("role, held, action, inside, outside", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_role_gives_nothing_beyond_its_actions(world, role, held, action, inside, outside):
    person = make_person(world["east"], name=role)
    grant(person, role, *held(world))
    others = [a for a, roles in registry().actions.items() if role not in roles and "self" not in roles]
    assert others, "every role must lack some action"
    for other_action in others:
        assert can(person, other_action, inside(world)) is False, other_action


def test_platform_admin_may_do_everything_administrative(world):
    admin = make_person(None, name="平台")
    grant(admin, "platform_admin")
    for action in registry().actions:
        assert can(admin, action, world["other_person"]) is True


def test_resident_without_roles_may_do_nothing_but_see_themselves(world):
    resident = world["east_person"]
    assert can(resident, "person.view", resident) is True
    assert can(resident, "person.export", resident) is True
    assert can(resident, "person.view", world["west_person"]) is False
    assert can(resident, "person.edit", resident) is False
    assert can(resident, "person.list") is False


def test_anonymous_may_do_nothing(world):
    assert can(None, "person.view", world["east_person"]) is False


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError):
        can(world["east_person"], "no.such.action", world["east"])


def test_scope_chain_walks_up_to_the_street(world):
    assert scope_chain(("community", world["east"].id)) == [("community", world["east"].id),
                                                             ("street", world["s1"].id)]


def test_scope_ids_lists_communities_of_a_street(world):
    admin = make_person(world["east"], name="街道")
    grant(admin, "street_admin", "street", world["s1"].id)
    assert authz.scope_ids(admin, "person.list", "community") == {world["east"].id, world["west"].id}
    platform = make_person(None, name="平台")
    grant(platform, "platform_admin")
    assert authz.scope_ids(platform, "person.list", "community") is None
