"""On phones: the sealed-ballot key ceremony from the supervisors' shares to the published results.

Two vote supervisors (committee members) each see their share once; voting closes; two counters type the
paper sheet; a supervisor types both shares on the count page (one mistyped first: its error shows beside its
field, with what was typed kept); the ballots open and the committee counts and publishes.
"""
from __future__ import annotations

from app import db
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import PASSWORD, grant, make_person


def _world(places) -> dict:
    """An election open for voting: supervisors 委员0 and 委员1 (committee) and counter 计票甲 hold the
    three shares (k = 2); 计票乙 is appointed after voting opened (no share). Six of the seven voters
    voted online and one took a paper ballot, so everyone on the roll has voted and the committee may close early."""
    from community.elections.services import candidates as cands
    from community.elections.services import lifecycle, paper, setup, voting

    community = places["east"]
    election = make_election(community, seats=2, committee=2, committee_min=2, committee_max=9)
    admin = election.test_admin
    first_counter = make_person(community, name="计票甲")
    setup.appoint(admin, election, first_counter, "counter")
    voters = make_voters(election, community, 7)
    candidates = [cands.add_candidate(admin, election, voter) for voter in voters[4:]]
    lifecycle.change_status(admin, election, "voting")
    second_counter = make_person(community, name="计票乙")
    grant(second_counter, "counter", "election", election.id)
    c0, c1, c2 = (c.id for c in candidates)
    for voter, chosen in zip(voters, [[c0, c1]] * 4 + [[c0, c2], [c2]], strict=False):
        voting.cast_ballot(voter, election, chosen)
    paper.issue_paper_ballot(admin, election, voters[6], "大厅")
    from sqlalchemy import select

    from community.people.models import Person
    from community.roles.models import RoleGrant

    committee = db.session.scalars(select(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == "election_committee", RoleGrant.scope_id == election.id).order_by(Person.name)).all()
    world = {"election": election.id, "candidates": [c.person.name for c in candidates],
             "supervisors": [p.phone for p in committee], "counters": [first_counter.phone, second_counter.phone]}
    db.session.remove()  # the test thread holds no transaction while the server writes
    return world


def _see_share(phone: Phone, election_id: int) -> str:
    page = phone.page
    phone.goto(f"/elections/{election_id}")
    page.get_by_role("link", name="查看您的份额").click()
    page.wait_for_url(f"**/elections/{election_id}/ballot-key/share")
    phone.check("share page, before")
    page.get_by_role("button", name="显示我的份额").click()
    share = page.locator("#share").inner_text().strip()
    assert len(share.replace("-", "")) == 32
    assert page.locator(".key-share-qr svg").is_visible()
    phone.check("share page, shown")
    phone.goto(f"/elections/{election_id}/ballot-key/share")  # a second look: shown once, not again
    assert page.locator("#share").count() == 0 and "不再保存" in page.content()
    assert page.get_by_role("button", name="显示我的份额").count() == 0
    return share


def _mistype(share: str) -> str:
    wrong = "B" if share[0] != "B" else "C"
    return wrong + share[1:]


def test_supervisors_open_the_sealed_ballots_and_the_committee_publishes(places, live, chromium):
    world = _world(places)
    election_id = world["election"]
    first, second = Phone(chromium, live), Phone(chromium, live)
    first.sign_in(world["supervisors"][0], PASSWORD)
    second.sign_in(world["supervisors"][1], PASSWORD)
    shares = [_see_share(first, election_id), _see_share(second, election_id)]
    second.done()

    page = first.page  # the first supervisor sits on the committee: closes voting
    first.goto(f"/elections/{election_id}/manage")
    first.check("manage page, voting")
    page.get_by_label("变更为").select_option("closed")
    page.get_by_role("button", name="执行").click()
    page.wait_for_url(f"**/elections/{election_id}/manage")
    assert page.get_by_role("link", name="开启密封选票").is_visible()

    for n, counter in enumerate(world["counters"]):  # each counter types the paper sheet on their phone
        phone = Phone(chromium, live)
        phone.sign_in(counter, PASSWORD)
        phone.goto(f"/elections/{election_id}/paper")
        if n == 0:
            phone.check("paper page")
        phone.page.get_by_label("选票编号").fill("1")
        for name in world["candidates"][:2]:
            phone.page.get_by_label(name, exact=True).check()
        phone.page.get_by_role("button", name="保存选票").click()
        assert phone.page.locator(".alert-success").is_visible()
        phone.done()

    page.get_by_role("link", name="开启密封选票").click()
    page.wait_for_url(f"**/elections/{election_id}/ballot-key/open")
    first.check("open page")
    mistyped = _mistype(shares[1])
    page.get_by_label("第 1 份", exact=True).fill(shares[0])
    page.get_by_label("第 2 份", exact=True).fill(mistyped)
    page.get_by_role("button", name="开启选票").click()
    field = page.get_by_label("第 2 份", exact=True)
    assert field.input_value() == mistyped  # what was typed is kept
    assert page.get_by_label("第 1 份", exact=True).input_value() == shares[0]
    error = page.locator("#share_1-error")
    assert error.is_visible() and "输入错误" in error.inner_text()
    assert field.get_attribute("aria-describedby") == "share_1-error"
    assert page.locator("#share_0-error").count() == 0
    first.check("open page, one share mistyped")
    field.fill(shares[1].lower().replace("-", " "))  # capitals, spaces and dashes do not matter
    page.get_by_role("button", name="开启选票").click()
    page.wait_for_url(f"**/elections/{election_id}/manage")
    assert "已开启 6 张密封选票" in page.locator(".alert-success").inner_text()

    for step in ("counted", "published"):
        page.get_by_label("变更为").select_option(step)
        page.get_by_role("button", name="执行").click()
        page.wait_for_url(f"**/elections/{election_id}/manage")
    first.goto(f"/elections/{election_id}/results")
    first.check("results page")
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    votes = {rows.nth(n).locator("td").nth(0).inner_text(): rows.nth(n).locator("td").nth(1).inner_text()
             for n in range(3)}
    assert votes == {world["candidates"][0]: "6", world["candidates"][1]: "5", world["candidates"][2]: "2"}
    first.done()
