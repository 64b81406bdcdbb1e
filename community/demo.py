"""The Juexi street demo (爵溪街道, Xiangshan): places, people and roles for `flask seed-demo`."""
from __future__ import annotations

import random
from datetime import date, timedelta

from app import db
from community.accounts.services import hash_password
from community.people import identity
from community.people.models import Person
from community.people.services import derive_migrant
from community.places.models import Community, Grid, Street
from community.roles.models import RoleGrant

COMMUNITIES = ["东门社区", "南门社区", "西门社区", "北门社区", "海滨社区"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕晓东小雨欣怡浩然子轩"
# (household registration place, hometown, region code for ID numbers, weight)
ORIGINS = [
    ("浙江省宁波市象山县爵溪街道", None, "330225", 25),
    ("贵州省毕节市七星关区", "毕节", "520502", 22),
    ("贵州省遵义市湄潭县", "遵义", "520328", 13),
    ("安徽省阜阳市临泉县", "阜阳", "341221", 14),
    ("江西省上饶市鄱阳县", "上饶", "361128", 13),
    ("湖南省邵阳市隆回县", "邵阳", "430524", 13),
]
EMPLOYERS = ["爵溪针织厂", "象山海鲜加工厂", "爵溪服装有限公司", "东海渔业合作社", "爵溪街道菜场", None]


def _id_number(rng: random.Random, region: str, born: date, female: bool) -> str:
    seq = rng.randint(10, 99) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + identity.check_digit(body)


def seed_places_and_people(password: str, people_per_community: int = 80, seed: int = 2019) -> dict:
    """Juexi street with five communities of locals and migrants (3 to 1), and demo role holders."""
    rng = random.Random(seed)
    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    communities = []
    for name in COMMUNITIES:
        community = Community(street=street, name=name)
        community.grids = [Grid(name=f"第{n}网格") for n in range(1, 4)]
        communities.append(community)
    db.session.add_all(communities)
    db.session.flush()
    demo_hash = hash_password(password)
    phone_numbers = rng.sample(range(10_000_000, 99_999_999), people_per_community * len(communities) + 20)
    people = []
    today = date.today()
    for community in communities:
        for _ in range(people_per_community):
            place, hometown, region, _w = rng.choices(ORIGINS, weights=[o[3] for o in ORIGINS])[0]
            female = rng.random() < 0.48
            born = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
            number = _id_number(rng, region, born, female)
            local = hometown is None
            since = born if local else today - timedelta(days=rng.randint(60, 365 * 9))
            person = Person(
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
                phone=f"139{phone_numbers.pop():08d}", gender="F" if female else "M", born_on=born,
                hukou_place=place, hometown=hometown,
                community_id=community.id, grid_id=rng.choice(community.grids).id, living_since_on=since,
                residence_permit_no=None if local or rng.random() < 0.3 else f"浙居{rng.randint(10**9, 10**10)}",
                employer=rng.choice(EMPLOYERS), must_change_password=True,
            )
            person.set_id_number(number)
            derive_migrant(person)
            people.append(person)
    db.session.add_all(people)
    admin = Person(name="演示管理员", phone="13800000000", password_hash=demo_hash, hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="platform_admin", scope_type="platform", scope_id=0))
    logins = []

    def demo_person(label: str, name: str, phone: str, community: Community, place: str, role=None, scope=None):
        person = Person(name=name, phone=phone, password_hash=demo_hash, hukou_place=place,
                        community_id=community.id, gender="M", born_on=date(1980, 5, 1),
                        living_since_on=date(2015, 3, 1), hometown=None if "象山" in place else place[3:6])
        derive_migrant(person)
        db.session.add(person)
        db.session.flush()
        if role:
            db.session.add(RoleGrant(person_id=person.id, role=role, scope_type=scope[0], scope_id=scope[1],
                                     granted_by_id=admin.id))
        logins.append((label, person))
        return person

    dongmen = communities[0]
    demo_person("街道管理员 street admin", "郑主任", "13800000001", dongmen, ORIGINS[0][0],
                "street_admin", ("street", street.id))
    demo_person("社区管理员 community admin", "林书记", "13800000002", dongmen, ORIGINS[0][0],
                "community_admin", ("community", dongmen.id))
    demo_person("议事团成员 discussion member", "赵师傅", "13800000003", dongmen, ORIGINS[0][0],
                "discussion_member", ("community", dongmen.id))
    demo_person("居民 resident", "李晓", "13800000004", dongmen, ORIGINS[1][0])
    db.session.flush()
    return {"street": street, "communities": communities, "admin": admin, "demo_logins": logins,
            "people": people, "people_count": len(people) + len(logins) + 1, "password_hash": demo_hash,
            "rng": rng}
