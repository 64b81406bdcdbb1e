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


def _next_step(page, election_id: int, step: str) -> None:
    """The manage page's next step: choose it, 执行, then confirm it (the first submit only asks)."""
    page.get_by_label("变更为").select_option(step)
    page.get_by_role("button", name="执行").click()
    page.locator("#next-step-confirm button.btn-danger").click()
    page.wait_for_url(f"**/elections/{election_id}/manage?section=next-step#next-step")


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
    _next_step(page, election_id, "closed")
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
    page.wait_for_url(f"**/elections/{election_id}/manage**")
    assert "已开启 6 张密封选票" in page.locator(".alert-success").inner_text()

    for step in ("counted", "published"):
        _next_step(page, election_id, step)
    first.goto(f"/elections/{election_id}/results")
    first.check("results page")
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    votes = {rows.nth(n).locator("td").nth(0).inner_text(): rows.nth(n).locator("td").nth(1).inner_text()
             for n in range(3)}
    assert votes == {world["candidates"][0]: "6", world["candidates"][1]: "5", world["candidates"][2]: "2"}
    first.done()


def _published_with_recall(places) -> dict:
    """A published election (2 seats, 5 voters, committee 委员0 and 委员1 holding the keys) and a recall of the
    first representative proposed by a voter (one fifth of five is enough)."""
    from community.elections.models import Candidate
    from community.elections.services import candidates as cands
    from community.elections.services import lifecycle, recall, voting
    from tests.community.elections.conftest import count

    community = places["east"]
    election = make_election(community, seats=2, committee=2, committee_min=2)
    voters = make_voters(election, community, 5)
    candidates = [cands.add_candidate(election.test_admin, election, voter) for voter in voters[2:]]
    lifecycle.change_status(election.test_admin, election, "voting")
    for voter in voters:
        voting.cast_ballot(voter, election, [candidates[0].id, candidates[1].id])
    count(election)
    lifecycle.change_status(election.test_admin, election, "published")
    recall.propose_recall(voters[0], election, db.session.get(Candidate, candidates[0].id), "长期不参加议事")
    world = {"election": election.id, "voters": [v.phone for v in voters], "ids": [v.id for v in voters],
             "representative": candidates[0].person.name, "candidate": candidates[0].id,
             "supervisor": _committee_phones(election)[0]}
    db.session.remove()
    return world


def _committee_phones(election) -> list[str]:
    from sqlalchemy import select

    from community.people.models import Person
    from community.roles.models import RoleGrant

    return list(db.session.scalars(select(Person.phone).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == "election_committee", RoleGrant.scope_id == election.id).order_by(Person.name)))


def test_recall_voted_on_the_platform_is_opened_voted_and_counted(places, live, chromium):
    from datetime import timedelta

    from community.database import as_local, utcnow

    world = _published_with_recall(places)
    election_id = world["election"]
    committee = Phone(chromium, live)
    page = committee.page
    committee.sign_in(world["supervisor"], PASSWORD)
    committee.goto(f"/elections/{election_id}/results")
    committee.check("results page, recall proposed")
    closes = as_local(utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("或以无记名投票方式在平台表决，截止时间").fill(closes)
    page.get_by_role("button", name="开始表决").click()
    page.wait_for_url(f"**/elections/{election_id}/vote")
    assert "罢免表决已开始" in page.content()

    resident = Phone(chromium, live)
    resident.sign_in(world["voters"][1], PASSWORD)
    resident.goto(f"/elections/{election_id}")
    resident.page.get_by_role("link", name="立即投票").click()
    resident.page.wait_for_url(f"**/elections/{election_id}/vote")
    assert "罢免" in resident.page.locator(".alert-warning").inner_text()
    resident.check("recall ballot")
    resident.page.get_by_label(world["representative"]).check()  # marked: recall
    resident.page.get_by_role("button", name="下一步：核对我的选择").click()
    resident.page.get_by_role("button", name="确认投票").click()
    resident.page.wait_for_url(f"**/elections/{election_id}/receipt")
    assert len(resident.page.locator("#receipt").inner_text().strip()) == 12
    resident.done()

    from community.elections.models import Election
    from community.elections.services import voting
    from community.people.models import Person
    from tests.community.elections.conftest import supervisor_shares

    election = db.session.get(Election, election_id)
    for n in (0, 2, 3, 4):  # the others vote too: two more to recall, two blank (to keep)
        voting.cast_ballot(db.session.get(Person, world["ids"][n]), election, [world["candidate"]] if n < 3 else [])
    shares = supervisor_shares(election)  # the supervisors see their shares of the recall round's key
    db.session.remove()

    committee.goto(f"/elections/{election_id}/manage")
    _next_step(page, election_id, "closed")
    page.get_by_role("link", name="开启密封选票").click()
    page.get_by_label("第 1 份", exact=True).fill(shares[0])
    page.get_by_label("第 2 份", exact=True).fill(shares[1])
    page.get_by_role("button", name="开启选票").click()
    page.wait_for_url(f"**/elections/{election_id}/manage**")
    for step in ("counted", "published"):
        _next_step(page, election_id, step)
    committee.goto(f"/elections/{election_id}/results")
    assert page.locator(".list-group-item", has_text=world["representative"]).locator(".badge").inner_text() == "已罢免"
    committee.check("results page, recall counted")
    committee.done()
