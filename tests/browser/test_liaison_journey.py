"""On a phone: Liaison Zhang of a town committee in Zunyi signs in, sees only her town's members in Juexi with
their dues and an amber flag for the one not heard from in five months, makes the monthly report and downloads
it; then a street administrator opens the street's dashboard (tables with charts beside them)."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import utcnow
from tests.browser.phone import Phone
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    """Two branches of the street; her town's members 张琴 (silent 160 days, dues paid) and 李明 in them, and
    王强 of another town; Liaison Zhang; a street administrator."""
    from branches import dues as D
    from branches.models import Branch, BranchHomeOrganisation, BranchMember, HomeOrganisation

    b1 = Branch(street_id=places["street"].id, name="贵州流动党支部")
    b2 = Branch(street_id=places["street"].id, name="爵溪联合党支部")
    ours, theirs = (HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市"),
                    HomeOrganisation(name="阜阳市王店镇党委", region="安徽省阜阳市"))
    db.session.add_all([b1, b2, ours, theirs])
    db.session.flush()
    db.session.add_all([BranchHomeOrganisation(branch_id=b1.id, home_organisation_id=ours.id),
                        BranchHomeOrganisation(branch_id=b2.id, home_organisation_id=theirs.id)])
    today = utcnow().date()
    members = {}
    for name, branch, organisation, silent in (("张琴", b1, ours, 160), ("李明", b2, ours, 10),
                                               ("王强", b1, theirs, 10)):
        person = make_person(places["east"], name=name)
        members[name] = BranchMember(branch_id=branch.id, person_id=person.id, home_organisation_id=organisation.id,
                                     last_contact_on=today - timedelta(days=silent))
        db.session.add(members[name])
    db.session.commit()
    zhang, secretary, admin = (make_person(places["east"], name=n) for n in ("张联络员", "王书记", "街道管理员"))
    grant(zhang, "liaison", "home_organisation", ours.id)
    grant(secretary, "secretary", "branch", b1.id)
    grant(admin, "street_admin", "street", places["street"].id)
    D.record_payment(secretary, members["张琴"], category="employed", monthly_income="4500",
                     first_month=D.month_start(today).strftime("%Y-%m"))
    world = {"zhang": zhang.phone, "admin": admin.phone, "organisation": ours.id, "street": places["street"].id,
             "month": f"{today.year}年{today.month:02d}月"}
    db.session.remove()
    return world


def test_liaison_zhang_follows_her_members_and_downloads_the_report(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["zhang"], PASSWORD)
    page.get_by_role("link", name="我的在外党员").first.click()
    page.wait_for_url(f"**/liaison/{world['organisation']}/")
    members = page.get_by_role("list", name="党员")
    assert members.get_by_role("heading").count() == 2
    assert "王强" not in page.content()
    zhang = members.locator("li", has_text="张琴")
    assert zhang.locator(".text-bg-warning").inner_text() == "5个月未联系"
    assert world["month"] in zhang.inner_text() and "贵州流动党支部" in zhang.inner_text()
    assert members.locator("li", has_text="李明").locator(".text-bg-warning").count() == 0
    phone.check("liaison's members")

    page.get_by_role("button", name="生成月报").click()
    page.wait_for_url("**/liaison/reports/*")
    page.get_by_role("link", name="下载表格").wait_for()
    phone.check("report ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载表格").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    phone.done()

    director = Phone(chromium, live)
    director.sign_in(world["admin"], PASSWORD)
    director.goto(f"/admin/branches/streets/{world['street']}/dashboard")
    director.page.locator("[data-chart=status] svg").wait_for()  # ECharts drew it from the data island
    assert director.page.get_by_role("table", name="按党员身份").inner_text().count("正式党员") == 1
    director.check("street dashboard")
    director.done()
