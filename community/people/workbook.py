"""Reading an uploaded .xlsx without letting a hostile file tie up a worker.

An .xlsx is a zip of XML files. Before openpyxl opens it:
1. the zip's members are counted and their declared uncompressed sizes summed (Python's zipfile never
   inflates a member past its declared size, so this bounds a zip bomb);
2. the first sheet's XML and the shared strings are streamed once with the C parser: the declared
   dimension is checked and rows, columns with values and text lengths are counted, stopping at the
   first excess. (openpyxl itself, when a sheet declares no dimension, parses the whole sheet on open.)
openpyxl then reads the first sheet in read-only (streaming) mode, again bounded in rows and columns,
so a sheet of five million empty rows or one enormous cell is refused after a bounded amount of work.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import datetime
from pathlib import Path

from defusedxml import DefusedXmlException, ElementTree  # no entities expanded from an uploaded file
from flask_babel import gettext as _
from openpyxl import load_workbook

from community.errors import Invalid

MAX_ROWS = 20000                      # people per file
MAX_COLUMNS = 30                      # the template has 12
MAX_CELL_CHARS = 500                  # the longest field is 100 characters
MAX_MEMBERS = 200                     # a workbook saved by Excel or WPS has a dozen or two
MAX_SHEETS = 50
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024   # a full 20,000-row file is about 10 MB of XML
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024


def _refuse(message: str):
    raise Invalid(message, fields={"file": message})


def check_archive(path: Path) -> None:
    """Refuse a file that is not a zip, or whose zip could expand beyond what a people list needs."""
    not_xlsx = _("The file is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse(not_xlsx)
    if len(members) > MAX_MEMBERS:
        _refuse(_("The workbook has too many parts (%(n)d; at most %(max)d). Copy the people into the template "
                  "and upload that.", n=len(members), max=MAX_MEMBERS))
    sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        _refuse(_("The workbook has too many sheets (%(n)d; at most %(max)d).", n=len(sheets), max=MAX_SHEETS))
    expanded = sum(m.file_size for m in members)
    shared = sum(m.file_size for m in members if m.filename.lower() == "xl/sharedstrings.xml")
    if expanded > MAX_UNCOMPRESSED_BYTES or shared > MAX_SHARED_STRINGS_BYTES:
        _refuse(_("The workbook is too large once unpacked (%(mb)d MB; at most %(max)d MB). Import at most "
                  "%(rows)d people per file.", mb=expanded // (1024 * 1024),
                  max=MAX_UNCOMPRESSED_BYTES // (1024 * 1024), rows=MAX_ROWS))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """The zip member holding the workbook's first sheet (xl/workbook.xml and its relationships are small:
    their size is already bounded)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, DefusedXmlException):
        return None
    first = next((e for e in book.iter() if _local(e.tag) == "sheet"), None)
    if first is None:
        return None
    rel_id = next((v for k, v in first.attrib.items() if _local(k) == "id"), None)
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if not target:
        return None
    name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return name if name in archive.namelist() else None


def _column_number(reference: str) -> int:
    letters = re.match(r"[A-Za-z]*", reference or "").group(0).upper()
    number = 0
    for letter in letters[:4]:
        number = number * 26 + ord(letter) - 64
    return number


def scan_sheet(path: Path) -> None:
    """Stream the first sheet and the shared strings once, refusing at the first excess."""
    with zipfile.ZipFile(path) as archive:
        member = _first_sheet_member(archive)
        if member is None:
            return  # openpyxl will refuse it as not a workbook
        with archive.open(member) as source:
            _scan_rows(source)
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as source:
                _scan_texts(source)


