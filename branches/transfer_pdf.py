"""The transfer letter as printed (ReportLab, the built-in STSong-Light CID font: no font file needed).

One A4 page in three parts separated by dashed cut lines, as the paper forms are: the stub (存根) the issuer
keeps, the letter (介绍信) the member carries, the receipt (回执) the receiving organisation returns.
"""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from branches.dues import month_label
from community.elections.documents import _font

WIDTH, HEIGHT = A4
MARGIN = 20 * mm
PART = (HEIGHT - 2 * 12 * mm) / 3  # three equal parts between a top and bottom margin of 12 mm


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def letter_pdf(transfer, *, status_text: str = "正式党员") -> bytes:
    """存根, 介绍信 and 回执 of one transfer on one A4 page, with cut lines between them."""
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=11, leading=18, firstLineIndent=22)
    plain = ParagraphStyle("p", fontName=font, fontSize=11, leading=18)
    right = ParagraphStyle("r", fontName=font, fontSize=11, leading=18, alignment=2)
    name = escape(transfer.person.name)
    origin, destination = escape(transfer.origin), escape(transfer.destination)
    dues = month_label(transfer.dues_paid_up_to) if transfer.dues_paid_up_to else "____年__月"
    number = transfer.letter_no
    valid = f"有效期至{_day(transfer.valid_until)}"
    parts = [
        ("中国共产党党员组织关系介绍信（存根）", [
            Paragraph(f"{number}", right),
            Paragraph(f"{name}同志系{status_text}，组织关系由{origin}转到{destination}。"
                      f"党费交至{dues}。", body),
            Paragraph(f"{valid}。", body),
            Paragraph(f"开具日期：{_day(transfer.issued_on)}", right),
        ]),
        ("中国共产党党员组织关系介绍信", [
            Paragraph(f"{number}", right),
            Paragraph(f"{destination}：", plain),
            Paragraph(f"{name}同志系中共{status_text}，其组织关系由{origin}转到你处，请接洽。"
                      f"该同志党费交至{dues}。", body),
            Paragraph(f"（{valid}）", body),
            Paragraph(f"{origin}（盖章）", right),
            Paragraph(_day(transfer.issued_on), right),
        ]),
        ("中国共产党党员组织关系介绍信（回执）", [
            Paragraph(f"{number}", right),
            Paragraph(f"{origin}：", plain),
            Paragraph(f"{name}同志的党员组织关系已转达我处，特此回复。", body),
            Paragraph(f"{destination}（盖章）", right),
            Paragraph(_day(transfer.received_on), right),
        ]),
    ]
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{transfer.person.name} 党员组织关系介绍信 {number}")
    top = HEIGHT - 12 * mm
    for index, (heading, paragraphs) in enumerate(parts):
        y = top - index * PART - 8 * mm
        heading_p = Paragraph(heading, title)
        _w, h = heading_p.wrap(WIDTH - 2 * MARGIN, PART)
        heading_p.drawOn(canvas, MARGIN, y - h)
        y -= h + 5 * mm
        for paragraph in paragraphs:
            _w, h = paragraph.wrap(WIDTH - 2 * MARGIN, PART)
            paragraph.drawOn(canvas, MARGIN, y - h)
            y -= h + 2 * mm
        if index < len(parts) - 1:  # the cut line under the part, with its scissors note
            cut = top - (index + 1) * PART
            canvas.setDash(4, 3)
            canvas.setLineWidth(0.6)
            canvas.line(10 * mm, cut, WIDTH - 10 * mm, cut)
            canvas.setDash()
            canvas.setFont(font, 8)
            canvas.drawCentredString(WIDTH / 2, cut + 1.5 * mm, "（沿虚线剪开）")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
