"""Importing people from .xlsx (preview, then all or nothing) and exporting them (masked, audited)."""
from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.background import get_progress, set_progress
from community.errors import Invalid
from community.people import excel, identity
from community.people.models import Person
from tests.factories import login, make_admin, make_grid, make_person

HEADER = ["姓名", "手机号", "性别", "出生日期", "身份证号", "户籍地", "社区", "网格", "来此居住日期", "居住证号",
          "工作单位", "家乡"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: str = "520502", born: date = date(1995, 8, 20), seq: str = "124") -> str:
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=False)) % 11]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(name, phone, community="东门社区", hukou="贵州省毕节市", gender="女", born="1995-08-20", number="",
        grid="", since="2023-05-01", permit="", employer="爵溪针织厂", hometown="毕节"):
    return [name, phone, gender, born, number, hukou, community, grid, since, permit, employer, hometown]


def upload(client, content: bytes, filename: str = "people.xlsx"):
    return client.post("/admin/people/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def confirm_token(page: str) -> str | None:
    found = re.search(r'action="/admin/people/import/([\w-]+)"', page)
    return found.group(1) if found else None


def person_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Person))


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def imports_folder(app) -> Path:
    return Path(app.instance_path) / "imports"


def stored_uploads(app) -> set[str]:
    folder = imports_folder(app)
    return set(os.listdir(folder)) if folder.exists() else set()


@pytest.fixture
def admin(places):
    return make_admin()


@pytest.fixture
def grid(places):
    return make_grid(places["east"], "第一网格")


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
    make_person(places["east"], id_number_digest=identity.digest_id_number(number))
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


# ---------------------------------------------------------------- confirm


def test_confirm_with_unknown_token_redirects_with_message(client, places, admin):
    login(client, admin)
    response = client.post("/admin/people/import/no-such-token")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/people/import")
    page = client.get("/admin/people/import").get_data(as_text=True)
    assert "alert-danger" in page
    assert audit_rows("person.import") == []


def test_confirm_path_traversal_token_is_harmless(client, places, admin):
    login(client, admin)
    response = client.post("/admin/people/import/..%2F..%2Fsecret_key")
    assert response.status_code in (302, 404)
    assert person_count() == 1


def test_someone_else_cannot_confirm_my_upload(client, app, places, admin):
    login(client, admin)
    token = confirm_token(upload(client, xlsx([row("李晓", "13900000071")])).get_data(as_text=True))
    assert token
    client.post("/logout")
    other = make_admin()
    login(client, other)
    response = client.post(f"/admin/people/import/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/people/import")
    assert person_count() == 2


def test_confirm_twice_imports_once(client, places, admin):
    login(client, admin)
    token = confirm_token(upload(client, xlsx([row("李晓", "13900000081")])).get_data(as_text=True))
    assert client.post(f"/admin/people/import/{token}").status_code == 302
    second = client.post(f"/admin/people/import/{token}")
    assert second.status_code == 302
    assert second.headers["Location"].endswith("/admin/people/import")
    assert person_count() == 2
    assert len(audit_rows("person.import")) == 1


def test_stale_data_between_preview_and_confirm_fails_the_page_job(client, places, admin):
    login(client, admin)
    token = confirm_token(upload(client, xlsx([row("甲", "13900000091"), row("乙", "13900000092")]))
                          .get_data(as_text=True))
    assert token
    make_person(places["east"], phone="13900000092")
    before = person_count()
    response = client.post(f"/admin/people/import/{token}")
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    progress = client.get(f"/jobs/{job_id}.json").json
    assert progress["state"] == "failed"
    assert progress["error"]
    assert person_count() == before
    assert db.session.scalar(select(Person).where(Person.phone == "13900000091")) is None


# ---------------------------------------------------------------- import_people directly


def test_import_people_is_all_or_nothing_when_data_went_stale(tmp_path, places, admin):
    path = tmp_path / "stale.xlsx"
    path.write_bytes(xlsx([row("甲", "13900000101"), row("乙", "13900000102"), row("丙", "13900000103")]))
    _header, rows = excel.read_rows(path)
    assert all(not r["problems"] for r in excel.check_rows(admin, rows))  # the preview was fine
    make_person(places["east"], phone="13900000103")  # then someone registered one of the phones
    before = person_count()
    job_id = "stale-" + os.urandom(4).hex()
    set_progress(job_id, owner_id=admin.id, kind="import", state="running")
    excel.import_people(job_id, admin.id, str(path))
    progress = get_progress(job_id)
    assert progress["state"] == "failed"
    assert progress["total"] == 3
    assert person_count() == before
    assert db.session.scalars(select(Person).where(Person.phone.in_(["13900000101", "13900000102"]))).all() == []
    assert audit_rows("person.import") == []


