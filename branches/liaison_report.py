"""The monthly report of a home-side organisation (两地管月报), as .xlsx and a Chinese PDF, on the task queue.

Members, branch, attendance that month and year to date, dues paid up to, flags, and the meetings held by
their branches. A liaison makes it for their organisation; a host branch's secretary for each organisation
paired with the branch, with only the members in that branch.
"""
from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import db
from branches import liaison as L
from branches.dues import add_months, month_label
from community.database import as_local, unit_of_work
from community.elections.documents import _font
from community.people.excel import work_folder
from community.people.models import Person

STATUSES = {"full": "正式党员", "probationary": "预备党员"}
KINDS = {"general_meeting": "支部党员大会", "committee": "支委会", "group": "党小组会", "lesson": "党课",
         "party_day": "主题党日", "life_meeting": "组织生活会"}
FLAG_WORDS = {"out_of_contact": "6个月以上失联", "no_life": "连续6个月未参加组织生活", "no_dues": "连续6个月未交党费",
              "no_work": "连续6个月未做党组织分配的工作"}
HEADERS = ["姓名", "所在支部", "身份", "本月参加/应参加", "本年参加/应参加", "党费交至", "提醒"]
REPORT_BATCH = 500


def _flag_text(line: L.MemberLine, today: date) -> str:
    words = [f.reason(today) if hasattr(f, "reason") else FLAG_WORDS.get(f.kind, f.kind) for f in line.flags]
    if line.is_amber:
        words.append(f"{line.months_silent}个月未联系" if line.months_silent is not None else "未登记联系情况")
    return "；".join(words)


def report_data(organisation_id: int, month: date, branch_id: int | None = None) -> dict:
    """The report's figures for a month (its first day): lines per member, and meetings of their branches."""
    end = add_months(month, 1)
    year_start = date(month.year, 1, 1)
    rows = db.session.execute(L.members_statement(organisation_id, branch_id)).all()
    lines = []
    for start in range(0, len(rows), REPORT_BATCH):
        batch = rows[start:start + REPORT_BATCH]
        year = L.member_lines(batch, end - date.resolution, since=year_start)
        this_month = L._attendance([r[0] for r in batch], month, end - date.resolution)
        for line in year:
            line.month_attended, line.month_invited = this_month.get(line.member_id, (0, 0))
        lines += year
    branch_ids = sorted({line.branch_id for line in lines})
    return {"organisation": L.get_organisation(organisation_id), "month": month, "lines": lines,
            "until": end - date.resolution,
            "meetings": L.meetings_held(branch_ids, month, end)}


def _cells(line, today: date) -> list:
    return [line.name, line.branch, STATUSES.get(line.status, line.status),
            f"{line.month_attended}/{line.month_invited}", f"{line.attended}/{line.invited}",
            month_label(line.paid_up_to), _flag_text(line, today)]


def report_xlsx(data: dict) -> bytes:
    """The report as a workbook: a sheet of members and one of meetings."""
    book = Workbook()
    sheet = book.active
    sheet.title = "党员"
    sheet.append([f"{data['organisation'].name}　{month_label(data['month'])}两地管理月报"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for line in data["lines"]:
        # A name that starts with "=" stays text (never a formula in Excel).
        cells = _cells(line, data["until"])
        sheet.append([("'" + v) if isinstance(v, str) and v.startswith("=") else v for v in cells])
    meetings = book.create_sheet("组织生活")
    meetings.append(["日期", "支部", "类别", "主题"])
    for _branch_id, branch, kind, title, starts_at in data["meetings"]:
        meetings.append([as_local(starts_at).date(), branch, KINDS.get(kind, kind), title])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(data: dict) -> bytes:
    """The report as a Chinese PDF (ReportLab's STSong-Light), landscape A4."""
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=1, spaceAfter=4 * mm)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13)
    name = escape(data["organisation"].name)
    lines = data["lines"]
    amber = sum(1 for line in lines if line.is_amber or line.flags)
    story = [Paragraph(f"{name}　{month_label(data['month'])}两地管理月报", title),
             Paragraph(f"在外党员{len(lines)}名，需关注{amber}名；"
                       f"所在支部本月开展组织生活{len(data['meetings'])}次。", body),
             Spacer(1, 3 * mm)]
    rows = [HEADERS] + [[Paragraph(escape(str(v)), cell) for v in _cells(line, data["until"])] for line in lines]
    table = Table(rows, colWidths=[26 * mm, 52 * mm, 22 * mm, 28 * mm, 28 * mm, 26 * mm, 70 * mm], repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9.5),
             ("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    story += [table, Spacer(1, 5 * mm), Paragraph("所在支部本月组织生活：", body)]
    held = [["日期", "支部", "类别", "主题"]] + [
        [as_local(s).strftime("%Y-%m-%d"), Paragraph(escape(b), cell), KINDS.get(k, k), Paragraph(escape(t), cell)]
        for _i, b, k, t, s in data["meetings"]]
    if len(held) > 1:
        meetings = Table(held, colWidths=[28 * mm, 60 * mm, 34 * mm, 130 * mm], repeatRows=1)
        meetings.setStyle(TableStyle(style))
        story.append(meetings)
    else:
        story.append(Paragraph("本月无。", body))
    table.setStyle(TableStyle(style))
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=f"{data['organisation'].name}两地管理月报",
                      leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm).build(story)
    return buffer.getvalue()


def report_files(job_id: str) -> dict[str, Path]:
    """Where a report job's two files are."""
    folder = work_folder("exports")
    return {"xlsx": folder / f"{job_id}.xlsx", "pdf": folder / f"{job_id}.pdf"}


def liaison_report_task(job_id: str, actor_id: int, organisation_id: int, month_iso: str,
                        branch_id: int | None) -> None:
    """The task: check the actor may still make it, write both files, log it, report done."""
    from branches.liaison_views import may_report
    from community.audit.services import record
    from community.background import set_progress
    from community.errors import Forbidden

    actor = db.session.get(Person, actor_id)
    if actor is None or not may_report(actor, organisation_id, branch_id):
        raise Forbidden()
    data = report_data(organisation_id, date.fromisoformat(month_iso), branch_id)
    files = report_files(job_id)
    files["xlsx"].write_bytes(report_xlsx(data))
    files["pdf"].write_bytes(report_pdf(data))
    done = len(data["lines"])
    db.session.rollback()
    with unit_of_work():
        record(db.session.get(Person, actor_id), "home_report.make", data["organisation"],
               summary=_("Monthly report of %(month)s", month=month_label(data["month"])),
               detail={"rows": done, "month": month_iso, "branch_id": branch_id})
    set_progress(job_id, done=done, total=done, state="done", file=files["xlsx"].name)
