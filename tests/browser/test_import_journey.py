"""On a phone: an administrator uploads a workbook; the check runs on the task queue (a consumer thread here)
while the job page waits; a file with a bad row shows that row, a good file shows the preview; confirming
queues the import, and the job page shows it finish."""
from __future__ import annotations

import threading

import pytest

from app import db
from tests.browser.phone import Phone
from tests.community.import_support import row, xlsx
from tests.factories import PASSWORD, make_admin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def consumer(app):
    """The queue out of immediate mode for this test, with one consumer thread taking its tasks."""
    queue = app.extensions["task_queue"]
    queue.immediate = False
    stop = threading.Event()

    def work():
        while not stop.is_set():
            task = queue.dequeue()
            if task is None:
                stop.wait(0.1)
            else:
                queue.execute(task)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield queue
    stop.set()
    thread.join(5)
    queue.flush()
    queue.immediate = True


def _upload(phone: Phone, content: bytes) -> None:
    page = phone.page
    phone.goto("/admin/people/import")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(files=[{"name": "居民.xlsx", "mimeType": XLSX,
                                                                    "buffer": content}])
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url("**/admin/people/import/check/*")  # via the job page, once the consumer has checked it


def test_import_is_checked_in_the_background_previewed_and_confirmed(places, live, chromium, consumer):
    admin = make_admin("street_admin", ("street", places["street"].id), places["east"])
    admin_phone = admin.phone
    db.session.remove()
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(admin_phone, PASSWORD)
    phone.goto("/admin/people/import")
    phone.check("import page")

    _upload(phone, xlsx([row("王芳", "13912340001"), row("李强", "", community="没有这个社区")]))
    assert page.get_by_role("table", name="有问题的行").is_visible()
    assert page.get_by_role("button", name="导入 2 人").count() == 0
    phone.check("check result, bad rows")

    _upload(phone, xlsx([row("王芳", "13912340001"), row("李强", "13912340002", community="西门社区"),
                         row("张伟", "13912340003")]))
    assert page.get_by_role("table", name="预览").is_visible()
    assert page.locator("table tbody tr").count() == 3
    phone.check("check result, preview")
    page.get_by_role("button", name="导入 3 人").click()
    page.wait_for_url("**/jobs/*")
    page.locator("#done").wait_for(state="visible")
    assert "已完成：3 行" in page.locator("#status").inner_text()
    phone.check("import finished")
    phone.goto("/admin/people/?q=王芳")
    assert page.locator("tbody tr").count() == 1
    phone.done()
