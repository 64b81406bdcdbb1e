"""The ballot pages of issue #9: confirm, cast, post/redirect/get, the receipt kept only in the voter's cookie,
ticks kept after a refusal, and the board marking one's own receipt."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app import db
from community.elections.models import Participation
from community.elections.sealed_models import BallotReceipt, SealedBallot
from community.elections.services import voting
from tests.community.elections.conftest import make_voting
from tests.factories import count_statements, login


def _ids(*candidates) -> list[str]:
    return [str(c.id) for c in candidates]


def _checked(html: str) -> set[str]:
    """The candidate ids ticked in a rendered ballot."""
    return set(re.findall(r'name="candidate_id" value="(\d+)" id="c\d+" checked', html))


def _cast(client, election, *candidates, follow: bool = False):
    return client.post(f"/elections/{election.id}/vote", data={"candidate_id": _ids(*candidates), "confirm": "1"},
                       follow_redirects=follow)


def test_the_summary_comes_before_casting_and_going_back_keeps_the_ticks(client, community):
    election, voters, candidates = make_voting(community, seats=2)
    login(client, voters[4])
    vote = f"/elections/{election.id}/vote"
    summary = client.post(vote, data={"candidate_id": _ids(candidates[0], candidates[1])})
    text = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "您选择了：选民0、选民1。" in text and "确认投票后不能更改。" in text
    assert "确认投票" in text and "返回修改" in text
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 0  # nothing cast yet
    back = client.post(vote, data={"candidate_id": _ids(candidates[0], candidates[1]), "change": "1"})
    assert back.status_code == 200 and _checked(back.get_data(as_text=True)) == set(_ids(candidates[0], candidates[1]))
    blank = client.post(vote, data={})
    assert blank.status_code == 200 and "空白票" in blank.get_data(as_text=True)


def test_casting_redirects_to_a_receipt_page_that_can_be_refreshed(client, community):
    election, voters, candidates = make_voting(community, seats=2)
    login(client, voters[4])
    cast = _cast(client, election, candidates[0])
    assert cast.status_code == 303 and cast.location.endswith(f"/elections/{election.id}/receipt")
    receipt = voting.receipts(election)[0]
    for _ in range(3):  # refreshing the receipt page is a GET: it casts nothing and shows the receipt each time
        page = client.get(f"/elections/{election.id}/receipt")
        assert page.status_code == 200 and receipt in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 1
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1


def test_a_second_cast_shows_one_clear_message(client, community):
    election, voters, candidates = make_voting(community, seats=2)
    login(client, voters[4])
    _cast(client, election, candidates[0])
    receipt = voting.receipts(election)[0]
    again = _cast(client, election, candidates[1], candidates[2], follow=True)
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and again.request.path == f"/elections/{election.id}/receipt"
    assert text.count("您已在本轮投票") == 1 and "只能投一票" not in text and "alert-danger" not in text
    assert receipt in text  # the receipt of the ballot that counts
    assert len(voting.receipts(election)) == 1


def test_a_refused_ballot_keeps_its_ticks_with_the_message_beside_the_list(client, community):
    election, voters, candidates = make_voting(community, seats=2, n_candidates=3)
    login(client, voters[4])
    for step in ({}, {"confirm": "1"}):  # refused at the summary step and at the cast
        page = client.post(f"/elections/{election.id}/vote", data={"candidate_id": _ids(*candidates), **step})
        text = page.get_data(as_text=True)
        assert page.status_code == 422 and _checked(text) == set(_ids(*candidates))
        assert re.search(r'id="ballot-error"[^>]*role="alert">[^<]*最多', text)
        assert "已选 3/2" in text
    assert voting.receipts(election) == []


def test_the_receipt_is_shown_again_on_the_election_page_and_marked_on_the_board(client, app, community):
    election, voters, candidates = make_voting(community, seats=2)
    login(client, voters[4])
    _cast(client, election, candidates[0])
    other = app.test_client()
    login(other, voters[3])
    _cast(other, election, candidates[1])
    mine = next(r for r in voting.receipts(election) if r in client.get(f"/elections/{election.id}/receipt")
                .get_data(as_text=True))
    detail = client.get(f"/elections/{election.id}").get_data(as_text=True)
    assert mine in detail and "复制回执" in detail and "投票时间：" in detail and "投票时间:" not in detail
    board = client.get(f"/elections/{election.id}/receipts").get_data(as_text=True)
    assert f'id="mine-{mine}"' in board and board.count("这是您的回执") == 1
    theirs = other.get(f"/elections/{election.id}/receipts").get_data(as_text=True)
    assert f'id="mine-{mine}"' not in theirs and theirs.count("这是您的回执") == 1  # only their own


def _rows_holding(text: str) -> set[str]:
    """Every table with a row holding `text` in any column, read as a database reader would."""
    found = set()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            if any(text in (value.decode("latin-1") if isinstance(value, bytes) else str(value))
                   for value in row if value is not None):
                found.add(table.name)
    return found


def _table_counts() -> dict:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_the_server_keeps_no_link_between_the_voter_and_the_receipt(client, app, community):
    election, voters, candidates = make_voting(community, seats=2)
    login(client, voters[4])
    client.get(f"/elections/{election.id}/vote")
    before = _table_counts()
    _cast(client, election, candidates[0])
    client.get(f"/elections/{election.id}/receipt")
    client.get(f"/elections/{election.id}")
    client.get(f"/elections/{election.id}/receipts")
    db.session.expire_all()
    receipt = voting.receipts(election)[0]
    # The receipt is on the board and nowhere else the server keeps (the sealed ciphertext hides its copy).
    assert _rows_holding(receipt) == {"ballot_receipt"}
    grown = {name for name, n in _table_counts().items() if n != before[name]}
    assert grown == {"participation", "sealed_ballot", "ballot_receipt"}
    assert not {c.name for c in BallotReceipt.__table__.columns} & {"voter_id", "person_id", "cast_at", "created_at"}
    # It is in the voter's own signed cookie, and only there.
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert session["ballot_receipts"] == {str(election.id): [[1, receipt, False]]}
    # Signing out takes it out of the cookie: on a shared phone the next person cannot decode it.
    client.post("/logout")
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    after = app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}
    assert "ballot_receipts" not in after and receipt not in str(after)


def test_the_ballot_shows_the_introductions(client, community):
    from community.elections.services.introductions import update_introduction

    election, voters, candidates = make_voting(community, seats=2)
    election.status = "candidates_published"  # introductions are written before voting opens
    voters[0].hometown = "贵州毕节"
    update_introduction(election.test_admin, election, candidates[0], {
        "occupation": "针织厂质检员", "statement": "为新居民办好积分入学。", "party": "mobile"})
    election.status = "voting"
    db.session.commit()
    login(client, voters[4])
    for path in (f"/elections/{election.id}/vote", f"/elections/{election.id}"):
        text = client.get(path).get_data(as_text=True)
        assert "针织厂质检员" in text and "为新居民办好积分入学。" in text and "流动党员" in text
        assert "贵州毕节人" in text and re.search(r"\d+岁", text)


def test_ballot_and_board_statement_counts_do_not_grow(client, community):
    small, voters, candidates = make_voting(community, seats=2, n_voters=4, n_candidates=3)
    voting.cast_ballot(voters[0], small, [candidates[0].id])
    big, voters_b, candidates_b = make_voting(community, seats=2, n_voters=12, n_candidates=10, term="2027")
    for voter in voters_b[:10]:
        voting.cast_ballot(voter, big, [candidates_b[0].id])
    db.session.commit()
    login(client, voters[3])  # any signed-in person may read both pages
    few_ballot, _ = count_statements(client, f"/elections/{small.id}/vote")
    few_board, _ = count_statements(client, f"/elections/{small.id}/receipts")
    many_ballot, ballot = count_statements(client, f"/elections/{big.id}/vote")
    many_board, board = count_statements(client, f"/elections/{big.id}/receipts")
    assert ballot.count('name="candidate_id"') == 10 and board.count('<li class="col">') == 10
    assert many_ballot <= few_ballot and many_board <= few_board
