"""The month's dues list for the treasurer as .xlsx, made on the task queue (`branches.dues_export`), never
inside a request: the page starts the job and shows its progress, then the download (as the roster export and
the liaison's monthly report do)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from app import db
from branches import dues as D
from community.people.excel import work_folder
from community.people.models import Person

TASK = "branches.dues_export"


def month_workbook(branch, month: date) -> tuple[bytes, int]:
    """The workbook and its number of lines: a title, then name, month, amount, situation, income, paid on,
    months and total of the payment, and the month's total (one query for the rows)."""
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    sheet.append([f"{branch.name} 党费收缴明细 {D.month_label(month)}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["姓名", "月份", "金额（元）", "身份", "月收入（元）", "交纳日期", "本次交纳月数", "本次合计（元）"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    total, labels = Decimal("0.00"), {key: str(label) for key, label in D.CATEGORIES.items()}
    lines = 0
    for name, paid_month, amount, category, income, paid_on, months, payment_total in D.month_rows(branch.id, month):
        sheet.append([name, D.month_label(paid_month), amount, labels[category], income, paid_on, months,
                      payment_total])
        total += amount
        lines += 1
    sheet.append(["合计", "", total])
    for row in sheet.iter_rows(min_row=3):  # (sheet.max_row per row would rescan the sheet: quadratic)
        row[0].data_type = "s"  # a name starting with "=" is text, never a formula
        for cell in (row[2], row[7]):
            cell.number_format = "0.00"
    sheet.column_dimensions["A"].width = 16
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), lines


def export_file(job_id: str) -> Path:
    """Where a dues export job's workbook is."""
    return work_folder("exports") / f"dues-{job_id}.xlsx"


def dues_export_task(job_id: str, actor_id: int, branch_id: int, month_iso: str) -> None:
    """The task: check the actor may still read the branch's dues, write the workbook, report done."""
    from community.authz import require
    from community.background import set_progress

    actor = db.session.get(Person, actor_id)
    branch = D.get_branch(branch_id)
    require(actor, "dues.view", branch)
    month = date.fromisoformat(month_iso)
    target = export_file(job_id)
    content, rows = month_workbook(branch, month)
    target.write_bytes(content)
    db.session.rollback()
    set_progress(job_id, done=rows, total=rows, state="done", file=target.name)
