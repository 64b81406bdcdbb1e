"""Name order is pinyin order (community/people/pinyin.py): the stored key follows every write of a name, and
the people list sorts by it on both databases."""
from __future__ import annotations

from app import db
from community.people.models import Person
from community.people.pinyin import name_key
from community.people.services import people_query
from tests.factories import make_person


def test_the_key_reads_names_in_pinyin_with_surname_readings():
    assert [name_key(n) for n in ("阿明", "白雪", "张伟", "赵四")] == ["a ming", "bai xue", "zhang wei", "zhao si"]
    assert name_key("单田芳") == "shan tian fang" and name_key("曾志伟").startswith("zeng")
    assert name_key("张") < name_key("张伟") < name_key("章子怡")


def test_the_people_list_is_in_pinyin_order(places):
    admin = make_person(name="管理员")
    from community.roles.models import RoleGrant

    db.session.add(RoleGrant(person_id=admin.id, role="platform_admin", scope_type="platform", scope_id=0))
    for name in ("赵四", "张伟", "白雪", "阿明"):  # code-point order would be 张 < 白 < 赵 < 阿
        make_person(places["east"], name=name)
    db.session.commit()
    names = [p.name for p in db.session.scalars(people_query(admin, community_id=places["east"].id))]
    assert names == ["阿明", "白雪", "张伟", "赵四"]


def test_the_key_follows_a_renamed_person(places):
    person = make_person(places["east"], name="赵四")
    person.name = "阿明"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, person.id).name_key == "a ming"
