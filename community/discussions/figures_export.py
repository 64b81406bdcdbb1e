"""The figures' workbook (.xlsx), made on the task queue: one sheet per table of the figures page."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from app import db
from community.audit.services import record
from community.background import set_progress
from community.database import unit_of_work
from community.people.excel import _text_cell, work_folder
from community.people.models import Person

REQUEST_HEADERS = ["受理件数", "办结件数", "办结率(%)", "评价件数", "满意及基本满意", "满意率(%)", "办结天数中位数"]
CASE_HEADERS = ["案件数", "已结案", "调解成功", "部分调解", "调解不成", "移交", "调解成功率(%)"]


def export_path(job_id: str) -> Path:
    """Where a job's workbook is kept (instance/exports, cleaned after a day)."""
    return work_folder("exports") / f"discussion-figures-{Path(job_id).name}.xlsx"


def _request_row(line: dict) -> list:
    return [line["taken_up"], line["done"], line["closure_rate"], line["rated"], line["satisfied"],
            line["satisfaction_rate"], line["median_days"]]


def _case_row(line: dict) -> list:
    return [line["cases"], line["closed"], line["settled"], line["partly"], line["failed"], line["referred"],
            line["settlement_rate"]]


def export_task(job_id: str, actor_id: int, community_id: int | None) -> None:
    """The figures the actor may see, as a workbook in Chinese (the district's report); the export is logged."""
    from flask_babel import force_locale

    from community.discussions.figures import figures
    from community.discussions.mediation_forms import KIND_LABELS
    from community.discussions.requests_views import CATEGORY_LABELS

    actor = db.session.get(Person, actor_id)
    data = figures(actor, community_id)
    with force_locale("zh_Hans_CN"):  # the same names as the pages', not a second list of them
        categories = {key: str(label) for key, label in CATEGORY_LABELS.items()}
        kinds = {key: str(label) for key, label in KIND_LABELS.items()}
    book = Workbook(write_only=True)
    sheets = [
        ("按社区", "社区", REQUEST_HEADERS,
         [(data["names"][c], _request_row(v)) for c, v in data["communities"].items()]
         + [("合计", _request_row(data["total"]))]),
        ("按类别", "类别", REQUEST_HEADERS,
         [(categories.get(c, c), _request_row(v)) for c, v in data["categories"].items()]),
        ("调解·按社区", "社区", CASE_HEADERS,
         [(data["names"][c], _case_row(v)) for c, v in data["mediation"]["community"].items()]
         + [("合计", _case_row(data["mediation"]["total"]))]),
        ("调解·按纠纷类型", "纠纷类型", CASE_HEADERS,
         [(kinds.get(k, k), _case_row(v)) for k, v in data["mediation"]["kind"].items()]),
        ("调解·按调解员", "调解员", CASE_HEADERS,
         [(data["mediation"]["mediator_names"][m], _case_row(v)) for m, v in data["mediation"]["mediator"].items()]),
    ]
    for title, first, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([first, *headers])
        for name, values in rows:
            sheet.append([_text_cell(sheet, name), *values])
    db.session.rollback()
    target = export_path(job_id)
    book.save(target)
    with unit_of_work():
        record(db.session.get(Person, actor_id), "discussion_figures.export", None, str(len(data["names"])),
               {"community_id": community_id}, object_type="community", object_id=community_id)
    set_progress(job_id, state="done", done=1, total=1, file=target.name)