def test_import_people_all_or_nothing_on_a_duplicate_id_number(tmp_path, places, admin):
    """A clash only the database sees must still leave nothing behind, and not leak the data in the error."""
    from community.background import start_job

    number = id_number()
    path = tmp_path / "idclash.xlsx"
    path.write_bytes(xlsx([row("甲", "13900000111"), row("乙", "13900000112", number=number)]))
    _header, rows = excel.read_rows(path)
    assert all(not r["problems"] for r in excel.check_rows(admin, rows))
    make_person(places["east"], id_number_digest=identity.digest_id_number(number))  # after the preview
    before = person_count()
    job_id = start_job(admin.id, "import", excel.import_people, admin.id, str(path))
    progress = get_progress(job_id)
    assert progress["state"] == "failed"
    assert "13900000111" not in (progress.get("error") or "")
    assert person_count() == before
    assert audit_rows("person.import") == []


def test_import_people_writes_all_rows(tmp_path, places, admin):
    path = tmp_path / "good.xlsx"
    path.write_bytes(xlsx([row(f"居民{n}", f"1390000{n:04d}") for n in range(250)]))  # > one progress batch
    job_id = "good-" + os.urandom(4).hex()
    set_progress(job_id, owner_id=admin.id, kind="import", state="running")
    excel.import_people(job_id, admin.id, str(path))
    progress = get_progress(job_id)
    assert progress["state"] == "done" and progress["done"] == progress["total"] == 250
    assert person_count() == 251
    assert not path.exists()


# ---------------------------------------------------------------- export


def _export(client, data=None):
    response = client.post("/admin/people/export", data=data or {})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def test_export_is_masked_scoped_and_audited(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id))
    number = id_number()
    east = [make_person(places["east"], name=f"东{n}", phone=f"1360000{n:04d}") for n in range(3)]
    east[0].id_number_masked = identity.mask_id_number(number)
    east[0].id_number_cipher = identity.encrypt_id_number(number)
    db.session.commit()
    west = make_person(places["west"], name="西边人", phone="13611112222")
    login(client, admin)
    job_id = _export(client)
    progress = client.get(f"/jobs/{job_id}.json")
    assert progress.status_code == 200
    body = progress.json
    assert body["state"] == "done" and body["kind"] == "export"
    assert body["done"] == body["total"] == 3

    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == excel.EXPORT_HEADERS
    names = {r[0] for r in rows[1:]}
    assert names == {p.name for p in east}
    assert west.name not in names
    everything = " ".join(str(v) for r in rows for v in r if v is not None)
    for person in east + [west]:
        assert person.phone not in everything
    phones = {r[0]: r[1] for r in rows[1:]}
    assert phones["东0"] == "136****0000"
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", p) for p in phones.values())
    ids = {r[0]: r[4] for r in rows[1:]}
    assert ids["东0"] == identity.mask_id_number(number)
    assert number not in everything

    entries = audit_rows("person.export")
    assert len(entries) == 1
    assert entries[0].actor_id == admin.id and entries[0].detail["rows"] == 3


def test_export_respects_filters(client, places):
    admin = make_admin()
    make_person(places["east"], name="本地东", hukou_place="浙江省宁波市象山县")
    make_person(places["east"], name="外地东", hukou_place="贵州省毕节市")
    make_person(places["west"], name="外地西", hukou_place="贵州省毕节市")
    login(client, admin)
    job_id = _export(client, {"community_id": str(places["east"].id), "migrant": "1", "q": ""})
    download = client.get(f"/jobs/{job_id}/download")
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["外地东"]


def test_another_user_cannot_read_my_job(client, places):
    admin = make_admin()
    make_person(places["east"])
    login(client, admin)
    job_id = _export(client)
    assert client.get(f"/jobs/{job_id}.json").status_code == 200
    client.post("/logout")
    other = make_admin()
    login(client, other)
    assert client.get(f"/jobs/{job_id}.json").status_code == 404
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert client.get("/jobs/unknown-job.json").status_code == 404


def test_export_needs_a_role(client, places):
    resident = make_person(places["east"])
    login(client, resident)
    assert client.post("/admin/people/export").status_code == 403
    assert audit_rows("person.export") == []


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


def test_export_never_turns_text_into_formulas(client, places):
    admin = make_admin()
    make_person(places["east"], name="=HYPERLINK(\"http://x\")", hukou_place="=1+2", employer="=cmd|'/c calc'!A1")
    login(client, admin)
    job_id = _export(client)
    download = client.get(f"/jobs/{job_id}/download")
    sheet = load_workbook(io.BytesIO(download.data)).active
    cells = [row for row in sheet.iter_rows(min_row=2) if row[0].value and str(row[0].value).startswith("=")]
    assert len(cells) == 1
    found = cells[0]
    assert found[0].value == "=HYPERLINK(\"http://x\")" and found[0].data_type == "s"
    assert found[5].value == "=1+2" and found[5].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


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
