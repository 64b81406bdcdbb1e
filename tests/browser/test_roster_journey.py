"""On a phone: Secretary Wang adds a member with a mobile-member card (by name, with the person picker),
accepts a request to join, and exports the roster."""
from __future__ import annotations

import time

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_people, make_person


def _world(places) -> dict:
    from branches.models import Branch, HomeOrganisation, JoinRequest

    street = places["street"]
    branch = Branch(street_id=street.id, name="贵州流动党支部", kind="mobile")
    home = HomeOrganisation(name="鸭溪镇党委", region="贵州省遵义市")
    db.session.add_all([branch, home])
    db.session.flush()
    wang = make_person(places["east"], name="王书记")
    grant(wang, "secretary", "branch", branch.id)
    newcomer, asking = make_people(places["east"], 2, "杨")
    db.session.add(JoinRequest(branch_id=branch.id, person_id=asking.id, card_number="流字778",
                               home_organisation_id=home.id))
    db.session.commit()
    world = {"wang": wang.phone, "branch": branch.id, "newcomer": newcomer.name, "asking": asking.name,
             "home": home.id}
    db.session.remove()
    return world


def test_secretary_wang_adds_a_card_member_accepts_a_request_and_exports(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    phone.sign_in(world["wang"], PASSWORD)
    started = time.monotonic()
    phone.goto(f"/admin/branches/{world['branch']}")
    page = phone.page
    phone.check("branch page")
    page.get_by_role("combobox", name="党员").fill(world["newcomer"][:1])
    page.get_by_role("option", name=world["newcomer"]).first.click()
    page.get_by_label("流动党员活动证", exact=True).check()
    page.get_by_label("活动证编号").fill("流字556")
    page.locator("#home_organisation_id").select_option(str(world["home"]))
    page.get_by_role("button", name="列入名册").click()
    page.wait_for_load_state()
    assert f"{world['newcomer']}已列入党员名册" in page.content()
    assert time.monotonic() - started < 60  # in a minute
    page.get_by_role("button", name="接收", exact=True).click()
    page.wait_for_load_state()
    assert "已列入党员名册，并已通知本人" in page.content()
    assert "流动党员活动证流字778" in page.content()
    phone.check("roster with two members")
    page.get_by_role("button", name="导出名册（.xlsx）").click()
    page.wait_for_load_state()
    download = page.get_by_role("link", name="下载")
    download.wait_for()
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename.endswith(".xlsx")
    phone.done()
