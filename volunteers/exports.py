"""The .xlsx exports of points and activities, on the task queue (issue #11 point 9): a scoring organisation's
grants and quotas, an activity's roster, a street's points summary for a period.

Each `start_*` service checks the permission first and queues the job; each task checks it again (the actor's
roles may have changed meanwhile), streams its rows (yield_per, one query per 1,000 rows), masks phones, keeps a
name starting with "=" as text, saves the workbook where the job page's download finds it, and is logged. The
job page and the owner-only download are the uses of points' (volunteers/redemptions_views.py)."""
from __future__ import annotations

from flask_babel import ngettext
from openpyxl import Workbook
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app import db
from community.audit.services import record
from community.authz import require
from community.background import set_progress, start_job
from community.database import transactional, unit_of_work
from community.errors import Forbidden
from community.people import excel as people_excel
from community.people.models import Person, mask_phone
from community.places.models import Community, Street
from volunteers.redemptions_excel import BATCH, _when, export_file

GRANTS_TASK = "volunteers.grants_export"
ROSTER_TASK = "volunteers.roster_export"
SUMMARY_TASK = "volunteers.summary_export"  # job.kind holds 30 characters
# The download's file name for each export (the uses of points' download route reads it).
DOWNLOAD_NAMES = {GRANTS_TASK: "赋分记录.xlsx", ROSTER_TASK: "活动名单.xlsx", SUMMARY_TASK: "积分汇总.xlsx"}
CATEGORY_WORDS = {"volunteer_service": "志愿服务", "waste_sorting": "垃圾分类", "civic_campaign": "文明创建",
                  "disaster_relief": "抢险救灾", "blood_donation": "无偿献血", "other": "其他"}
SIGNUP_WORDS = {"signed_up": "已报名", "waiting": "候补"}


def _actor(actor_id: int) -> Person:
    actor = db.session.get(Person, actor_id)
    if actor is None:
        raise Forbidden()
    return actor


def _row(sheet, values) -> None:
    sheet.append([people_excel._text_cell(sheet, v) for v in values])


def _finish(job_id: str, book: Workbook, actor_id: int, action: str, obj, summary: str, count: int,
            **object_ref) -> None:
    """Save the workbook, log the export in a unit of its own, and mark the job done."""
    db.session.rollback()
    book.save(export_file(job_id))
    with unit_of_work():
        record(db.session.get(Person, actor_id), action, obj, summary=summary, **object_ref)
    set_progress(job_id, done=count, total=count, state="done", file=export_file(job_id).name)


# ------------------------------------------------------------------ a scoring organisation's grants
@transactional
def start_grants_export(actor, organisation) -> str:
    """Queue the export of the organisation's grants and quotas (its scorers and the street administrators)."""
    require(actor, "points.export_grants", organisation)
    return start_job(actor.id, GRANTS_TASK, actor.id, organisation.id)


def export_grants(job_id: str, actor_id: int, organisation_id: int) -> None:
    """Every grant of the organisation, oldest first (reversed ones marked); its quotas on a second sheet."""
    from volunteers.points_models import Grant, Organisation, Quota

    actor = _actor(actor_id)
    require(actor, "points.export_grants")
    organisation = db.session.get(Organisation, organisation_id)
    require(actor, "points.export_grants", organisation)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("赋分记录")
    sheet.append([organisation.name])
    sheet.append(["编号", "获得者", "手机号", "积分", "类别", "理由", "赋分人", "赋分时间", "是否撤销", "撤销时间"])
    scorer = aliased(Person)
    statement = (select(Grant.id, Person.name, Person.phone, Grant.points, Grant.category, Grant.reason,
                        scorer.name, Grant.created_at, Grant.reversed_at)
                 .join(Person, Person.id == Grant.person_id).outerjoin(scorer, scorer.id == Grant.granted_by_id)
                 .where(Grant.organisation_id == organisation.id).order_by(Grant.created_at, Grant.id))
    count = 0
    for g in db.session.execute(statement.execution_options(yield_per=BATCH)):
        _row(sheet, [g[0], g[1], mask_phone(g[2]), g[3], CATEGORY_WORDS.get(g[4], g[4]), g[5], g[6] or "",
                     _when(g[7]), "已撤销" if g[8] else "否", _when(g[8])])
        count += 1
    quotas = book.create_sheet("赋分额度")
    quotas.append(["期间", "起始日", "截止日", "额度", "已用", "剩余"])
    for q in db.session.scalars(select(Quota).where(Quota.organisation_id == organisation.id)
                                .order_by(Quota.starts_on)):
        quotas.append([q.period, q.starts_on.isoformat(), q.ends_on.isoformat(), q.points, q.used, q.remaining])
    _finish(job_id, book, actor_id, "points.export_grants", organisation,
            ngettext("%(num)d grant exported", "%(num)d grants exported", count), count)


