"""The requests board as a workbook (.xlsx) for handlers, made on the task queue from board.export_rows (the one
path an export of items takes), with the figures' job page and owner-only download (figures_views)."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from openpyxl import Workbook

from app import db
from community.audit.services import record
from community.authz import require
from community.background import set_progress, start_job
from community.database import transactional, unit_of_work, valid_id
from community.discussions.models import CATEGORIES, STATUSES
from community.people.excel import _text_cell, work_folder
from community.people.models import Person

TASK = "discussions.board_export"
HEADERS = ["编号", "类型", "标题", "类别", "社区", "状态", "附议数", "提交日期", "责任单位或人", "办理期限", "办结日期",
           "评价", "提出人"]
SHEET_ROWS = 1_048_575  # Excel's rows per sheet, less the header; the export is never cut, it runs on


def export_path(job_id: str) -> Path:
    """Where a job's workbook is kept (instance/exports, cleaned after a day)."""
    return work_folder("exports") / f"requests-board-{Path(job_id).name}.xlsx"


def clean_filters(values: dict) -> dict:
    """The board's filters as the board reads them (unknown values dropped, the search cut to its length)."""
    from community.discussions.board import QUERY_MAX

    community_id = values.get("community_id")
    return {"community_id": int(community_id) if valid_id(community_id) else None,
            "category": values.get("category") if values.get("category") in CATEGORIES else None,
            "status": values.get("status") if values.get("status") in STATUSES else None,
            "q": str(values.get("q") or "").strip()[:QUERY_MAX]}


@transactional
def start_export(actor, filters: dict) -> str:
    """Queue the board's export with its filters, for a handler (of that community, when one is chosen)."""
    require(actor, "request.handle")
    filters = clean_filters(filters)
    if filters["community_id"]:
        require(actor, "request.handle", ("community", filters["community_id"]))
    return start_job(actor.id, TASK, actor.id, filters)


def export_task(job_id: str, actor_id: int, filters: dict) -> None:
    """The board's items the actor handles, under its filters, as a workbook in Chinese; the export is logged."""
    from flask_babel import force_locale

    from community.discussions.board import export_rows
    from community.discussions.requests import RATING_LABELS, STATUS_LABELS
    from community.discussions.requests_views import CATEGORY_LABELS, KIND_LABELS

    actor = db.session.get(Person, actor_id)
    with force_locale("zh_Hans_CN"):  # the pages' own names, not a second list of them
        names = {key: str(label) for labels in (CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS, RATING_LABELS)
                 for key, label in labels.items()}
    book = Workbook(write_only=True)
    count, sheet = 0, None
    for (item_id, kind, title, category, community, status, supports, created, responsible, deadline, closed,
         rating, submitter) in export_rows(actor, **filters):
        if count % SHEET_ROWS == 0:  # more items go on to 议事清单2, 议事清单3…
            sheet = book.create_sheet("议事清单" + (str(count // SHEET_ROWS + 1) if count else ""))
            sheet.append(HEADERS)
        sheet.append([item_id, names[kind], _text_cell(sheet, title), names[category], _text_cell(sheet, community),
                      names[status], supports, created.date() if created else None,
                      _text_cell(sheet, responsible or ""), deadline, closed.date() if closed else None,
                      names.get(rating, ""), _text_cell(sheet, submitter or "")])
        count += 1
    if sheet is None:  # nothing matched: the headers alone
        book.create_sheet("议事清单").append(HEADERS)
    db.session.rollback()
    target = export_path(job_id)
    book.save(target)
    with unit_of_work():
        record(db.session.get(Person, actor_id), "request.export", None, str(count),
               {k: v for k, v in filters.items() if v}, object_type="community",
               object_id=filters.get("community_id"))
    set_progress(job_id, state="done", done=count, total=count, file=target.name)


def download_name() -> str:
    """The file's name as the person's language has it."""
    return _("requests-board") + ".xlsx"
