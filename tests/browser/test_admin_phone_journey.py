"""Issue #9 on a phone: a community administrator grants a role by name on the roles page (the person picker),
sees it in the list's cards, then revokes it through the confirmation step; a platform administrator reads the
people list and the audit log as cards (titles on one line), filters the log by who did it (by name) and reads it
in words in Chinese and in English."""
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


def _audit_world(places) -> dict:
    """A platform administrator, a community administrator (王芳) who viewed a record and issued a one-time
    password, and a long-named resident to see whether a card's title wraps one character per line."""
    from community.accounts.services import reset_password
    from community.people.services import view_person

    community = places["east"]
    platform = make_admin()
    admin = make_admin("community_admin", ("community", community.id), community)
    admin.name = "王芳"
    person = make_person(community, name="欧阳娜娜")
    view_person(admin, person)  # audited as person.view
    reset_password(admin, person)  # account.password_reset
    db.session.commit()
    world = {"platform": platform.phone, "person": person.name}
    db.session.remove()
    return world


def _one_line(locator) -> bool:
    """The element's text sits on one line (a card's title not wrapped one character per line)."""
    return locator.evaluate("""(el) => {
      const tops = new Set(), texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let t = texts.nextNode(); t; t = texts.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(t);
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
      }
      return tops.size === 1; }""")


def test_the_audit_log_reads_in_words_on_a_phone_in_both_languages(places, live, chromium):
    from tests.factories import PASSWORD

    world = _audit_world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["platform"], PASSWORD)

    phone.goto("/admin/people/")  # the people list: one card per person, the name on one line
    card = page.locator("table.table-cards tbody tr").filter(has_text=world["person"])
    assert card.bounding_box()["width"] <= 390 and _one_line(card.locator("td").first)
    phone.check("people list")

    phone.goto("/admin/audit/")
    page.get_by_role("combobox", name="操作人").fill("王芳")
    page.locator("[role=option]", has_text="王芳").first.click()  # the picker: who did it, by name
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("load")
    rows = page.locator("table.table-cards tbody tr")
    text = page.locator("table.table-cards").inner_text()
    assert rows.count() >= 2 and "查看个人档案" in text and "签发一次性密码" in text
    assert "person.view" not in text and "account." not in text and "管理员" not in text  # only 王芳's rows
    first = rows.first
    assert first.bounding_box()["width"] <= 390 and _one_line(first.locator("td").first)
    assert first.locator("td[data-label]").count() == 5  # the other columns labelled inside the card
    phone.check("audit log, filtered by who did it")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    text = page.locator("table.table-cards").inner_text()
    assert "Person's record viewed" in text and "Issued a one-time password" in text
    assert "查看" not in text and "签发" not in text and "person.view" not in text
    phone.check("audit log in English")
    phone.done()
