"""Importing people from .xlsx: a good file end to end, and the preview's checks of every row."""
from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from community.people import excel, identity
from community.people.models import Person
from tests.community.import_support import HEADER, confirm_token, id_number, row, upload, xlsx
from tests.community.people_support import audit_rows, person_count
from tests.factories import login, make_admin, make_person

ADMIN_SCOPE = "platform"  # the `admin` fixture (conftest.py) is a platform administrator here


def imports_folder(app) -> Path:
    return Path(app.instance_path) / "imports"


def stored_uploads(app) -> set[str]:
    folder = imports_folder(app)
    return set(os.listdir(folder)) if folder.exists() else set()


# ---------------------------------------------------------------- a good file


def test_good_file_previews_then_imports_every_row(app, client, places, admin, grid):
    number = id_number()
    content = xlsx([
        row("李晓", "13900000001", grid="第一网格", number=number, born="1995-08-20"),
        row("王强", 13900000002, community="西门社区", hukou="浙江省宁波市象山县", gender="男",
            born=datetime(1985, 1, 2), since=datetime(2010, 3, 4), employer="", hometown=""),
        row("赵敏", "13900000003", hukou="安徽省阜阳市临泉县", gender="", born="", permit="330225-2023-01"),
    ])
    login(client, admin)
    before = person_count()
    response = upload(client, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = confirm_token(page)
    assert token, "a valid file offers the confirm button"
    assert "13900000001" not in page  # the preview masks phones
    assert "139****0001" in page
    assert person_count() == before  # the preview writes nothing
    assert audit_rows("person.import") == []

    response = client.post(f"/admin/people/import/{token}")
    assert response.status_code == 302
    job_id = re.search(r"/jobs/([\w-]+)$", response.headers["Location"]).group(1)
    progress = client.get(f"/jobs/{job_id}.json")
    assert progress.status_code == 200
    assert progress.json["state"] == "done"
    assert progress.json["total"] == 3 and progress.json["done"] == 3 and progress.json["imported"] == 3
    assert progress.json["kind"] == "import"
    assert client.get(f"/jobs/{job_id}").status_code == 200

    assert person_count() == before + 3
    people = {p.phone: p for p in db.session.scalars(select(Person).where(Person.phone.like("139%")))}
    li, wang, zhao = people["13900000001"], people["13900000002"], people["13900000003"]
    assert li.name == "李晓" and li.community_id == places["east"].id and li.grid_id == grid.id
    assert li.is_migrant is True and li.gender == "F" and li.born_on == date(1995, 8, 20)
    assert li.id_number_masked == identity.mask_id_number(number)
    assert identity.decrypt_id_number(li.id_number_cipher) == number and number not in li.id_number_cipher
    assert li.living_since_on == date(2023, 5, 1) and li.employer == "爵溪针织厂" and li.hometown == "毕节"
    assert wang.community_id == places["west"].id and wang.is_migrant is False and wang.gender == "M"
    assert wang.born_on == date(1985, 1, 2) and wang.living_since_on == date(2010, 3, 4)
    assert zhao.is_migrant is True and zhao.residence_permit_no == "330225-2023-01"
    assert all(p.must_change_password for p in people.values())
    entries = audit_rows("person.import")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id and entries[0].detail["rows"] == 3
    assert not any(name.endswith(f"{token}.xlsx") for name in stored_uploads(app))  # the upload is removed


def test_template_download_is_a_workbook_with_the_columns(client, places, admin):
    login(client, admin)
    response = client.get("/admin/people/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    for column in excel.REQUIRED:
        assert column in header


# ---------------------------------------------------------------- broken rows


def broken_rows(existing_phone: str):
    return [
        row("好人", "13900000010"),                                    # 2: fine
        row("坏手机", "12345"),                                         # 3: bad phone
        row("无社区", "13900000012", community="不存在社区"),             # 4: unknown community
        row("重复号", "13900000010"),                                   # 5: repeats row 2
        row("已注册", existing_phone),                                   # 6: already registered
        row("坏身份证", "13900000014", number="520502199508201240"),      # 7: bad check digit
        row("无网格", "13900000015", grid="第九网格"),                    # 8: unknown grid
    ]


def test_broken_rows_are_all_reported_and_nothing_is_written(app, client, places, admin, grid):
    existing = make_person(places["east"], phone="13900000013")
    assert identity.id_number_problem("520502199508201240") is not None
    login(client, admin)
    before_people, before_files = person_count(), stored_uploads(app)
    response = upload(client, xlsx(broken_rows(existing.phone)))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert confirm_token(page) is None
    assert "alert-danger" in page
    for number, name in [(3, "坏手机"), (4, "无社区"), (5, "重复号"), (6, "已注册"), (7, "坏身份证"), (8, "无网格")]:
        assert re.search(rf"<td>{number}</td><td>{name}</td>", page), name
    assert "<td>好人</td>" not in page
    assert "不存在社区" in page and "第九网格" in page and existing.phone in page
    assert person_count() == before_people
    assert audit_rows("person.import") == []
    assert stored_uploads(app) == before_files  # the rejected upload is not kept


def test_a_phone_in_full_width_digits_is_read_as_the_registered_number(places, admin):
    """The import cleans a phone as adding, searching and signing in do (identity.normalise_phone)."""
    existing = make_person(places["east"], phone="13900000031")
    rows = [dict(zip(HEADER, row("全角号", "１３９ ００００ ００３１"), strict=False))]
    problems = excel.check_rows(admin, rows)[0]["problems"]
    assert any(existing.phone in p and "已被登记" in p for p in problems), problems


def test_check_rows_gives_a_reason_per_bad_row(places, admin, grid):
    existing = make_person(places["east"], phone="13900000013")
    rows = [dict(zip(HEADER, values, strict=False)) for values in broken_rows(existing.phone)]
    checked = {r["row"]: r for r in excel.check_rows(admin, rows)}
    assert checked[2]["problems"] == []
    assert all(checked[n]["problems"] for n in range(3, 9))
    assert any("手机号" in p for p in checked[3]["problems"])
    assert any("不存在社区" in p for p in checked[4]["problems"])
    assert any("2" in p for p in checked[5]["problems"])
    assert not any("13900000010" in p for p in checked[5]["problems"])  # a repeat, not "already registered"
    assert any(existing.phone in p for p in checked[6]["problems"])
    assert any("身份证号" in p for p in checked[7]["problems"])
    assert any("第九网格" in p for p in checked[8]["problems"])
    for n in (3, 4, 5, 6, 7, 8):
        assert len(checked[n]["problems"]) == 1, checked[n]


@pytest.mark.parametrize("change", [
    {"name": ""}, {"hukou": ""}, {"gender": "未知"}, {"born": "1999/13/45"}, {"since": "2999-01-01"},
    {"employer": "厂" * 101},
])
def test_other_bad_cells_are_reported(places, admin, change):
    values = row(**({"name": "某人", "phone": "13900000020"} | change))
    checked = excel.check_rows(admin, [dict(zip(HEADER, values, strict=False))])
    assert checked[0]["problems"]


def test_registered_phone_written_differently_is_caught_in_the_preview(places, admin):
    make_person(places["east"], phone="13900000031")
    checked = excel.check_rows(admin, [dict(zip(HEADER, row("横线号", "139-0000-0031"), strict=False))])
    assert checked[0]["problems"], "a registered phone with dashes must not pass the preview"


def test_id_number_already_registered_is_caught_in_the_preview(places, admin):
    number = id_number()
    make_person(places["east"], id_number=number)
    checked = excel.check_rows(admin, [dict(zip(HEADER, row("同证号", "13900000041", number=number), strict=False))])
    assert checked[0]["problems"]
    assert any("身份证号" in p for p in checked[0]["problems"])


def test_id_number_repeated_inside_the_file_is_caught_in_the_preview(places, admin):
    number = id_number()
    rows = [dict(zip(HEADER, row("甲", "13900000051", number=number), strict=False)),
            dict(zip(HEADER, row("乙", "13900000052", number=number), strict=False))]
    checked = excel.check_rows(admin, rows)
    assert checked[0]["problems"] == []
    assert checked[1]["problems"]


# ---------------------------------------------------------------- scope


def test_community_admin_cannot_import_into_another_community(app, client, places):
    admin = make_admin("community_admin", ("community", places["east"].id))
    content = xlsx([row("东边", "13900000061"), row("西边", "13900000062", community="西门社区")])
    login(client, admin)
    before = person_count()
    response = upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert confirm_token(page) is None
    assert re.search(r"<td>3</td><td>西边</td>", page)
    assert "<td>东边</td>" not in page
    assert person_count() == before
    west_row = dict(zip(HEADER, row("西边", "13900000062", community="西门社区"), strict=False))
    checked = excel.check_rows(admin, [west_row])
    assert checked[0]["problems"]


# ---------------------------------------------------------------- community names shared by two streets


def test_same_community_name_in_two_streets(places):
    from tests.factories import make_community, make_street

    other_street = make_street("丹西街道", "宁海县")
    other_east = make_community(other_street, "东门社区")
    local_admin = make_admin("community_admin", ("community", places["east"].id))
    checked = excel.check_rows(local_admin, [dict(zip(HEADER, row("甲", "13900000201"), strict=False))])
    assert checked[0]["problems"] == []
    assert checked[0]["fields"]["community_id"] == places["east"].id

    other_admin = make_admin("community_admin", ("community", other_east.id))
    checked = excel.check_rows(other_admin, [dict(zip(HEADER, row("乙", "13900000202"), strict=False))])
    assert checked[0]["problems"] == []
    assert checked[0]["fields"]["community_id"] == other_east.id

    platform = make_admin()
    checked = excel.check_rows(platform, [
        dict(zip(HEADER, row("丙", "13900000203"), strict=False)),
        dict(zip(HEADER, row("丁", "13900000204", community="爵溪街道/东门社区"), strict=False)),
        dict(zip(HEADER, row("戊", "13900000205", community="丹西街道/东门社区"), strict=False)),
    ])
    assert checked[0]["problems"], "an ambiguous community name must not be guessed"
    assert checked[1]["fields"]["community_id"] == places["east"].id
    assert checked[2]["fields"]["community_id"] == other_east.id
    assert checked[2]["fields"]["community_id"] != places["east"].id