# ------------------------------------------------------------------ an activity's roster
@transactional
def start_roster_export(actor, activity) -> str:
    """Queue the export of the activity's roster (its organisers and the administrators over its community)."""
    require(actor, "activity.manage", activity)
    return start_job(actor.id, ROSTER_TASK, actor.id, activity.id)


def export_roster(job_id: str, actor_id: int, activity_id: int) -> None:
    """Everyone signed up or waiting, in the roster's order, with check-in, check-out, hours, points posted."""
    from volunteers.activities import Activity, Checkin, Signup
    from volunteers.ledger import LedgerEntry

    actor = _actor(actor_id)
    require(actor, "activity.manage")
    activity = db.session.get(Activity, activity_id)
    require(actor, "activity.manage", activity)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("活动名单")
    sheet.append([activity.title])
    sheet.append(["志愿者", "手机号", "报名状态", "签到时间", "签退时间", "服务时长（小时）", "已记积分"])
    # The posted entry of each check-in: the ledger's posted-once index (source_type, source_id, ...) finds it.
    posted = and_(LedgerEntry.source_type == "activity_checkin", LedgerEntry.source_id == Checkin.id,
                  LedgerEntry.kind == "activity", LedgerEntry.reverses_id.is_(None))
    statement = (select(Signup.state, Person.name, Person.phone, Checkin, LedgerEntry.amount)
                 .join(Person, Person.id == Signup.person_id)
                 .outerjoin(Checkin, and_(Checkin.activity_id == Signup.activity_id,
                                          Checkin.person_id == Signup.person_id))
                 .outerjoin(LedgerEntry, posted)
                 .where(Signup.activity_id == activity.id, Signup.state != "cancelled")
                 .order_by(Signup.state, Signup.updated_at, Signup.id))
    count = 0
    for state, name, phone, checkin, amount in db.session.execute(statement.execution_options(yield_per=BATCH)):
        _row(sheet, [name, mask_phone(phone), SIGNUP_WORDS.get(state, state),
                     _when(checkin.checked_in_at) if checkin else "",
                     _when(checkin.checked_out_at) if checkin else "",
                     f"{checkin.hours:.2f}" if checkin and checkin.checked_out_at else "",
                     amount if amount is not None else ""])
        count += 1
    _finish(job_id, book, actor_id, "activity.export_roster", activity,
            ngettext("%(num)d volunteer exported", "%(num)d volunteers exported", count), count)


# ------------------------------------------------------------------ a street's points summary
@transactional
def start_summary_export(actor, street, period_text: str | None) -> str:
    """Queue the export of the street's points per person for a month or a year (street administrators)."""
    from volunteers.points_read import parse_board_period

    require(actor, "points.export_summary", street)
    return start_job(actor.id, SUMMARY_TASK, actor.id, street.id, parse_board_period(period_text))


def export_summary(job_id: str, actor_id: int, street_id: int, period: str) -> None:
    """Per person of the street's communities with points in the period: community, points and hours in the
    period, total hours and stars, from the per-person period and account rows (never the ledger)."""
    from volunteers.ledger import PointsAccount, PointsPeriod, stars

    actor = _actor(actor_id)
    require(actor, "points.export_summary")
    street = db.session.get(Street, street_id)
    require(actor, "points.export_summary", street)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("积分汇总")
    sheet.append([f"{street.name} {period}"])
    sheet.append(["姓名", "手机号", "社区", "本期积分", "本期服务时长（小时）", "累计服务时长（小时）", "星级"])
    statement = (select(Person.name, Person.phone, Community.name, PointsPeriod.earned, PointsPeriod.hours,
                        PointsAccount.hours)
                 .join(Person, Person.id == PointsPeriod.person_id)
                 .join(Community, Community.id == PointsPeriod.community_id)
                 .outerjoin(PointsAccount, PointsAccount.person_id == PointsPeriod.person_id)
                 .where(PointsPeriod.period == period, Community.street_id == street.id)
                 .order_by(Community.name, PointsPeriod.earned.desc(), PointsPeriod.person_id))
    count = 0
    for name, phone, community, earned, hours, total in db.session.execute(
            statement.execution_options(yield_per=BATCH)):
        _row(sheet, [name, mask_phone(phone), community, earned, f"{hours:.2f}", f"{total or 0:.2f}",
                     stars(total or 0)])
        count += 1
    _finish(job_id, book, actor_id, "points.export_summary", None,
            ngettext("%(num)d person exported", "%(num)d people exported", count), count,
            object_type="street", object_id=street.id)
