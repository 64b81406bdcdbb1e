"""A roster from .xlsx: checked on the task queue, every bad row named, then all rows or none; exported masked."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from app import db
from branches.models import BranchMember
from branches.roster_excel import COLUMNS
from tests.community.import_support import xlsx
from tests.factories import login


def _upload(client, branch_id: int, rows):
    return client.post(f"/admin/branches/{branch_id}/import",
                       data={"file": (io.BytesIO(xlsx(rows, header=COLUMNS)), "名册.xlsx")},
                       content_type="multipart/form-data")


def _members() -> int:
    return db.session.scalar(select(func.count()).select_from(BranchMember))


def test_a_bad_roster_names_every_bad_row_and_writes_nothing(juexi, client):
    login(client, juexi["wang"])
    people, branch = juexi["people"], juexi["guizhou"]
    rows = [[people[0].name, people[0].phone, "正式党员", "", "组织关系转入", "", "", "2010-07-01", "水产公司"],
            [people[1].name, people[1].phone, "预备党员", "", "组织关系转入", "", "", "", ""],
            ["无名氏", "13999999999", "正式党员", "", "组织关系转入", "", "", "", ""],
            [people[2].name, people[2].phone, "正式党员", "", "流动党员活动证", "", "鸭溪镇党委", "", ""],
            [people[0].name, people[0].phone, "正式党员", "", "组织关系转入", "", "", "", ""]]
    page = _upload(client, branch.id, rows).get_data(as_text=True)
    assert "5 行中有 4 行" in page or "4" in page
    assert "表决日期" in page and "本街道没有使用该行手机号的居民" in page and "活动证编号" in page
    assert "重复" in page  # the phone number repeats row 2
    assert _members() == 0


def test_a_good_roster_is_previewed_then_imported_whole_and_exported_masked(juexi, client):
    login(client, juexi["wang"])
    people, branch = juexi["people"], juexi["guizhou"]
    rows = [[people[0].name, people[0].phone, "正式党员", "", "组织关系转入", "", "", "2010-07-01", "水产公司"],
            [people[1].name, people[1].phone, "预备党员", "2026-06-01", "组织关系转入", "", "", "", ""],
            [people[2].name, people[2].phone, "正式党员", "", "流动党员活动证", "流字9", "鸭溪镇党委", "", ""]]
    page = _upload(client, branch.id, rows).get_data(as_text=True)
    assert "全部 3 行" in page or "3" in page
    assert _members() == 0  # nothing before the confirmation
    token = re.search(rf'action="/admin/branches/{branch.id}/import/([\w-]+)"', page).group(1)
    assert client.post(f"/admin/branches/{branch.id}/import/{token}").status_code == 302
    assert _members() == 3
    again = client.post(f"/admin/branches/{branch.id}/import/{token}")  # a second confirmation finds nothing
    assert again.status_code == 302 and _members() == 3
    job = client.post(f"/admin/branches/{branch.id}/export").headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/jobs/{job}.json").json["state"] == "done"
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{job}/download").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:len(COLUMNS)] == COLUMNS and len(values) == 4
    assert all(people[n].phone not in str(values) for n in range(3))  # masked
    assert any("流字9" in str(row) for row in values)


def test_another_secretary_may_not_import_into_the_branch(juexi, client):
    login(client, juexi["li"])
    assert _upload(client, juexi["guizhou"].id, []).status_code == 403
