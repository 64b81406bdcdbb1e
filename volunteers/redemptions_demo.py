"""Demo data of the uses of points for `flask seed-demo`: Juexi's catalogue, a few redemptions (one waiting for
the street administrator), and one school-place allocation in its public notice (公示) with an objection."""
from __future__ import annotations

from datetime import timedelta

from community.database import utcnow
from volunteers import allocation as A
from volunteers import redemptions as R
from volunteers.ledger import post_entry

ITEMS = [("年度健康体检", "health_check", "街道社区卫生服务中心提供，含血常规、心电图、B超。", 200, 20),
         ("工会疗休养（象山石浦三日）", "recuperation", "每年两期，由街道总工会组织。", 500, 6),
         ("爱心超市·大米一袋（10斤）", "goods", "凭兑换记录到党群服务站爱心超市领取。", 30, 50),
         ("爱心超市·洗衣液两瓶", "goods", "凭兑换记录到党群服务站爱心超市领取。", 20, 80)]


def seed_uses(context: dict) -> None:
    """The catalogue, redemptions and an allocation in notice (runs inside the demo's unit of work)."""
    street = context["street"]
    logins = dict(context["demo_logins"])
    admin = next(p for label, p in logins.items() if label.startswith("街道管理员"))
    resident = next(p for label, p in logins.items() if label.startswith("居民"))
    rng = context["rng"]
    # Service points for the demo resident and a dozen neighbours (the activities' demo adds its own).
    people = [resident, *rng.sample([p for p in context["people"] if p.community_id == resident.community_id], 12)]
    for number, person in enumerate(people, 1):
        hours = rng.choice([6, 12, 18, 24, 40, 60])
        post_entry(person.id, hours * 10, "activity", source_type="demo_service", source_id=number,
                   category=rng.choice(["volunteer_service", "waste_sorting", "civic_campaign"]), hours=hours,
                   reason="2026年社区志愿服务（演示）")
    items = [R.create_item(admin, street, {"name": n, "kind": k, "description": d, "points": p, "stock": s})
             for n, k, d, p, s in ITEMS]
    rice, soap = items[2], items[3]
    R.approve(admin, R.apply(people[1], rice, 1))
    R.approve(admin, R.apply(people[2], soap, 2))
    R.decline(admin, R.apply(people[3], rice, 1), "本月爱心超市大米已兑完，下月初补货后请再申请。")
    R.apply(resident, soap, 1, "周末到党群服务站领取")
    closed = utcnow()  # the window closes after the points above were posted: they count
    allocation = A.create_allocation(admin, street, {
        "title": "2027年春季东门小学积分入学", "kind": "school_place", "places": 3,
        "description": "新居民随迁子女积分入学，按积分排序安排学位。",
        "opens_at": closed - timedelta(days=20), "closes_at": closed})
    for offset, person in enumerate(people[:7]):
        A.apply(person, allocation, now=closed - timedelta(days=15 - offset))
    A.publish_ranking(admin, allocation, now=closed + timedelta(minutes=1))
    A.object_to(people[6], allocation, "我上月参加的垃圾分类服务时长未计入，请核实。")
