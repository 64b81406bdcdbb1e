"""On a phone: a voter ticks candidates (the counter, a refused extra tick), checks the summary, goes back,
casts, refreshes the receipt page (nothing is cast again), and sees the receipt again on the election page and
marked on the receipts board (issue #9)."""
from __future__ import annotations

from sqlalchemy import func, select

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_voting
from tests.factories import PASSWORD


def _world(places) -> dict:
    """An election open for voting for 2 seats among 3 introduced candidates; 选民4 will vote."""
    from community.elections.services.introductions import update_introduction

    election, voters, candidates = make_voting(places["east"], seats=2, n_voters=5, n_candidates=3)
    election.status = "candidates_published"  # introductions are written before voting opens
    update_introduction(election.test_admin, election, candidates[0], {
        "occupation": "针织厂质检员", "statement": "为新居民办好积分入学。", "party": "mobile"})
    election.status = "voting"
    db.session.commit()
    world = {"election": election.id, "voter": voters[4].phone}
    db.session.remove()  # the test thread holds no transaction while the server writes
    return world


def _participations() -> int:
    from community.elections.models import Participation

    count = db.session.scalar(select(func.count()).select_from(Participation))
    db.session.remove()
    return count


def test_a_voter_ticks_confirms_casts_and_finds_the_receipt_again(places, live, chromium, tmp_path):
    world = _world(places)
    election_id = world["election"]
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
    assert page.get_by_role("button", name="复制回执").is_visible()
    phone.check("election page, receipt shown again")
    page.screenshot(path=tmp_path / "election.png", full_page=True)
    page.get_by_role("link", name="在公示栏中查找").click()
    page.wait_for_url(f"**/elections/{election_id}/receipts")
    mine = page.locator(".receipt-mine")
    assert mine.count() == 1 and receipt in mine.inner_text() and "这是您的回执" in mine.inner_text()
    phone.check("receipts board")
    page.screenshot(path=tmp_path / "board.png", full_page=True)
    phone.done()
