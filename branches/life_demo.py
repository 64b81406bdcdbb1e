"""The demo's year for Juexi's six branches (`flask seed-demo`, after the roster's step): a year of organisational
life held on time, dues paid month by month or by the quarter (the year shown, and back to the arrears
window) with a few members in arrears, and three transfers (one in from outside, one out, one received and
closed).

Meetings go through `community.meetings.history.insert_held_meetings` (held on time, not 补录 as a meeting
entered now for a past date would be); dues amounts come from the bracket table (`branches.dues.monthly_dues`)
and are bulk-inserted with their months (the unique (person, month) still holds); transfers go through the
services with the days they happened. A few gaps make the compliance board show amber and red. All of it is a
few dozen statements, so seed-demo stays fast.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from app import db
from branches import dues as D
from branches.models import Branch, BranchMember
from community.database import LOCAL_ZONE, as_local, utcnow
from community.meetings.history import HeldMeeting, insert_held_meetings
from community.people.models import Person
from community.roles.models import RoleGrant

PLACES = ["爵溪街道党群服务中心", "爵溪党群服务站", "东门社区党员活动室"]
LEAVE_REASONS = ["出海捕捞", "工厂夜班", "回乡探亲", "外出务工"]
# (kind, day of month, local hour, months of the year it is held in: None = every month)
SCHEDULE = [("committee", 3, 19, None), ("group", 8, 19, None), ("party_day", 15, 9, None),
            ("general_meeting", 20, 14, (2, 5, 8, 11)), ("lesson", 25, 14, (3, 6, 9, 12)),
            ("life_meeting", 18, 14, (12,))]
TITLES = {"committee": "支委会：研究{month}月工作", "group": "党小组会：{month}月学习",
          "party_day": "{month}月主题党日", "general_meeting": "支部党员大会（{quarter}季度）",
          "lesson": "党课：{quarter}季度专题党课",
          "life_meeting": "{year}年度组织生活会暨民主评议党员"}
TOPICS = {"committee": "研究党员教育管理和党费收缴", "group": "学习上级文件，交流务工生活情况",
          "party_day": "志愿服务和政策宣讲", "general_meeting": "传达上级精神，讨论支部工作",
          "lesson": "书记讲党课", "life_meeting": "对照检查，开展批评与自我批评，民主评议党员"}
# Gaps (branch index → kinds skipped in the last month or quarter): the board shows them overdue.
GAPS = {2: {"committee", "group"}, 3: {"lesson"}}
INCOMES = ["2800.00", "3000.00", "4500.00", "5200.00", "6800.00", "9000.00", "12000.00"]


def seed_year(context: dict) -> None:
    """Meetings, dues and transfers for the street's branches (called after the roster's demo step)."""
    branches = db.session.scalars(select(Branch).where(Branch.street_id == context["street"].id)
                                  .order_by(Branch.id)).all()
    if not branches:
        return
    today = as_local(utcnow()).date()
    members = _members([b.id for b in branches])
    secretaries, committees = _officers([b.id for b in branches])
    _meetings(branches, members, secretaries, committees, today, context)
    _dues(members, secretaries, today, context)
    _transfers(branches, members, secretaries, committees, today, context)


def _members(branch_ids: list[int]) -> dict[int, list[BranchMember]]:
    """The current members of each branch, by id (one query)."""
    found: dict[int, list[BranchMember]] = {branch_id: [] for branch_id in branch_ids}
    for member in db.session.scalars(select(BranchMember).where(BranchMember.branch_id.in_(branch_ids),
                                                                BranchMember.left_on.is_(None))
                                     .order_by(BranchMember.id)):
        found[member.branch_id].append(member)
    return found


def _officers(branch_ids: list[int]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Each branch's first secretary and its committee (secretaries and committee members), by person id."""
    secretaries: dict[int, int] = {}
    committees: dict[int, list[int]] = {branch_id: [] for branch_id in branch_ids}
    for branch_id, person_id, role in db.session.execute(
            select(RoleGrant.scope_id, RoleGrant.person_id, RoleGrant.role)
            .where(RoleGrant.scope_type == "branch", RoleGrant.scope_id.in_(branch_ids),
                   RoleGrant.role.in_(("secretary", "branch_committee"))).order_by(RoleGrant.id)):
        if role == "secretary":
            secretaries.setdefault(branch_id, person_id)
        committees[branch_id].append(person_id)
    return secretaries, committees


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 30 if hour >= 19 else 0), tzinfo=LOCAL_ZONE)


def _attendance(people: list[int], rng) -> dict[int, tuple[str, str]]:
    """Most come; some are away at sea, on a night shift or back home, with leave; a few are absent."""
    answer = {}
    for person_id in people:
        roll = rng.random()
        if roll < 0.8:
            answer[person_id] = ("present", "")
        elif roll < 0.93:
            answer[person_id] = ("leave", rng.choice(LEAVE_REASONS))
        else:
            answer[person_id] = ("absent", "")
    return answer


