"""On a phone: a resident redeems points for a health check, the community administrator approves it, the
resident's balance falls; then she asks for her volunteer certificate, opens its PDF, and the verification page
its QR code links to confirms it."""
from __future__ import annotations

import re

from app import db
from tests.branches.pdf_text import pdf_text
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person
from tests.volunteers.uses_world import credit


def _world(places) -> dict:
    """李晓 of 东门社区 with 120 points and 18 hours; the community's administrator; a health check in stock."""
    from volunteers import redemptions as R

    resident = make_person(places["east"], name="李晓")
    admin = make_person(places["east"], name="林书记")
    grant(admin, "community_admin", "community", places["east"].id)
    street_admin = make_person(places["east"], name="郑主任")
    grant(street_admin, "street_admin", "street", places["street"].id)
    db.session.commit()
    credit(resident, 120, hours=18)
    R.create_item(street_admin, places["street"], {"name": "年度健康体检", "kind": "health_check", "points": 100,
                                                   "stock": 2})
    world = {"resident": resident.phone, "admin": admin.phone}
    db.session.commit()
    db.session.remove()
    return world


def test_resident_redeems_admin_approves_and_a_certificate_is_verified(places, live, chromium):
    world = _world(places)
    resident = Phone(chromium, live)
    page = resident.page
    resident.sign_in(world["resident"], PASSWORD)
    resident.goto("/volunteers/redeem")
    assert "您的积分余额：120。" in page.content()
    resident.check("catalogue")
    page.get_by_label("数量").fill("2")  # 200 points: beyond the balance, refused beside the field
    page.get_by_role("button", name="申请兑换 · 年度健康体检").click()
    assert "需要200积分，当前余额120积分。" in page.locator(".invalid-feedback").first.inner_text()
    assert page.get_by_label("数量").input_value() == "2"
    resident.check("catalogue with an error")
    page.get_by_label("数量").fill("1")
    page.get_by_role("button", name="申请兑换 · 年度健康体检").click()
    page.wait_for_url("**/volunteers/redeem?section=mine#mine")
    assert "已申请兑换年度健康体检" in page.content() and "待审批" in page.content()
    resident.check("my applications")

    admin = Phone(chromium, live)
    admin.sign_in(world["admin"], PASSWORD)
    admin.goto("/volunteers/approvals")
    assert "李晓 · 年度健康体检 × 1" in admin.page.content()
    admin.check("approvals waiting")
    admin.page.get_by_role("button", name="批准 · 李晓 年度健康体检").click()
    admin.page.wait_for_url("**/volunteers/approvals?section=redemptions#redemptions")
    assert "已批准李晓兑换年度健康体检，扣除100积分。" in admin.page.content()
    admin.check("approvals after approving")
    admin.done()

    resident.goto("/volunteers/redeem")
    assert "您的积分余额：20。" in page.content() and "已批准" in page.content()
    resident.goto("/volunteers/certificates/")
    resident.check("my certificates")
    page.get_by_role("button", name="申请开具志愿服务证明").click()
    page.wait_for_url("**/volunteers/certificates/?section=certificates#certificates")
    assert "已生成" in page.content()
    resident.check("my certificates, one issued")
    link = page.get_by_role("link", name=re.compile("打开或打印PDF")).first.get_attribute("href")
    pdf = page.request.get(resident.base + link)
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    assert "志愿服务证明" in text and "李晓" in text and "18小时" in text
    verify = re.search(r"/verify/[\w-]+", text).group(0)  # the link under the QR code
    page.get_by_role("link", name=re.compile("核验页面")).first.click()
    page.wait_for_url("**" + verify)
    assert "此证明真实有效" in page.content() and "李晓" in page.content()
    resident.check("verification page")
    resident.done()
