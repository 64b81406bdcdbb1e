"""Exporting people to .xlsx: masked, scoped, audited, and never as formulas."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from app import db
from community.people import excel, identity
from tests.community.import_support import id_number
from tests.community.people_support import audit_rows
from tests.factories import login, make_admin, make_person

# ---------------------------------------------------------------- export


def _export(client, data=None):
    response = client.post("/admin/people/export", data=data or {})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def test_export_is_masked_scoped_and_audited(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id))
    number = id_number()
    east = [make_person(places["east"], name=f"东{n}", phone=f"1360000{n:04d}") for n in range(3)]
    east[0].set_id_number(number)
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
