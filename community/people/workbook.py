"""Reading an uploaded .xlsx without letting a hostile file tie up a worker.

An .xlsx is a zip of XML files. Before openpyxl opens it, the zip's members are counted and their
declared uncompressed sizes summed (Python's zipfile never inflates a member past its declared size,
so this bounds a zip bomb). openpyxl then reads the first sheet in read-only (streaming) mode: the
sheet's declared dimension is checked, and rows, columns and cell lengths are counted while streaming,
so a sheet of five million empty rows or one enormous cell is refused after a bounded amount of work.
"""
from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

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


def _checked(value):
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        _refuse(_("A cell holds more than %(n)d characters; no field of a person is that long.", n=MAX_CELL_CHARS))
    return value
