"""Importing people from .xlsx: confirming a preview, and import_people writing all rows or nothing."""
from __future__ import annotations

from sqlalchemy import select

from app import db
from community.background import get_progress
from community.people import excel
from community.people.models import Person
from tests.community.import_support import confirm_token, id_number, new_job, row, upload, xlsx
from tests.community.people_support import audit_rows, person_count
from tests.factories import login, make_admin, make_person

ADMIN_SCOPE = "platform"  # the `admin` fixture (conftest.py) is a platform administrator here


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
    job_id = new_job(admin)
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
    make_person(places["east"], id_number=number)  # after the preview
    before = person_count()
    job_id = start_job(admin.id, "import", admin.id, str(path))
    progress = get_progress(job_id)
    assert progress["state"] == "failed"
    assert "13900000111" not in (progress.get("error") or "")
    assert person_count() == before
    assert audit_rows("person.import") == []


def test_import_people_writes_all_rows(tmp_path, places, admin):
    path = tmp_path / "good.xlsx"
    path.write_bytes(xlsx([row(f"居民{n}", f"1390000{n:04d}") for n in range(250)]))  # > one progress batch
    job_id = new_job(admin)
    excel.import_people(job_id, admin.id, str(path))
    progress = get_progress(job_id)
    assert progress["state"] == "done" and progress["done"] == progress["total"] == 250
    assert person_count() == 251
    assert not path.exists()
