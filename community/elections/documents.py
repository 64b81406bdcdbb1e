"""The printable results: a Chinese announcement (PDF, ReportLab's built-in STSong-Light) and an .xlsx."""
from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from community.database import as_local, utcnow

FONT = "STSong-Light"
BANDS = {"18-35": "18—35岁", "36-50": "36—50岁", "51-60": "51—60岁", "61+": "61岁以上", "unknown": "年龄不详"}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _date(moment) -> str:
    local = as_local(moment or utcnow())
    return f"{local.year}年{local.month}月{local.day}日"


def announcement_pdf(election, result: dict) -> bytes:
    """公告: the figures, the votes of every candidate, those elected and their composition (in Chinese)."""
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, firstLineIndent=23)
    plain = ParagraphStyle("plain", fontName=font, fontSize=11.5, leading=19)
    right = ParagraphStyle("right", fontName=font, fontSize=11.5, leading=19, alignment=2)
    community = election.community
    # Paragraph reads its text as markup: names and titles are escaped (a "<" or "&" would break the build).
    plain_place = f"{community.street.name}{community.name}" if community else ""
    place = escape(plain_place)
    elected = [t for t in result["tallies"] if t["elected"]]
    comp = result["composition"]
    valid = "有效" if result["valid"] else "无效"
    story = [
        Paragraph(f"{place}居民代表推选结果公告", title),
        Paragraph(f"{place}于{_date(election.voting_opens_at)}进行居民代表推选（{escape(election.title)}），"
                  f"应选居民代表{election.seats}名。登记选民{result['registered']}人"
                  + (f"（其中按时告假{result['excused']}人不计入基数，基数{result['turnout_base']}人）"
                     if result["excused"] else "") + "，"
                  f"投出选票{result['ballots_cast']}张，参加投票率{result['turnout'] * 100:.1f}%，"
                  f"其中废票{result['void_ballots'] or 0}张。依照推选办法，本次投票{valid}。", body),
        Spacer(1, 3 * mm),
        Paragraph("各候选人得票情况如下：", plain),
    ]
    rows = [["序号", "候选人", "得票数", "结果"]]
    for n, tally in enumerate(result["tallies"], 1):
        outcome = f"当选（第{tally['elected_round']}轮）" if tally["elected"] else "未当选"
        rows.append([str(n), tally["name"], str(tally["votes"]), outcome])
    table = Table(rows, colWidths=[18 * mm, 50 * mm, 30 * mm, 50 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 11),
                               ("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee")]))
    story += [table, Spacer(1, 4 * mm)]
    names = "、".join(escape(t["name"]) for t in elected) or "无"
    story.append(Paragraph(f"当选居民代表（{len(elected)}名）：{names}。", body))
    bands = "，".join(f"{BANDS.get(k, k)}{v}名" for k, v in sorted(comp["age_bands"].items()))
    story.append(Paragraph(f"当选人员构成：新居民（外来人口）{comp['migrants']}名，女性{comp['women']}名"
                           + (f"，{bands}" if bands else "")
                           + (f"，党员{comp['party_members']}名（其中流动党员{comp['mobile_party_members']}名）"
                              if comp.get("party_members") is not None else "") + "。", body))
    if result["vacancies"]:
        story.append(Paragraph(f"经另行选举仍未选足，空缺{result['vacancies']}名。", body))
    story += [Paragraph("对推选结果有异议的，可向社区居民代表推选委员会反映。特此公告。", body), Spacer(1, 10 * mm),
              Paragraph(f"{place}居民代表推选委员会", right), Paragraph(_date(election.published_at), right)]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{plain_place}居民代表推选结果公告", leftMargin=22 * mm,
                      rightMargin=22 * mm, topMargin=22 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()


def results_xlsx(election, result: dict) -> bytes:
    """The results workbook: a summary sheet, the tallies of every round, and the composition."""
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    bold = Font(bold=True)
    sheet.append([election.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in (("应选名额", election.seats), ("登记选民", result["registered"]),
                         ("告假不计入", result["excused"]), ("投票率基数", result["turnout_base"]),
                         ("投出选票", result["ballots_cast"]),
                         ("废票", result["void_ballots"]), ("投票率", result["turnout"]),
                         ("投票有效", "是" if result["valid"] else "否"), ("空缺", result["vacancies"])):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["候选人", "得票数", "当选", "当选轮次", "新居民"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for t in result["tallies"]:
        sheet.append([t["name"], t["votes"], "是" if t["elected"] else "否", t["elected_round"],
                      "是" if t["is_migrant"] else "否"])
    sheet.column_dimensions["A"].width = 24
    rounds = book.create_sheet("各轮")
    rounds.append(["轮次", "类别", "名额", "投出选票", "有效", "候选人", "得票数", "当选"])
    for r in result["rounds"]:
        kind = ("决胜投票" if r["is_runoff"] else "") + ("另行选举" if r["stage"] == "second" else "正式选举")
        for t in r["tallies"]:
            rounds.append([r["number"], kind, r["seats"], r["ballots_cast"], "是" if r["valid"] else "否",
                           t["name"], t["votes"], "是" if t["elected"] else "否"])
    comp = book.create_sheet("当选构成")
    c = result["composition"]
    comp.append(["当选人数", c["elected"]])
    comp.append(["新居民", c["migrants"]])
    comp.append(["女性", c["women"]])
    for band, count in sorted(c["age_bands"].items()):
        comp.append([BANDS.get(band, band), count])
    if c.get("party_members") is None:
        comp.append(["党员、流动党员", "待支部名册接入"])
    else:
        comp.append(["党员", c["party_members"]])
        comp.append(["其中流动党员", c["mobile_party_members"]])
    for worksheet in book.worksheets:  # a name or title starting with "=" is text, never a formula
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
