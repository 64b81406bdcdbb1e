"""Helpers shared by the people import/export tests (test_import_*.py): building workbooks and uploading them."""
from __future__ import annotations

import io
import os
import re
from datetime import date

from openpyxl import Workbook

from app import db
from tests.community import people_support

HEADER = ["姓名", "手机号", "性别", "出生日期", "身份证号", "户籍地", "社区", "网格", "来此居住日期", "居住证号",
          "工作单位", "家乡"]


def id_number(region: str = "520502", born: date = date(1995, 8, 20), seq: str = "124") -> str:
    """A valid ID number whose birth date matches row()'s default."""
    return people_support.id_number(region, born, seq)


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


def new_job(owner, kind: str = "import") -> str:
    """A job row as start_job makes it, for tests that call a job's work function directly."""
    from community.background import Job

    job = Job(id=f"{kind}-{os.urandom(4).hex()}", owner_id=owner.id, kind=kind, state="running")
    db.session.add(job)
    db.session.commit()
    return job.id
