"""On a phone: a branch secretary and a street administrator open the branches list and the members."""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_admin, make_people, make_person


def _world(places) -> dict:
    """Two branches of the street with three members each; a secretary of the first branch."""
    from branches.models import Branch, BranchMember, HomeOrganisation

    street = places["street"]
    first, second = Branch(street_id=street.id, name="爵溪第一流动党支部"), Branch(street_id=street.id,
                                                                              name="爵溪第二流动党支部")
    home = HomeOrganisation(name="七星关区某村党支部", region="贵州省毕节市")
    db.session.add_all([first, second, home])
    db.session.flush()
    members = make_people(places["east"], 6, name="党员")
    db.session.add_all([BranchMember(branch_id=(first if n < 3 else second).id, person_id=p.id,
                                     home_organisation_id=home.id if n % 2 else None)
                        for n, p in enumerate(members)])
    secretary = make_person(places["east"], name="支部书记")
    grant(secretary, "secretary", "branch", first.id)
    admin = make_admin("street_admin", ("street", street.id), places["east"])
    world = {"secretary": secretary.phone, "admin": admin.phone}
    db.session.remove()
    return world


def _open_lists(phone: Phone, branches: int, members: int) -> None:
    page = phone.page
    phone.goto("/admin/branches/")
    assert page.locator("tbody tr").count() == branches
    phone.check("branches list")
    page.get_by_role("link", name="党员", exact=True).last.click()
    page.wait_for_url("**/admin/branches/members")
    assert page.locator("tbody tr").count() == members
    phone.check("members list")
    page.get_by_role("link", name="流动党支部").click()
    page.wait_for_url("**/admin/branches/")


def test_secretary_and_street_admin_open_branches_and_members(places, live, chromium):
    world = _world(places)
    secretary = Phone(chromium, live)
    secretary.sign_in(world["secretary"], PASSWORD)
    _open_lists(secretary, branches=1, members=3)
    assert "爵溪第二流动党支部" not in secretary.page.content()
    secretary.done()
    admin = Phone(chromium, live)
    admin.sign_in(world["admin"], PASSWORD)
    _open_lists(admin, branches=2, members=6)
    admin.done()
