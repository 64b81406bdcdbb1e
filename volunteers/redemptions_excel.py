"""The .xlsx exports of the uses of points, on the task queue: redemptions of the actor's scope, and an
allocation's ranked list. Phones are masked; a name starting with "=" stays text. Each export is logged."""
from __future__ import annotations

from pathlib import Path

from flask_babel import ngettext
from openpyxl import Workbook

from app import db
from community.audit.services import record
from community.authz import require
from community.background import set_progress
from community.database import as_local, unit_of_work
from community.errors import Forbidden
from community.people import excel as people_excel
from community.people.models import Person

REDEMPTIONS_TASK = "volunteers.redemptions_export"
ALLOCATION_TASK = "volunteers.allocation_export"
STATE_WORDS = {"pending": "待审批", "approved": "已批准", "declined": "未批准", "withdrawn": "已撤回"}
BATCH = 1000


def export_file(job_id: str) -> Path:
    """Where an export job's workbook is."""
    return people_excel.work_folder("exports") / f"{Path(job_id).name}.xlsx"


def _when(moment) -> str:
    return as_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_redemptions(job_id: str, actor_id: int, state: str | None = None) -> None:
    """Every redemption the actor decides on (all states, or one), oldest first, in batches of rows."""
    from volunteers.redemptions import scope_query

    actor = db.session.get(Person, actor_id)
    if actor is None:
        raise Forbidden()
    require(actor, "redemption.export")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("积分兑换")
    sheet.append(["编号", "申请人", "手机号", "社区", "兑换项目", "数量", "积分", "状态", "申请时间", "处理时间",
                  "理由"])
    count, statement = 0, scope_query(actor, state)
    for redemption in db.session.scalars(statement.execution_options(yield_per=BATCH)):
        values = [redemption.id, redemption.person.name, redemption.person.phone_masked, redemption.community.name,
                  redemption.item.name, redemption.quantity, redemption.points, STATE_WORDS[redemption.state],
                  _when(redemption.created_at), _when(redemption.decided_at), redemption.reason]
        sheet.append([people_excel._text_cell(sheet, v) for v in values])
        count += 1
    db.session.rollback()
    book.save(export_file(job_id))
    with unit_of_work():
        record(db.session.get(Person, actor_id), "redemption.export", None,
               summary=ngettext("%(num)d redemption exported", "%(num)d redemptions exported", count))
    set_progress(job_id, done=count, total=count, state="done", file=export_file(job_id).name)


def export_allocation(job_id: str, actor_id: int, allocation_id: int) -> None:
    """An allocation's applications in rank order, with points and hours at the close and the outcome."""
    from volunteers.allocation import get_allocation, ranked_query

    actor = db.session.get(Person, actor_id)
    allocation = get_allocation(allocation_id)
    if actor is None:
        raise Forbidden()
    require(actor, "allocation.manage", allocation)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("排序名单")
    sheet.append([allocation.title])
    sheet.append(["名次", "申请人", "手机号", "截止时积分", "截止时服务时长（小时）", "申请时间", "结果"])
    count = 0
    for a in db.session.scalars(ranked_query(allocation.id)):
        outcome = "" if a.rank is None else ("拟安排" if a.is_offered else "未安排")
        values = [a.rank or "", a.person.name, a.person.phone_masked, a.points_at_close if a.rank else "",
                  f"{a.hours_at_close:.2f}" if a.hours_at_close is not None else "", _when(a.created_at), outcome]
        sheet.append([people_excel._text_cell(sheet, v) for v in values])
        count += 1
    db.session.rollback()
    book.save(export_file(job_id))
    with unit_of_work():
        record(db.session.get(Person, actor_id), "allocation.export", get_allocation(allocation_id),
               summary=ngettext("%(num)d application exported", "%(num)d applications exported", count))
    set_progress(job_id, done=count, total=count, state="done", file=export_file(job_id).name)
