"""Importing people from .xlsx: files that are not usable workbooks, and who may import."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from community.errors import Invalid
from community.people import excel
from tests.community.import_support import HEADER, confirm_token, row, upload, xlsx
from tests.community.people_support import person_count
from tests.factories import login, make_person

ADMIN_SCOPE = "platform"  # the `admin` fixture (conftest.py) is a platform administrator here


# ---------------------------------------------------------------- wrong files


@pytest.mark.parametrize("missing", ["姓名", "手机号", "户籍地", "社区"])
def test_missing_required_column_is_a_clear_error(client, places, admin, missing):
    header = [h for h in HEADER if h != missing]
    content = xlsx([["x"] * len(header)], header=header)
    login(client, admin)
    before = person_count()
    response = upload(client, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "alert-danger" in page
    assert confirm_token(page) is None
    assert person_count() == before


def test_read_rows_names_the_missing_columns(tmp_path):
    path = tmp_path / "wrong.xlsx"
    path.write_bytes(xlsx([["李晓", "13900000001"]], header=["姓名", "手机号", "性别"]))
    with pytest.raises(Invalid) as caught:
        excel.read_rows(path)
    assert "户籍地" in caught.value.message and "社区" in caught.value.message
    assert caught.value.message.count("姓名") == 1  # only in the list of expected columns


@pytest.mark.parametrize("content,filename", [
    (os.urandom(2048), "people.xlsx"),
    ("姓名,手机号,户籍地,社区\n李晓,13900000001,贵州省毕节市,东门社区\n".encode(), "people.xlsx"),
    (b"", "people.xlsx"),
    (None, "people.xlsx"),  # a zip that is not a workbook
])
def test_a_file_that_is_not_a_workbook_is_a_clear_error(client, places, admin, content, filename):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        content = buffer.getvalue()
    login(client, admin)
    before = person_count()
    response = upload(client, content, filename)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "alert-danger" in page or "is-invalid" in page
    assert confirm_token(page) is None
    assert person_count() == before


def test_a_csv_file_is_refused_by_the_form(client, places, admin):
    login(client, admin)
    response = upload(client, "姓名,手机号\n".encode(), "people.csv")
    assert response.status_code == 200
    assert confirm_token(response.get_data(as_text=True)) is None


def test_read_rows_refuses_random_bytes(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(512))
    with pytest.raises(Invalid):
        excel.read_rows(path)


def test_empty_sheet_offers_nothing_to_import(client, places, admin):
    login(client, admin)
    response = upload(client, xlsx([]))
    assert response.status_code == 200
    assert confirm_token(response.get_data(as_text=True)) is None


def test_import_needs_an_administrator(client, places):
    resident = make_person(places["east"])
    login(client, resident)
    assert client.get("/admin/people/import").status_code == 403
    assert upload(client, xlsx([row("李晓", "13900000001")])).status_code == 403


def _damaged(kind: str) -> bytes:
    good = xlsx([row("李晓", "13900000301")])
    source = zipfile.ZipFile(io.BytesIO(good))
    files = {name: source.read(name) for name in source.namelist()}
    if kind == "content_types":
        files["[Content_Types].xml"] = b"garbage<<"
    elif kind == "workbook":
        files["xl/workbook.xml"] = b"garbage"
    elif kind == "sheet":
        files["xl/worksheets/sheet1.xml"] = b"<notxml"
    elif kind == "no_sheet":
        del files["xl/worksheets/sheet1.xml"]
    elif kind == "truncated":
        return good[: len(good) // 2]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["content_types", "workbook", "sheet", "no_sheet", "truncated"])
def test_a_damaged_workbook_is_a_clear_error_not_500(client, tmp_path, places, admin, kind):
    content = _damaged(kind)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(content)
    with pytest.raises(Invalid):
        excel.read_rows(path)
    login(client, admin)
    response = upload(client, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "alert-danger" in page and confirm_token(page) is None
    assert person_count() == 1