def _scan_rows(source) -> None:
    rows = row_number = 0
    try:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "dimension":
                    bottom_right = (element.get("ref") or "").split(":")[-1]
                    digits = re.sub(r"\D", "", bottom_right)
                    if digits and int(digits[:9]) > MAX_ROWS + 1:
                        _too_many_rows()
                    if _column_number(bottom_right) > MAX_COLUMNS:
                        _too_many_columns()
                elif tag == "row":
                    rows += 1
                    number = element.get("r")
                    row_number = int(number) if number and number.isdigit() else row_number + 1
                    if rows > MAX_ROWS + 1 or row_number > MAX_ROWS + 1:
                        _too_many_rows()
                continue
            if tag == "c":
                if len(element) and _column_number(element.get("r")) > MAX_COLUMNS:
                    _too_many_columns()
            elif tag in ("t", "v", "f") and element.text and len(element.text) > MAX_CELL_CHARS:
                _too_long()
            elif tag == "row":
                element.clear()
    except (ElementTree.ParseError, DefusedXmlException):
        _refuse(_("The file is not an Excel workbook (.xlsx)."))


def _scan_texts(source) -> None:
    count = 0
    try:
        for _event, element in ElementTree.iterparse(source, events=("end",)):
            tag = _local(element.tag)
            if tag == "t" and element.text and len(element.text) > MAX_CELL_CHARS:
                _too_long()
            elif tag == "si":
                count += 1
                if count > (MAX_ROWS + 1) * MAX_COLUMNS:
                    _too_many_rows()
                element.clear()
    except (ElementTree.ParseError, DefusedXmlException):
        _refuse(_("The file is not an Excel workbook (.xlsx)."))


def _cell(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def read_rows(path: Path, required: tuple[str, ...], expected: list[str]) -> tuple[list[str], list[dict]]:
    """Header and non-empty rows of the first sheet; Invalid (with a Chinese message) when the file is not a
    workbook we can use or exceeds the limits."""
    check_archive(path)
    scan_sheet(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a zip, or a zip without a workbook: openpyxl raises many kinds of error
        _refuse(_("The file is not an Excel workbook (.xlsx)."))
    try:
        return _read_sheet(workbook, required, expected)
    except Invalid:
        raise
    except Exception:  # damaged XML inside the workbook shows only while reading it
        _refuse(_("The file is not an Excel workbook (.xlsx)."))
    finally:
        workbook.close()


def _too_many_rows():
    _refuse(_("At most %(n)d rows can be imported at once. Split the file, and delete empty rows at its end.",
              n=MAX_ROWS))


def _too_many_columns():
    _refuse(_("At most %(n)d columns are read. Delete the columns the template does not have.", n=MAX_COLUMNS))


def _read_sheet(workbook, required, expected) -> tuple[list[str], list[dict]]:
    if not workbook.worksheets:
        _refuse(_("The file is not an Excel workbook (.xlsx)."))
    sheet = workbook.worksheets[0]
    # The declared dimension (e.g. A1:L5000000) says what the sheet claims to hold: refuse before streaming.
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if declared_rows is not None and declared_rows > MAX_ROWS + 1:
        _too_many_rows()
    if declared_columns is not None and declared_columns > MAX_COLUMNS:
        _too_many_columns()
    # The dimension may be absent or false: count while streaming too. openpyxl stops at max_row and builds
    # no more than max_col values per row, so the work is bounded whatever the XML says.
    rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True)
    header = [_checked(h) for h in next(rows, ())]
    header = [str(h).strip() if h is not None else "" for h in header]
    if any(header[MAX_COLUMNS:]):
        _too_many_columns()
    missing = [name for name in required if name not in header]
    if missing:
        _refuse(_("The sheet lacks the columns: %(cols)s. Expected columns: %(all)s.",
                  cols="、".join(missing), all="、".join(expected)))
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            _too_many_rows()
        if values is None or all(v in (None, "") for v in values):
            continue
        if any(v not in (None, "") for v in values[MAX_COLUMNS:]):
            _too_many_columns()
        out.append({header[i]: _cell(_checked(v)) for i, v in enumerate(values[:MAX_COLUMNS])
                    if i < len(header) and header[i]})
    return header, out


def _too_long():
    _refuse(_("A cell holds more than %(n)d characters; no field of a person is that long.", n=MAX_CELL_CHARS))


def _checked(value):
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        _too_long()
    return value
