"""The receipts board a page at a time (issue #13): a city election's 100,000 receipts are never sent at once,
the pages together hold every receipt once, in the board's order, and one's own receipt is shown first on
every page, whichever page holds it."""
from __future__ import annotations

import re

import pytest

from community.elections.services import voting
from tests.community.api_support import error_of
from tests.community.elections.conftest import make_voting
from tests.factories import login, token_for


@pytest.fixture
def board(app, client, community, monkeypatch):
    """Seven ballots cast; the board three receipts a page; (election, every receipt, the last voter's)."""
    import community.elections.ballot_views as ballot_views

    monkeypatch.setattr(ballot_views, "RECEIPTS_PER_PAGE", 3)
    election, voters, candidates = make_voting(community, seats=2, n_voters=7)
    for voter in voters[:6]:
        voting.cast_ballot(voter, election, [candidates[0].id])
    login(client, voters[6])
    client.post(f"/elections/{election.id}/vote", data={"candidate_id": [str(candidates[1].id)], "confirm": "1"})
    every = voting.receipts(election)
    mine = next(r for r in every if r in client.get(f"/elections/{election.id}/receipt").get_data(as_text=True))
    return election, every, mine, voters


def _shown(html: str) -> list[str]:
    grid = html.split('receipts-board">')[1].split("</ul>")[0]
    return re.findall(r"[A-Z0-9]{12}", grid)


def test_the_board_pages_hold_every_receipt_once_and_mine_first_on_each(client, board):
    election, every, mine, _voters = board
    url, seen, pages = f"/elections/{election.id}/receipts", [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        shown = _shown(html)
        assert len(shown) <= 3 and f'id="mine-{mine}"' in html  # one's own receipt heads every page
        seen += shown
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found and "disabled" not in html.split('rel="next"')[0][-60:] \
            else None
    assert pages == 3 and seen == sorted(every) and len(set(seen)) == 7


def test_the_api_walks_the_board_by_cursor(client, board):
    election, every, _mine, voters = board
    headers = token_for(client, voters[0])
    seen, cursor = [], None
    while True:
        body = client.get(f"/api/v1/elections/{election.id}/receipts", headers=headers,
                          query_string={"per_page": 2, **({"cursor": cursor} if cursor else {})}).json
        seen += body["items"]
        assert body["total"] == 7 and body["total_exact"] is True and len(body["items"]) <= 2
        cursor = body["next"]
        if not cursor:
            break
    assert seen == sorted(every)
    error_of(client.get(f"/api/v1/elections/{election.id}/receipts", headers=headers,
                        query_string={"cursor": "not-a-cursor"}), 400, "bad_cursor")
    too_many = client.get(f"/api/v1/elections/{election.id}/receipts", headers=headers, query_string={"per_page": 101})
    assert too_many.status_code == 400 and "per_page" in too_many.json["error"]["fields"]
