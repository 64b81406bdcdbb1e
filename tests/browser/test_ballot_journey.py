"""On phones: a committee member writes a candidate's introduction; then a voter reads it, ticks candidates
(the counter, a refused extra tick), checks the summary, goes back, casts, refreshes the receipt page (nothing is
cast again), and sees the receipt again on the election page and marked on the receipts board (issue #9)."""
from __future__ import annotations

from sqlalchemy import func, select

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import PASSWORD


def _world(places) -> dict:
    """A draft election for 2 seats among 3 candidates, with a committee member (委员0); 选民4 will vote."""
    from sqlalchemy import select as select_

    from community.elections.services import candidates as cands
    from community.people.models import Person
    from community.roles.models import RoleGrant

    community = places["east"]
    election = make_election(community, seats=2, committee=2, committee_min=2, committee_max=9)
    voters = make_voters(election, community, 5, hometown="贵州毕节")
    candidates = [cands.add_candidate(election.test_admin, election, v) for v in voters[:3]]
    member = db.session.scalar(select_(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == "election_committee", RoleGrant.scope_id == election.id).order_by(Person.name))
    world = {"election": election.id, "admin": election.test_admin.id, "voter": voters[4].phone,
             "member": member.phone, "candidate": candidates[0].id}
    db.session.remove()  # the test thread holds no transaction while the server writes
    return world


def _open_voting(world: dict) -> None:
    from community.elections.models import Election
    from community.elections.services import lifecycle
    from community.people.models import Person

    lifecycle.change_status(db.session.get(Person, world["admin"]), db.session.get(Election, world["election"]),
                            "voting")
    db.session.remove()


def _committee_writes_the_introduction(phone: Phone, world: dict) -> None:
    page = phone.page
    phone.goto(f"/elections/{world['election']}/manage")
    page.locator(f"a[href$='/candidates/{world['candidate']}/introduction']").click()
    page.wait_for_url("**/introduction")
    assert "贵州毕节人" in page.content()  # hometown and age come from the record
    phone.check("introduction page")
    page.get_by_label("职业").fill("针织厂质检员")
    page.get_by_label("当选后打算做的事").fill("为新居民办好积分入学。")
    page.get_by_label("选票上显示的党员身份").select_option("mobile")
    page.get_by_role("button", name="保存介绍").click()
    page.wait_for_load_state("load")
    assert "的介绍已保存。" in page.content() and "流动党员" in page.locator("section").first.inner_text()
    phone.check("introduction page, saved")
    phone.done()


def _participations() -> int:
    from community.elections.models import Participation

    count = db.session.scalar(select(func.count()).select_from(Participation))
    db.session.remove()
    return count


def test_a_voter_ticks_confirms_casts_and_finds_the_receipt_again(places, live, chromium, tmp_path):
    world = _world(places)
    election_id = world["election"]
    committee = Phone(chromium, live)
    committee.sign_in(world["member"], PASSWORD)
    _committee_writes_the_introduction(committee, world)
    _open_voting(world)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["voter"], PASSWORD)
    phone.goto(f"/elections/{election_id}")
    phone.check("election page, before voting")
    page.get_by_role("link", name="立即投票").click()
    page.wait_for_url(f"**/elections/{election_id}/vote")
    count = page.locator("#ballot-count")
    assert count.get_attribute("aria-live") == "polite" and count.inner_text() == "已选 0/2"
    assert "针织厂质检员" in page.content() and "流动党员" in page.content()
    cards = page.locator("label.ballot-card")
    boxes = page.locator("input[name=candidate_id]")
    assert cards.count() == 3 and cards.nth(0).bounding_box()["height"] >= 44
    assert boxes.nth(0).bounding_box()["width"] >= 24  # a big box, not the 16 px one
    phone.check("ballot, nothing ticked")
    cards.nth(0).locator(".candidate-name").click()  # tapping the card, not the box
    cards.nth(1).click()
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked() and count.inner_text() == "已选 2/2"
    cards.nth(2).click()  # one more than the seats: refused at once, beside the list
    assert not boxes.nth(2).is_checked() and count.inner_text() == "已选 2/2"
    error = page.locator("#ballot-error")
    assert error.is_visible() and "最多只能选2人" in error.inner_text()
    phone.check("ballot, extra tick refused")
    page.screenshot(path=tmp_path / "ballot.png", full_page=True)
    page.get_by_role("button", name="下一步：核对我的选择").click()
    page.wait_for_url(f"**/elections/{election_id}/vote")
    summary = page.locator("#ballot-summary").inner_text()
    assert "您选择了：选民0、选民1。" in summary and "确认投票后不能更改。" in summary
    phone.check("summary")
    page.screenshot(path=tmp_path / "summary.png", full_page=True)
    page.get_by_role("button", name="返回修改").click()  # back: the ticks are kept
    page.wait_for_load_state("load")
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked() and count.inner_text() == "已选 2/2"
    page.get_by_role("button", name="下一步：核对我的选择").click()
    page.get_by_role("button", name="确认投票").click()
    page.wait_for_url(f"**/elections/{election_id}/receipt")
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 12
    phone.check("receipt page")
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)
    page.reload()  # a refresh is a GET: the same receipt, no second ballot, no error
    assert page.locator("#receipt").inner_text().strip() == receipt
    assert page.locator(".alert-danger").count() == 0 and _participations() == 1
    phone.goto(f"/elections/{election_id}")
    assert page.locator("#receipt").inner_text().strip() == receipt
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live)
    page.get_by_role("button", name="复制回执").click()  # the copy button answers, whatever the clipboard allows
    page.locator("#copy-status", has_text="已复制").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()").strip() == receipt
    phone.check("election page, receipt shown again")
    page.screenshot(path=tmp_path / "election.png", full_page=True)
    page.get_by_role("link", name="在公示栏中查找").click()
    page.wait_for_url(f"**/elections/{election_id}/receipts")
    mine = page.locator(".receipt-mine")
    assert mine.count() == 1 and receipt in mine.inner_text() and "这是您的回执" in mine.inner_text()
    phone.check("receipts board")
    page.screenshot(path=tmp_path / "board.png", full_page=True)
    phone.done()
