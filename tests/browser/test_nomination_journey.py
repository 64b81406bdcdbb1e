"""On a phone: a voter on the roll starts a joint nomination of a neighbour chosen by name (never by phone):
the suggestions list only voters on that roll; a name nobody on the roll has is refused beside the field with the
typed text kept; then the neighbour is chosen and nominated."""
from __future__ import annotations

from datetime import timedelta

from app import db
from community.database import utcnow
from tests.browser.phone import Phone
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import PASSWORD, make_person


def _world(places) -> dict:
    from community.elections.services import lifecycle

    community = places["east"]
    election = make_election(community, voting_opens_at=utcnow() + timedelta(days=10),
                             voting_closes_at=utcnow() + timedelta(days=11))
    voters = make_voters(election, community, 3)
    make_person(community, name="选民乙")  # a neighbour who is not on the roll
    lifecycle.change_status(election.test_admin, election, "nominating")
    world = {"election": election.id, "voter": voters[0].phone, "neighbour": voters[2].name}
    db.session.remove()  # the test thread holds no transaction while the server writes
    return world


def test_a_voter_nominates_a_neighbour_by_name_on_a_phone(places, live, chromium):
    world = _world(places)
    phone = Phone(chromium, live)
    page = phone.page
    phone.sign_in(world["voter"], PASSWORD)
    phone.goto(f"/elections/{world['election']}")
    phone.check("election page, nominations open")

    page.locator("#nominee").fill("选民")
    options = page.locator("#nominee-list [role=option]")
    options.first.wait_for()
    assert options.count() == 3 and "选民乙" not in page.locator("#nominee-list").inner_text()
    phone.check("election page, nominee suggestions open")

    page.locator("#nominee").fill("选民乙")  # typed, not chosen: not on the roll
    page.keyboard.press("Escape")
    page.get_by_role("button", name="提名", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator("#nominee").input_value() == "选民乙"
    assert page.locator("#nominee-error").is_visible()
    phone.check("election page, nomination refused")

    page.locator("#nominee").fill(world["neighbour"])
    page.get_by_role("option", name=world["neighbour"]).first.click()
    page.get_by_role("button", name="提名", exact=True).click()
    page.wait_for_url("**#nominate")
    assert f"已提名{world['neighbour']}" in page.content()
    phone.check("election page, nominated")
    phone.done()