def _meetings(branches, members, secretaries, committees, today: date, context: dict) -> None:
    """Twelve months and this month up to yesterday of each kind's meetings, for every branch."""
    rng, held = context["rng"], []
    first = D.add_months(D.month_start(today), -12)
    for index, branch in enumerate(branches):
        everyone = [m.person_id for m in members[branch.id]]
        officers = list(dict.fromkeys(committees[branch.id])) or everyone[:3]
        chair = secretaries.get(branch.id)
        for n in range(13):
            month = D.add_months(first, n)
            for kind, day, hour, months in SCHEDULE:
                if months is not None and month.month not in months:
                    continue
                on = month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))
                if on >= today or _skipped(index, kind, month, today):
                    continue
                starts = _at(on, hour)
                invited = officers if kind == "committee" else everyone
                held.append(HeldMeeting(
                    kind=kind, scope_id=branch.id, place=rng.choice(PLACES), starts_at=starts,
                    ends_at=starts + timedelta(hours=2 if kind in ("general_meeting", "life_meeting") else 1),
                    title=TITLES[kind].format(month=month.month, quarter="一二三四"[(month.month - 1) // 3],
                                              year=month.year),
                    attendance=_attendance(invited, rng), agenda=[TOPICS[kind]], topics=TOPICS[kind],
                    chair_id=chair, recorder_id=officers[1] if len(officers) > 1 else chair))
    insert_held_meetings(held, context["admin"].id)


def _skipped(index: int, kind: str, month: date, today: date) -> bool:
    """The gaps: a kind skipped in the last month (monthly kinds) or the last quarter (the others)."""
    if kind not in GAPS.get(index, set()):
        return False
    last_month = D.add_months(D.month_start(today), -1)
    if kind in ("committee", "group", "party_day"):
        return month == last_month
    quarter_start = D.add_months(D.month_start(today), -((today.month - 1) % 3) - 3)
    return quarter_start <= month < D.add_months(quarter_start, 3)


def _dues(members, secretaries, today: date, context: dict) -> None:
    """Dues per member, monthly or by the quarter, from the bracket table: from the month they joined the
    branch or the arrears window (24 months) back, whichever is later, so the arrears list shows only the
    designed few — every eighth member has stopped paying for the last three to five months."""
    rng, this_month = context["rng"], D.month_start(today)
    window = D.add_months(this_month, -D.ARREARS_MONTHS)
    categories = ("employed",) * 7 + ("retired", "farmer", "unemployed")
    payments = []
    for branch_id, branch_members in members.items():
        for n, member in enumerate(branch_members):
            category = categories[(member.id + n) % 10]
            income = Decimal(rng.choice(INCOMES)) if category in ("employed", "retired") else None
            amount = D.monthly_dues(category, income)
            quarterly, in_arrears = member.id % 3 != 0, member.id % 8 == 3
            if quarterly:
                end = D.add_months(this_month, -3 if in_arrears else 0)
            else:  # monthly payers pay this month too, unless they stopped
                end = D.add_months(this_month, -(3 + member.id % 3) if in_arrears else 1)
            joined = member.joined_branch_on
            month = max(window, D.month_start(joined)) if joined else D.add_months(this_month, -12)
            while month < end:
                span = _index(end) - _index(month)
                months = 3 if quarterly and span % 3 == 0 else 1  # single months until whole quarters remain
                payments.append({"branch_id": branch_id, "member_id": member.id, "person_id": member.person_id,
                                 "category": category, "monthly_income": income, "monthly_amount": amount,
                                 "total": amount * months, "first_month": month, "months": months,
                                 "paid_on": min(month.replace(day=10), today), "recorded_by_id":
                                 secretaries.get(branch_id)})
                month = D.add_months(month, months)
    if not payments:
        return
    ids = db.session.scalars(insert(D.DuesPayment).returning(D.DuesPayment.id, sort_by_parameter_order=True),
                             payments).all()
    db.session.execute(insert(D.DuesMonth), [
        {"payment_id": payment_id, "branch_id": p["branch_id"], "person_id": p["person_id"],
         "month": D.add_months(p["first_month"], k), "amount": p["monthly_amount"]}
        for payment_id, p in zip(ids, payments, strict=True) for k in range(p["months"])])


def _index(month: date) -> int:
    return month.year * 12 + month.month


def _transfers(branches, members, secretaries, committees, today: date, context: dict) -> None:
    """A letter received and closed (安徽 → 湖南), a letter out to a home-side organisation (江西), and a paper
    letter in from outside waiting for its receipt (贵州), through the transfer services."""
    from branches import transfers as T

    if len(branches) < 4 or not all(b.id in secretaries for b in branches[:4]):
        return
    people = {pid: db.session.get(Person, pid) for pid in {secretaries[b.id] for b in branches[:4]}}

    def ordinary(branch):  # a member who is not an officer
        officers = set(committees[branch.id])
        return next((m for m in members[branch.id] if m.person_id not in officers), None)

    anhui, hunan, jiangxi, guizhou = branches[1], branches[3], branches[2], branches[0]
    moving = ordinary(anhui)
    if moving is not None:
        letter = T.issue_transfer(people[secretaries[anhui.id]], {"member_id": moving.id, "to_branch_id": hunan.id,
                                                                  "note": "到湖南籍企业务工"},
                                  today=today - timedelta(days=50))
        T.receive_transfer(people[secretaries[hunan.id]], letter, today=today - timedelta(days=41))
    leaving = ordinary(jiangxi)
    if leaving is not None:
        T.issue_transfer(people[secretaries[jiangxi.id]], {"member_id": leaving.id,
                                                           "to_organisation": "上饶市鄱阳县饶州街道党工委",
                                                           "note": "返乡就业"}, today=today - timedelta(days=9))
    taken = set(db.session.scalars(select(BranchMember.person_id).where(BranchMember.left_on.is_(None))))
    newcomer = next((p for p in context["people"] if p.is_migrant and p.id not in taken
                     and "贵州" in (p.hukou_place or "")), None)
    if newcomer is not None:
        T.issue_transfer(people[secretaries[guizhou.id]], {
            "person_id": newcomer.id, "to_branch_id": guizhou.id, "from_organisation": "毕节市七星关区党委组织部",
            "issued_on": today - timedelta(days=6), "dues_paid_up_to": D.add_months(D.month_start(today), -1)
            .strftime("%Y-%m"), "note": "来爵溪务工，持介绍信报到"}, today=today)
