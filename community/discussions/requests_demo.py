"""Demo requests for `flask seed-demo`: a season (September to December) of Juexi's requests and proposals —
wages owed, schooling, rentals and the rest — in every status, with supports, histories and ratings."""
from __future__ import annotations

from datetime import datetime, timedelta

from app import db
from community.database import LOCAL_ZONE
from community.discussions.board import normalise
from community.discussions.models import Request, RequestEvent, Support

START = datetime(2026, 9, 1, 9, 0, tzinfo=LOCAL_ZONE)
PATH = ("submitted", "accepted", "on_agenda", "decided", "in_progress", "done")
# kind, category, title, body, final status, supports, public, responsible, rating
ITEMS = [
    ("request", "wages", "水产加工厂拖欠三个月工资", "我们十几个人在爵溪一家水产加工厂做了三个月，"
     "老板一直说资金周转不过来，"
     "工资一分没发，过年回家的路费都没有。", "done", 16, True, "街道劳动保障所", "satisfied"),
    ("request", "housing", "房东不退押金", "租期到了搬走，房东说墙面脏了要扣全部押金两千元，入住时就是这样的。",
     "decided", 14, True, "赵师傅（老娘舅）与出租屋管理办", None),
    ("request", "schooling", "孩子插班上小学需要哪些材料", "今年刚从贵州过来，孩子读三年级，想在爵溪学校插班，"
     "不知道要准备居住证还是社保证明。", "done", 11, True, "街道教育办", "basically_satisfied"),
    ("proposal", "schooling", "建议开设周末作业辅导点", "很多双职工家长周末加班，孩子没人管，"
     "建议在党群服务站开设作业辅导。",
     "in_progress", 21, True, "爵溪党群服务站", None),
    ("request", "wages", "建筑工地包工头欠薪跑路", "东门附近工地的包工头十月底不见了，二十多个工人的工钱没有结。",
     "on_agenda", 12, False, "", None),
    ("request", "housing", "出租屋电线老化有安全隐患", "我住的出租屋电线裸露，下雨天插座会冒火花，跟房东说了没人管。",
     "accepted", 7, True, "", None),
    ("proposal", "environment", "建议在渔港码头增设垃圾分类点", "码头人多垃圾多，只有一个垃圾桶，夏天味道很大。",
     "submitted", 4, True, "", None),
    ("request", "jobs", "想参加电工培训拿证", "听说街道有免费的职业技能培训，想报名电工，不知道外地户口可不可以。",
     "done", 10, True, "街道社会事务办", "unsatisfied"),
    ("request", "neighbours", "楼上夜里噪音太大", "楼上租户经常半夜打牌到两三点，我们上早班的工人根本睡不好。",
     "declined", 2, False, "", None),
    ("request", "health", "外地医保能不能在社区卫生院报销", "孩子发烧在社区卫生院看病，外地的医保卡刷不了，"
     "想问怎么办异地备案。",
     "decided", 9, True, "街道医保服务站", None),
    ("proposal", "safety", "建议夜间加装路灯", "西门社区到工业区那段路晚上很黑，下夜班的女工走着害怕。",
     "submitted", 8, True, "", None),
    ("request", "housing", "租房合同被房东单方面涨价", "合同写的是一年一千二一个月，"
     "住了半年房东说要涨到一千五，不涨就搬走。",
     "submitted", 3, True, "", None),
]
NOTES = {
    "accepted": "已受理，提交议事团讨论。", "declined": "经核实属于邻里生活习惯问题，已转网格员上门沟通，不再上会。",
    "on_agenda": "列入本周四同心圆议事会议程。", "decided": "议事会决定由责任单位牵头处理，两周内反馈。",
    "in_progress": "责任单位已对接当事人，正在处理。", "done": "已办结，结果已告知提出人。",
}


def seed_requests(context: dict) -> None:
    """Add the season's requests (called by `flask seed-demo` after the people and roles)."""
    people = [p for p in context["people"] if p.community_id]
    communities = context["communities"]
    handler = next((p for _label, p in context["demo_logins"] if p.phone == "13800000003"), context["admin"])
    resident = next((p for _label, p in context["demo_logins"] if p.phone == "13800000004"), people[0])
    for index, (kind, category, title, body, final, supports, public, responsible, rating) in enumerate(ITEMS):
        community = communities[index % 2] if index else communities[0]
        local = [p for p in people if p.community_id == community.id] or people
        submitter = resident if index in (1, 6) else local[(index * 7) % len(local)]
        created = START + timedelta(days=index * 8)
        steps = ["submitted", "declined"] if final == "declined" else list(PATH[:PATH.index(final) + 1])
        moments = [created + timedelta(days=3 * n) for n in range(len(steps))]
        item = Request(kind=kind, category=category, title=title, body=body, community_id=community.id,
                       submitter_id=submitter.id, is_public=public, status=final, support_count=0,
                       search_text=normalise(f"{title} {body}"), created_at=created, updated_at=moments[-1])
        if "decided" in steps:
            item.responsible, item.deadline_on = responsible, (moments[steps.index("decided")] + timedelta(14)).date()
            item.decided_at = moments[steps.index("decided")]
        if final in ("done", "declined"):
            item.closed_at = moments[-1]
        if rating:
            item.rating, item.rated_at = rating, moments[-1] + timedelta(days=1)
        db.session.add(item)
        db.session.flush()
        backers = [p for p in local if p.id != submitter.id][:supports]
        db.session.add_all([Support(request_id=item.id, supporter_id=p.id, created_at=created + timedelta(hours=n + 1))
                            for n, p in enumerate(backers)])
        item.support_count = len(backers)
        if len(backers) >= 10 or "accepted" in steps:
            item.queued_at = created + timedelta(days=2)
        previous = None
        for step, moment in zip(steps, moments, strict=True):
            db.session.add(RequestEvent(request_id=item.id, from_status=previous, to_status=step,
                                        note=NOTES.get(step, ""), created_at=moment,
                                        actor_id=submitter.id if step == "submitted" else handler.id))
            previous = step
    db.session.flush()
