"""Issue #9 on a phone: a community administrator grants a role by name on the roles page (the person picker),
sees it in the list's cards, then revokes it through the confirmation step; the audit log reads in words."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import make_admin, make_person


def _world(places) -> dict:
    community = places["east"]
    admin = make_admin("community_admin", ("community", community.id), community)
    person = make_person(community, name="王芳")
    world = {"admin": admin.phone, "person": person.id}
    db.session.commit()
    db.session.remove()
    return world


def test_grant_by_name_then_revoke_with_confirmation(places, live, chromium):
    from tests.factories import PASSWORD

    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["admin"], PASSWORD)
    phone.goto("/admin/roles/")
    phone.check("roles page")
    page.get_by_role("combobox", name="人员").fill("王")
    page.locator("[role=option]").first.click()  # the picker's suggestion: name, community, masked phone, age
    page.locator("#grant-role").select_option("discussion_member")
    page.get_by_role("button", name="授予角色").click()
    page.wait_for_url(live + "/admin/roles/")
    assert "王芳现在是东门社区的议事团成员。" in page.locator("[role=status]").inner_text()
    card = page.locator("table.table-cards tbody tr").filter(has_text="王芳")
    assert card.is_visible() and card.bounding_box()["width"] <= 390  # one card per row, inside the screen
    phone.check("roles page, role granted")

    phone.goto(f"/admin/people/{world['person']}")
    page.get_by_role("button", name="撤销议事团成员").click()
    page.wait_for_load_state()
    assert "王芳将不再是东门社区的议事团成员" in page.content() and "此操作无法撤销" in page.content()
    phone.check("revoke confirmation")
    page.get_by_role("button", name="确认撤销角色").click()
    page.wait_for_url(live + f"/admin/people/{world['person']}")
    assert "王芳已不再是东门社区的议事团成员。" in page.locator("[role=status]").inner_text()
    assert page.get_by_role("button", name="撤销议事团成员").count() == 0
    phone.check("person page, role revoked")
    phone.done()
