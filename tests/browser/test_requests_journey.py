"""On phones: Li Xiao raises a request about wages owed, with a photo taken on her phone, in under a minute;
her neighbour finds it on the board by a word inside its text and supports it; Zhao of the discussion group
accepts it with a note, and Li Xiao sees the step in its history."""
from __future__ import annotations

import io
import time

from PIL import Image

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _photo() -> bytes:
    image, out = Image.new("RGB", (640, 480), (30, 90, 160)), io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_resident_raises_a_request_with_a_photo_a_neighbour_supports_it_and_a_handler_accepts(places, live,
                                                                                                   chromium):
    li, neighbour = make_person(places["east"], name="李晓"), make_person(places["east"], name="王芳")
    zhao = make_person(places["east"], name="赵师傅")
    grant(zhao, "discussion_member", "community", places["east"].id)
    phones = {"li": li.phone, "neighbour": neighbour.phone, "zhao": zhao.phone}
    db.session.remove()

    # Li Xiao: from the board to the form, a chip for the category, two lines, a photo, submit.
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(phones["li"], PASSWORD)
    phone.goto("/requests/")
    phone.check("the board, empty")
    page.get_by_role("link", name="我要提").click()
    started = time.monotonic()
    phone.check("the submission form")
    page.get_by_text("欠薪讨薪", exact=True).click()
    page.get_by_label("一句话说明").fill("水产加工厂拖欠三个月工资")
    page.get_by_label("具体情况和希望怎么解决").fill("我们十几个人做了三个月，老板一直说资金周转不过来，工资一分没发。")
    page.get_by_label("照片（可选）").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/requests/*")
    assert time.monotonic() - started < 60
    assert "已提交并公示" in page.inner_text("main")
    assert page.locator("#photos img").count() == 1
    page.locator("#photos img").scroll_into_view_if_needed()  # loading="lazy": fetched once on screen
    page.wait_for_function("() => document.querySelector('#photos img').naturalWidth > 0")
    assert page.evaluate("() => document.querySelector('#photos img').naturalWidth") == 640
    phone.check("the item, just raised")
    item_url = page.url.split("?")[0].split("#")[0]
    phone.done()

    # The neighbour: a word from the middle of the text finds it; one tap supports it.
    other = Phone(chromium, live)
    other.sign_in(phones["neighbour"], PASSWORD)
    other.goto("/requests/")
    other.page.get_by_label("搜索").fill("周转")
    other.page.get_by_role("button", name="筛选").click()
    other.page.get_by_role("link", name="水产加工厂拖欠三个月工资").click()
    assert "李晓" in other.page.inner_text("#author")
    other.page.get_by_role("button", name="附议").click()
    other.page.wait_for_url("**#supports")
    assert "附议成功" in other.page.inner_text("#supports") and other.page.locator("#supported").count() == 1
    other.check("the item, supported")
    other.done()

    # Zhao of the discussion group accepts it with a note.
    handler = Phone(chromium, live)
    handler.sign_in(phones["zhao"], PASSWORD)
    handler.page.goto(item_url)
    handler.page.get_by_label("下一步").select_option(label="已受理")
    handler.page.get_by_label("说明（不予受理时请写明理由）").fill("已受理，列入本周四议事会")
    handler.check("the item, with the next step")
    handler.page.get_by_role("button", name="保存").click()
    handler.page.wait_for_url("**#follow-up")
    assert "已通知提出人和附议人" in handler.page.inner_text("#follow-up")
    assert handler.page.inner_text("#status") == "已受理"
    # He exports the board (the task queue makes the workbook; only he may download it).
    handler.goto("/requests/")
    handler.page.get_by_role("button", name="导出这些事项（.xlsx）").click()
    handler.page.wait_for_url("**/requests/exports/*")
    handler.check("the board's export, ready")
    with handler.page.expect_download() as download:
        handler.page.get_by_role("link", name="下载表格").click()
    assert download.value.suggested_filename == "议事清单.xlsx"
    handler.done()

    # Li Xiao sees the step in the history.
    back = Phone(chromium, live)
    back.sign_in(phones["li"], PASSWORD)
    back.page.goto(item_url)
    assert "已受理，列入本周四议事会" in back.page.inner_text("#history")
    back.check("the item, accepted")
    back.done()
