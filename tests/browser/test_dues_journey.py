"""On a phone: a branch secretary records a quarterly dues payment, sees who is in arrears, issues a transfer
letter and downloads its PDF."""
from __future__ import annotations

from datetime import date

from app import db
from community.database import utcnow
from tests.branches.pdf_text import pdf_text
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    """Branches 1 and 2 of the street; 王芳 and 李强 in branch 1 since January; its secretary."""
    from branches.models import Branch, BranchMember

    street = places["street"]
    first = Branch(street_id=street.id, name="爵溪第一流动党支部")
    second = Branch(street_id=street.id, name="爵溪第二流动党支部")
    db.session.add_all([first, second])
    db.session.flush()
    for name in ("王芳", "李强"):
        person = make_person(places["east"], name=name)
        db.session.add(BranchMember(branch_id=first.id, person_id=person.id, joined_branch_on=date(2026, 1, 1)))
    secretary = make_person(places["east"], name="支部书记")
    grant(secretary, "secretary", "branch", first.id)
    world = {"secretary": secretary.phone, "branch": first.id}
    db.session.commit()
    db.session.remove()
    return world


def test_secretary_records_a_quarter_sees_arrears_and_prints_a_letter(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["secretary"], PASSWORD)
    phone.goto("/admin/branches/dues")  # the menu's 党费: the secretary's branch
    phone.check("branches of the dues")
    page.get_by_role("link", name="党费 · 爵溪第一流动党支部").click()
    page.wait_for_url(f"**/admin/branches/{world['branch']}/dues")
    assert "李强" in page.content() and "王芳" in page.content()
    phone.check("dues list")
    page.get_by_label("按姓名查找党员").fill("王")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/dues?q=*")
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="登记交纳").click()
    page.wait_for_url("**/pay")
    phone.check("payment form")
    page.get_by_label("每月税后收入（元）").fill("-100")  # refused beside the field, what was typed kept
    page.get_by_text("一个季度（三个月）").click()
    page.get_by_role("button", name="登记交纳").click()
    assert page.locator(".invalid-feedback").first.inner_text() == "收入不能为负数。"
    assert page.get_by_label("每月税后收入（元）").input_value() == "-100"
    phone.check("payment form with an error")
    page.get_by_label("每月税后收入（元）").fill("4500")
    this_month = utcnow().date().replace(day=1)
    page.get_by_label("起始月份（YYYY-MM）").fill(this_month.strftime("%Y-%m"))
    page.get_by_text("一个季度（三个月）").click()
    page.get_by_role("button", name="登记交纳").click()
    page.wait_for_url("**/dues?q=*")
    assert "已登记：王芳交纳" in page.content() and "135.00" in page.content()
    phone.check("dues list after the payment")
    phone.goto(f"/admin/branches/{world['branch']}/dues")
    assert "名党员欠缴党费" in page.content() and "个月" in page.content()  # members in arrears, months owed
    owed = page.locator("tbody tr", has_text="李强").locator(".text-danger")
    assert owed.count() == 1 and "年" in owed.inner_text()  # the months 李强 owes, in red
    page.get_by_role("button", name="本月党费收缴明细（.xlsx）").click()  # made on the task queue
    page.wait_for_url("**/dues/jobs/*")
    page.get_by_role("link", name="下载表格").wait_for()
    phone.check("dues list export ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载表格").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    phone.goto(f"/admin/branches/{world['branch']}/dues")
    page.get_by_role("link", name="介绍信 · 王芳").click()
    page.wait_for_url("**/transfers/new?member=*")
    phone.check("transfer form")
    page.get_by_label("转往平台上的支部").select_option(label="爵溪第二流动党支部")
    page.get_by_role("button", name="开具介绍信").click()
    page.wait_for_url("**/transfers")
    assert "王芳" in page.content() and "已开具，待回执" in page.content()
    phone.check("transfer letters")
    link = page.get_by_role("link", name="打印（PDF）").first.get_attribute("href")
    response = page.request.get(phone.base + link)
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "王芳同志系正式党员" in text and "党费交至" in text and "爵溪第二流动党支部" in text
    phone.done()
