"""Demo data for `flask seed-demo` (after the requests' step): 东门社区's discussion group with its roles, its
mediators (赵师傅, the local "老娘舅", and 吴师傅, an appointed migrant mediator from Guizhou) with cases in every
outcome, and last Thursday's discussion meeting of 南门社区 that put its queue on the agenda and decided it."""
from __future__ import annotations

from datetime import date, timedelta

from app import db
from community.database import utcnow
from community.people.models import Person

CASES = [  # mediator index, kind, title, parties, sessions (days after opening, place, notes), outcome, note
    (0, "landlord_tenant", "退租押金纠纷", [("王房东", "房东", "13900001111"), ("张租客", "租客", "13900002222")],
     [(2, "东门社区调解室", "房东称墙面污损；租客出示入住照片。"), (6, "东门社区调解室", "双方同意退还1600元。")],
     "settled", "房东退还押金1600元，双方签字确认。"),
    (1, "labour", "针织厂拖欠加班费", [("刘工", "工人", "13900003333"), ("爵溪某针织厂", "用人单位", "0574-65001234")],
     [(3, "爵溪街道劳动保障所", "核对考勤表，厂方认可部分加班。")],
     "partly", "厂方补发两个月加班费，其余部分工人保留申请仲裁的权利。"),
    (0, "neighbours", "楼上漏水损坏楼下吊顶", [("周阿姨", "楼下住户", ""), ("吴先生", "楼上租户", "13900004444")],
     [(1, "现场查看", "确认是楼上卫生间防水层老化。")], "settled", "楼上修补防水，赔偿吊顶维修费800元。"),
    (1, "labour", "工地包工头欠薪", [("陈师傅等12人", "工人", "13900005555"), ("某建筑公司", "总包单位", "")],
     [(2, "东门社区调解室", "总包单位称已付清包工头。")], "referred",
     "涉及金额较大，已移交象山县劳动人事争议仲裁委员会。"),
    (0, "neighbours", "夜间打牌噪音", [("孙大姐", "邻居", "13900006666"), ("赵某", "租户", "")],
     [(1, "东门社区调解室", "租户不认可，拒绝签字。")], "failed", "双方未达成一致，已告知可向派出所反映。"),
    (1, "landlord_tenant", "合租水电费分摊", [("黄某", "租客", "13900007777"), ("何某", "租客", "13900008888")],
     [], None, ""),
]


def _group(admin, dongmen, people: list, zhao, wu) -> None:
    from community.discussions.group import set_member

    set_member(admin, dongmen.id, zhao, "mediator")
    set_member(admin, dongmen.id, wu, "mediator")
    migrants = [p for p in people if p.community_id == dongmen.id and p.is_migrant]
    locals_ = [p for p in people if p.community_id == dongmen.id and not p.is_migrant]
    for person, role in ((migrants[0], "party_member"), (migrants[1], "party_member"), (locals_[0], "community_worker"),
                         (locals_[1], "xiangxian")):
        set_member(admin, dongmen.id, person, role)


def _cases(admin, dongmen, mediators: list) -> None:
    from community.discussions import mediation

    today = mediation.today_local()
    for n, (who, kind, title, parties, sessions, outcome, note) in enumerate(CASES):
        mediator = mediators[who]
        opened = today - timedelta(days=40 - 6 * n)
        case = mediation.open_case(admin, dongmen.id, {
            "kind": kind, "title": title, "opened_on": opened, "mediator_id": mediator.id,
            "parties": [{"name": name, "side": side, "phone": phone} for name, side, phone in parties]})
        for days, place, notes in sessions:
            mediation.add_session(mediator, case, {"held_on": min(opened + timedelta(days=days), today),
                                                   "place": place, "notes": notes})
        if outcome:
            mediation.record_outcome(mediator, case, {"outcome": outcome, "outcome_note": note,
                                                      "referred_to": "象山县劳动人事争议仲裁委员会"})


def _meeting(admin, community, people: list) -> None:
    """Last Thursday's discussion meeting (entered afterwards, so a late entry): the queue on its agenda,
    attendance, minutes and a resolution per item."""
    from community.discussions import agenda, requests
    from community.discussions.group import set_member
    from community.discussions.models import Request
    from community.meetings import records
    from community.meetings.demo import next_weekday_at
    from community.meetings.services import create_meeting

    residents = [p for p in people if p.community_id == community.id]
    for person, role in zip(residents[:3], ("party_member", "community_worker", "xiangxian"), strict=False):
        set_member(admin, community.id, person, role)
    waiting = db.session.scalars(db.select(Request).where(
        Request.community_id == community.id, Request.status == "submitted", Request.is_hidden.is_(False))
        .order_by(Request.id).limit(1)).all()
    for item in waiting:  # the community's handler accepts it: it joins the queue for this meeting
        requests.change_status(admin, item, "accepted", "已受理，提交议事团讨论。")
    days_back = (utcnow().date().weekday() - 3) % 7 or 7
    starts = next_weekday_at(-days_back, 19)
    meeting = create_meeting(admin, "discussion", community.id, {
        "title": f"{community.name}“同心圆”议事会", "starts_at": starts,
        "ends_at": starts + timedelta(hours=1, minutes=30),
        "place": f"{community.name}党群服务中心议事厅"})
    records.invite_members(admin, meeting)
    invitees = records.invitees(meeting)
    if invitees:
        records.record_attendance(admin, meeting, {row.person_id: ("present", "") for row in invitees})
    deadline = (starts + timedelta(days=14)).date()
    for item in agenda.waiting(meeting):
        entry = agenda.add_item(admin, meeting, item.id)
        agenda.resolve_item(admin, meeting, entry, {
            "decision": "由社区牵头，联系房东和出租屋管理办上门核查，限期整改。",
            "responsible": "社区居委会、出租屋管理办",
            "deadline": max(deadline, date.today())})
    records.record_minutes(admin, meeting, {
        "chair_id": invitees[0].person_id if invitees else None,
        "topics": "议事团逐项讨论了排队中的居民诉求。", "speeches": "与会成员一致同意按决议办理，并向提出人反馈。"})


def seed_mediation(context: dict) -> None:
    """东门's group and mediators with their cases, and 南门's discussion meeting that decided its queue."""
    from community.people.services import derive_migrant

    admin, communities = context["admin"], context["communities"]
    dongmen = communities[0]
    zhao = db.session.scalar(db.select(Person).where(Person.phone == "13800000003")) or context["people"][0]
    wu = Person(name="吴师傅", phone="13800000006", password_hash=context["password_hash"],
                hukou_place="贵州省毕节市七星关区", hometown="毕节", community_id=dongmen.id, gender="M",
                born_on=date(1976, 8, 1), living_since_on=date(2014, 4, 1), employer="爵溪针织厂")
    db.session.add(wu)
    db.session.flush()
    derive_migrant(wu)
    context["demo_logins"].append(("调解员 mediator", wu))
    _group(admin, dongmen, context["people"], zhao, wu)
    _cases(admin, dongmen, [zhao, wu])
    _meeting(admin, communities[1], context["people"])
    db.session.flush()
