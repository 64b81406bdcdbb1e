"""On a phone: 老赵, a mediator of 东门社区, opens a landlord-and-tenant case with its two parties (a party
missing its side is refused beside the field, what was typed kept), records two sessions, closes it as settled
after the confirmation step, and sees the settlement rate on the figures page with its table."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    zhao = make_person(places["east"], name="赵师傅")
    grant(zhao, "mediator", "community", places["east"].id)
    world = {"phone": zhao.phone}
    db.session.remove()
    return world


def test_a_mediator_records_a_case_to_settlement_on_a_phone(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["phone"], PASSWORD)
    phone.goto("/mediation/")
    phone.check("case list, empty")

    page.get_by_role("link", name="登记调解案件").click()
    page.get_by_label("纠纷类型").select_option("landlord_tenant")
    page.get_by_label("纠纷事由").fill("退租押金纠纷")
    page.locator("#party_0_name").fill("王房东")
    page.locator("#party_0_side").fill("房东")
    page.locator("#party_0_phone").fill("13900001111")
    page.locator("#party_1_name").fill("张租客")
    page.get_by_role("button", name="立案").click()
    assert page.locator("#party_1_side-error").inner_text() == "请填写此项。"
    assert page.locator("#party_0_name").input_value() == "王房东"
    phone.check("case form with an error")
    page.locator("#party_1_side").fill("租客")
    page.get_by_role("button", name="立案").click()
    page.wait_for_url("**/mediation/*")
    assert "王房东" in page.locator("#parties").inner_text()
    phone.check("case page")

    for place in ("东门社区调解室", "出租屋现场"):
        page.get_by_text("登记一次调解").click()
        page.get_by_label("地点").fill(place)
        page.get_by_label("记录").fill("双方各自陈述，约定再谈。")
        page.get_by_role("button", name="保存调解记录").click()
        page.wait_for_url("**#sessions")
    assert page.locator("#sessions li").count() == 2

    page.get_by_label("处理结果").select_option("settled")
    page.get_by_label("达成的协议").fill("房东退还押金1600元。")
    page.get_by_role("button", name="结案…").click()
    phone.check("confirm the outcome")
    page.get_by_role("button", name="确认结案").click()
    page.wait_for_url("**#case-outcome")
    assert "调解成功" in page.locator("#case-outcome").inner_text()
    phone.check("closed case")

    phone.goto("/discussions/figures/")
    assert "100.0%" in page.locator("#h-settlement").locator("..").inner_text()
    phone.check("figures page")
    phone.done()
