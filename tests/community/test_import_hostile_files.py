"""Hostile workbooks are refused quickly, in bounded memory, with a clear Chinese message (security #6, finding 9).

The files are built cheaply by writing the sheet XML straight into a zip: five million empty rows, a huge cell, a
zip bomb, many parts, many sheets, many columns, a dimension that lies. Each is refused before it can tie up a
worker; peak memory is measured with tracemalloc and time with a monotonic clock (generous bounds).
"""
from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from community.errors import Invalid
from community.people import excel, workbook
from tests.community.import_support import HEADER, confirm_token, upload
from tests.community.people_support import person_count
from tests.factories import login

ADMIN_SCOPE = "platform"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
             'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             'Target="xl/workbook.xml"/></Relationships>')
NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def _columns(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def header_row() -> str:
    cells = "".join(f'<c r="{_columns(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                    for i, h in enumerate(HEADER, start=1))
    return f'<row r="1">{cells}</row>'


def build(path, rows_xml, dimension: str | None = "A1:L2", sheets: int = 1, shared: str = "",
          extra: dict | None = None):
    """An .xlsx whose first sheet is <sheetData> = header + `rows_xml` (a string, or an iterable of strings
    streamed into the zip so millions of rows cost no memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            sheets="".join(SHEET_TYPE.format(n=n) for n in range(1, sheets + 1))))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS}><sheets>' + "".join(
            f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1)) + "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(
                             f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                             for n in range(1, sheets + 1)) + "</Relationships>")
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>{shared}</sst>')
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>'.encode())
            sheet.write(header_row().encode())
            chunks = [rows_xml] if isinstance(rows_xml, str) else rows_xml
            for chunk in chunks:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
        for n in range(2, sheets + 1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", f'<worksheet {NS}><sheetData/></worksheet>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def empty_rows(first: int, last: int, batch: int = 100_000):
    for start in range(first, last + 1, batch):
        yield "".join(f'<row r="{n}" spans="1:12"/>' for n in range(start, min(start + batch, last + 1)))


def bare_empty_rows(count: int, batch: int = 500_000):
    """`<row/>` elements (openpyxl numbers them in order): five million fit in a few hundred KB."""
    for start in range(0, count, batch):
        yield "<row/>" * min(batch, count - start)


def person_row(n: int, name: str = "李晓") -> str:
    values = [name, f"139{n:08d}", "女", "", "", "贵州省毕节市", "东门社区", "", "", "", "", ""]
    return f'<row r="{n}">' + "".join(f'<c r="{_columns(i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                                      for i, v in enumerate(values, start=1) if v) + "</row>"


def refused(path, within_seconds: float = 10, within_mb: float = 100) -> str:
    """read_rows refuses the file within the bounds; returns the message."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(Invalid) as caught:
            excel.read_rows(path)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < within_seconds, f"took {elapsed:.1f} s"
    assert peak < within_mb * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    return caught.value.message


# ---------------------------------------------------------------- the files from the report


@pytest.mark.parametrize("dimension", ["A1:L5000000", None, "A1:L2"])
def test_five_million_empty_rows_are_refused_at_once(tmp_path, dimension):
    """As reported: 0.67 MB, five million empty rows. Refused by the declared dimension, or (when it is absent
    or lies) by counting rows while streaming; 30 MB of XML stays under the unpacked-size limit."""
    path = build(tmp_path / "rows.xlsx", bare_empty_rows(5_000_000), dimension=dimension)
    assert path.stat().st_size < 1024 * 1024
    assert "最多导入" in refused(path, within_seconds=10, within_mb=20)


def test_five_million_numbered_empty_rows_are_refused_by_their_unpacked_size(tmp_path):
    path = build(tmp_path / "rows.xlsx", empty_rows(2, 5_000_000), dimension=None)
    assert "解压后过大" in refused(path, within_seconds=10, within_mb=20)


def test_a_huge_cell_is_refused_and_the_page_stays_small(tmp_path, client, places, admin):
    path = build(tmp_path / "cell.xlsx", "", shared="<si><t>" + "长" * (200 * 1024 * 1024 // 3) + "</t></si>")
    assert path.stat().st_size < 1024 * 1024
    message = refused(path, within_seconds=10, within_mb=20)
    assert "解压后过大" in message
    login(client, admin)
    response = upload(client, path.read_bytes())
    assert response.status_code == 200 and len(response.data) < 100_000
    assert "解压后过大" in response.get_data(as_text=True)


def test_a_long_cell_within_the_size_limit_is_refused(tmp_path, client, places, admin):
    path = build(tmp_path / "long.xlsx", person_row(2, name="张" * 1_000_000), dimension="A1:L2")
    message = refused(path)
    assert "个字符" in message
    login(client, admin)
    response = upload(client, path.read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < 100_000
    assert "个字符" in page and confirm_token(page) is None


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = build(tmp_path / "bomb.xlsx", person_row(2), extra={"xl/media/image1.png": b"\0" * (300 * 1024 * 1024)})
    assert path.stat().st_size < 2 * 1024 * 1024
    assert "解压后过大" in refused(path, within_seconds=10, within_mb=10)


def test_a_bomb_in_the_sheet_itself_is_refused(tmp_path):
    filler = ('<row><c><v>0</v></c></row>' * 100_000 for _ in range(40))
    path = build(tmp_path / "sheetbomb.xlsx", filler, dimension="A1:L2")
    assert "解压后过大" in refused(path, within_seconds=10, within_mb=10)


def test_many_parts_are_refused(tmp_path):
    path = build(tmp_path / "parts.xlsx", person_row(2), extra={f"docProps/x{n}.xml": b"<x/>" for n in range(500)})
    assert "组成部分过多" in refused(path)


def test_many_sheets_are_refused(tmp_path):
    path = build(tmp_path / "sheets.xlsx", person_row(2), sheets=80)
    assert "工作表过多" in refused(path)


# ---------------------------------------------------------------- counted while streaming


def test_rows_beyond_the_limit_are_refused_even_when_the_dimension_lies(tmp_path):
    rows = (person_row(n) for n in range(2, excel.MAX_ROWS + 10))
    path = build(tmp_path / "lying.xlsx", rows, dimension="A1:L2")
    assert "最多导入" in refused(path, within_seconds=60)  # as long as reading a full file: 20,000 real rows


def test_one_row_far_down_is_refused_without_walking_millions_of_rows(tmp_path):
    path = build(tmp_path / "far.xlsx", person_row(2) + '<row r="5000000"><c r="A5000000"><v>1</v></c></row>',
                 dimension=None)
    assert "最多导入" in refused(path, within_seconds=10, within_mb=30)


def test_many_columns_are_refused(tmp_path):
    wide = '<row r="2">' + "".join(f'<c r="{_columns(i)}2"><v>{i}</v></c>' for i in range(1, 2000)) + "</row>"
    assert "列" in refused(build(tmp_path / "wide.xlsx", wide, dimension="A1:BXX2"))
    assert "列" in refused(build(tmp_path / "wide2.xlsx", wide, dimension=None))
    assert "列" in refused(build(tmp_path / "wide3.xlsx", wide, dimension="A1:L2"))


def test_declared_dimension_over_the_limit_is_refused_before_streaming(tmp_path):
    path = build(tmp_path / "declared.xlsx", person_row(2), dimension="A1:L1048576")
    assert "最多导入" in refused(path, within_seconds=10)


def test_empty_rows_in_the_middle_are_still_fine(tmp_path, places, admin):
    path = build(tmp_path / "gaps.xlsx", person_row(2) + "".join(empty_rows(3, 50)) + person_row(51),
                 dimension="A1:L51")
    header, rows = excel.read_rows(path)
    assert header[:2] == ["姓名", "手机号"] and len(rows) == 2
    assert all(not r["problems"] for r in excel.check_rows(admin, rows))


def test_a_full_file_at_the_limit_is_read_in_bounded_time(tmp_path):
    rows = (person_row(n) for n in range(2, excel.MAX_ROWS + 2))
    path = build(tmp_path / "full.xlsx", rows, dimension=f"A1:L{excel.MAX_ROWS + 1}")
    started = time.monotonic()
    _header, read = excel.read_rows(path)
    assert len(read) == excel.MAX_ROWS
    assert time.monotonic() - started < 30
    assert workbook.MAX_UNCOMPRESSED_BYTES > sum(i.file_size for i in zipfile.ZipFile(path).infolist())


def test_hostile_upload_is_refused_on_the_page_and_keeps_nothing(tmp_path, client, places, admin, app):
    path = build(tmp_path / "rows.xlsx", bare_empty_rows(5_000_000), dimension=None)
    login(client, admin)
    before = person_count()
    folder = Path(app.instance_path) / "imports"
    kept = set(folder.glob("*")) if folder.exists() else set()
    started = time.monotonic()
    response = upload(client, path.read_bytes())
    assert time.monotonic() - started < 10  # the reported file took 30-50 s
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "alert-danger" in page and confirm_token(page) is None
    assert "最多导入" in page
    assert person_count() == before
    assert set(folder.glob("*")) == kept  # the refused upload is not kept


def test_an_entity_bomb_or_external_entity_is_refused(tmp_path):
    """XML entities (a billion laughs, a file: entity) are never expanded: defusedxml refuses them."""
    laughs = '<!ENTITY a "ha">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                                           for i in range(8))
    external = '<!ENTITY x SYSTEM "file:///etc/passwd">'
    for name, doctype, use in [("laughs", laughs, "&i;"), ("external", external, "&x;")]:
        plain = build(tmp_path / f"{name}-plain.xlsx", person_row(2))
        path = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/sharedStrings.xml":
                    data = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{doctype}]>'
                            f'<sst {NS}><si><t>{use}</t></si></sst>').encode()
                target.writestr(item, data)
        assert "不是 Excel" in refused(path, within_seconds=10, within_mb=20)
