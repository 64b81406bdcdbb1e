"""A full disk during an upload or an export is reported, not hidden (issue #14, point 3); backups: see
tests/community/elections/test_backup.py (/dev/full).

The disk fills up part way through a write: the file is really begun, then the write fails with ENOSPC, as a
real full disk does. Each case checks the person reads a clear Chinese message (beside the field of the form,
or as the reason of the failed job), that no half-written file stays, that no row was written, and no 500.
"""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook
from sqlalchemy import func, select

from app import db
from community import files
from community.audit.models import AuditEntry
from community.background import Job
from community.discussions import photos as P
from community.discussions.models import Request, RequestPhoto
from tests.branches.roster_support import juexi  # noqa: F401 (the fixture)
from tests.community.discussions.conftest import town  # noqa: F401 (the fixture)
from tests.community.discussions.test_requests_photos import _form as request_form
from tests.community.discussions.test_requests_photos import jpeg_with_location
from tests.community.import_support import row, upload, xlsx
from tests.factories import login, make_person

ADMIN_SCOPE = "platform"
FULL = "磁盘已满"
ROOM = 1000  # bytes the disk still takes


def no_space() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FillingDisk(io.FileIO):
    """A file on a disk with ROOM bytes left: writes past them fail, what fitted stays written."""

    def write(self, data):
        room = ROOM - self.tell()
        if len(data) > room:
            super().write(bytes(data)[:max(room, 0)])
            raise no_space()
        return super().write(data)


@pytest.fixture
def full_disk(monkeypatch):
    """Files written by community.files (uploads, photos) land on a disk that fills up."""
    monkeypatch.setattr(files, "open", lambda path, mode="rb": FillingDisk(path, mode.replace("b", "")),
                        raising=False)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_import_upload_on_a_full_disk_is_refused_beside_the_field(client, app, places, admin, full_disk):
    imports = Path(app.instance_path) / "imports"
    before = set(imports.glob("*")) if imports.exists() else set()
    login(client, admin)
    workbook = xlsx([row(f"居民{i}", f"139000009{i:02d}") for i in range(40)])
    assert len(workbook) > ROOM  # the disk fills up part way through
    response = upload(client, workbook)
    page = response.get_data(as_text=True)
    assert response.status_code == 507, page[:500]
    assert FULL in page and "is-invalid" in page  # beside the file field, in the form shown again
    assert set(imports.glob("*")) == before  # no half file, under its name or a temporary one
    assert count(Job) == 0


def test_a_branch_roster_upload_on_a_full_disk_is_refused_beside_the_field(client, app, juexi, full_disk):  # noqa: F811
    from branches.roster_excel import COLUMNS

    folder = Path(app.instance_path) / "imports"
    folder.mkdir(exist_ok=True)
    before = set(folder.iterdir())
    login(client, juexi["wang"])
    people = juexi["people"]
    rows = [[p.name, p.phone, "正式党员", "", "组织关系转入", "", "", "2010-07-01", "水产公司"] for p in people]
    response = client.post(f"/admin/branches/{juexi['guizhou'].id}/import",
                           data={"file": (io.BytesIO(xlsx(rows, header=COLUMNS)), "名册.xlsx")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 507 and FULL in page and "is-invalid" in page
    assert set(folder.iterdir()) == before  # no half file, under its name or a temporary one
    assert count(Job) == 0


def test_request_photos_on_a_full_disk_leave_no_file_and_no_row(client, town, full_disk):  # noqa: F811
    before = set(P.photo_dir().iterdir())
    login(client, town["submitter"])
    photos = [(io.BytesIO(jpeg_with_location((400 + 10 * n, 300))), f"IMG_{n}.jpg") for n in range(2)]
    response = client.post("/requests/new", data={**request_form(town), "photos": photos},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert FULL in page and 'id="photos-error"' in page and "出租屋电线老化" in page  # typed text kept
    assert count(Request) == 0 and count(RequestPhoto) == 0
    assert set(P.photo_dir().iterdir()) == before


def test_a_photo_written_before_the_disk_filled_is_removed_again(client, town, monkeypatch):  # noqa: F811
    """The first photo fits, the second does not: the unit of work rolls back, and the first file goes too."""
    written = []
    real = files.write_whole

    def second_fills_the_disk(target, data, field=None):
        if written:
            raise files.DiskFull(files.disk_full_message(), fields={field: files.disk_full_message()})
        real(target, data, field)
        written.append(target)

    monkeypatch.setattr(files, "write_whole", second_fills_the_disk)
    before = set(P.photo_dir().iterdir())
    login(client, town["submitter"])
    photos = [(io.BytesIO(jpeg_with_location()), f"IMG_{n}.jpg") for n in range(2)]
    response = client.post("/requests/new", data={**request_form(town), "photos": photos},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and FULL in response.get_data(as_text=True)
    assert written and not written[0].exists()
    assert set(P.photo_dir().iterdir()) == before and count(Request) == 0


def test_an_export_on_a_full_disk_fails_with_the_reason_and_leaves_no_file(client, app, places, admin,
                                                                           monkeypatch):
    make_person(places["east"], name="东门居民")
    exports = Path(app.instance_path) / "exports"

    real_save = Workbook.save

    def half_then_full(book, filename):
        whole = io.BytesIO()
        real_save(book, whole)
        Path(filename).write_bytes(whole.getvalue()[:ROOM])  # the disk takes the start of the workbook
        raise no_space()

    monkeypatch.setattr(Workbook, "save", half_then_full)
    login(client, admin)
    response = client.post("/admin/people/export", data={})
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    progress = client.get(f"/jobs/{job_id}.json").json
    assert progress["state"] == "failed" and FULL in progress["error"], progress
    assert client.get(f"/jobs/{job_id}").status_code == 200  # its page shows that reason (job.js polls the JSON)
    assert not list(exports.glob(f"*{job_id}*"))  # the half-written workbook is gone
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "person.export")) == 0


def test_a_full_disk_met_anywhere_else_is_a_507_page_not_a_500(client, app, places, admin, monkeypatch):
    """Where no form can say it (the request body spooled to a temporary file, say), the error page says it."""
    from community.people import views

    def full(*_args, **_kwargs):
        raise no_space()

    monkeypatch.setattr(views, "start_job", full)
    login(client, admin)
    response = client.post("/admin/people/export", data={})
    assert response.status_code == 507 and FULL in response.get_data(as_text=True)
