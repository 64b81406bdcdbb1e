"""The key ceremony: shares dealt when voting opens and shown once, checksums that catch mistyping,
k shares open the ballots and fewer cannot, and the count then gives the right result."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.elections import ballot_crypto
from community.elections.sealed_models import BallotKey, KeyShare, SealedBallot
from community.elections.services import ballot_key, lifecycle, tally, voting
from community.elections.services.common import current_round
from community.errors import Conflict, DomainError, Invalid, NotFound
from tests.community.elections.conftest import make_voting, supervisor_shares
from tests.factories import grant, login, make_person, token_for


def _voted_and_closed(community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    for voter, chosen in zip(voters, [[a, b], [a, b], [a, c], [b], [c]], strict=True):
        voting.cast_ballot(voter, election, [x.id for x in chosen])
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at)
    return election, voters, (a, b, c)


def _mistype(share: str) -> str:
    """One character changed, as a tired hand would."""
    at = 5
    wrong = "7" if share[at] != "7" else "8"
    return share[:at] + wrong + share[at + 1:]


def test_voting_opens_with_a_key_split_among_the_supervisors(community):
    election, voters, _c = make_voting(community)  # seven committee members
    counter = make_person(community, name="计票员")
    key = db.session.scalars(select(BallotKey)).one()
    assert (key.round_no, key.holders, key.threshold) == (1, 7, 4)
    holders = db.session.scalars(select(KeyShare).order_by(KeyShare.number)).all()
    assert [h.number for h in holders] == list(range(1, 8)) and all(h.held and not h.shown_at for h in holders)
    grant(counter, "counter", "election", election.id)  # appointed later: holds no share of this round
    with pytest.raises(NotFound):
        ballot_key.reveal_share(counter, election)
    first = ballot_key.reveal_share(holders[0].holder, election)
    assert first["number"] == 1 and first["threshold"] == 4 and len(first["share"]) == 39
    with pytest.raises(Conflict) as again:  # shown once, then erased from the server
        ballot_key.reveal_share(holders[0].holder, election)
    assert again.value.code == "share_already_shown"
    assert db.session.get(KeyShare, holders[0].id).held is None


def test_a_share_is_shown_once_on_the_supervisors_page_and_api(client, community):
    election, voters, _c = make_voting(community)
    holder, other = db.session.scalars(select(KeyShare).order_by(KeyShare.number)).all()[:2]
    login(client, holder.holder)
    page = client.get(f"/elections/{election.id}/ballot-key/share")
    assert page.status_code == 200 and "只显示一次" in page.get_data(as_text=True)
    shown = client.post(f"/elections/{election.id}/ballot-key/share")
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store" and "<svg" in body
    share = db.session.scalar(select(KeyShare.held).where(KeyShare.id == holder.id))
    assert share is None
    assert client.post(f"/elections/{election.id}/ballot-key/share").status_code == 409
    headers = token_for(client, other.holder)
    url = f"/api/v1/elections/{election.id}/ballot-key/my-share"
    first = client.post(url, headers=headers)
    assert first.status_code == 201 and first.json["number"] == other.number
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "share_already_shown"
    outsider = client.post(url, headers=token_for(client, voters[0]))
    assert outsider.status_code == 404
    status = client.get(f"/api/v1/elections/{election.id}/ballot-key", headers=headers).json
    assert status["threshold"] == 4 and sum(h["shown"] for h in status["holders"]) == 2
    assert client.get(f"/api/v1/elections/{election.id}/ballot-key",
                      headers=token_for(client, voters[0])).status_code == 403


def test_a_mistyped_share_is_caught_by_its_checksum(community):
    election, _voters, _c = _voted_and_closed(community)
    shares = supervisor_shares(election)
    context = ballot_crypto.share_context(election.id, 1)
    # Case, spaces, dashes and the look-alikes O/I/L are forgiven: what was meant is read.
    relaxed = shares[0].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert ballot_crypto.decode_share(context, relaxed) == ballot_crypto.decode_share(context, shares[0])
    with pytest.raises(ballot_crypto.ShareError) as caught:
        ballot_crypto.decode_share(context, _mistype(shares[0]))
    assert caught.value.reason == "checksum"
    with pytest.raises(Invalid) as refused:
        ballot_key.open_ballots(election.test_admin, election, [_mistype(shares[0])] + shares[1:])
    assert list(refused.value.fields) == ["shares.0"]
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 5  # nothing was opened
    with pytest.raises(Invalid) as twice:
        ballot_key.open_ballots(election.test_admin, election, [shares[0], shares[0]] + shares[2:])
    assert list(twice.value.fields) == ["shares.1"]


def test_fewer_than_k_shares_cannot_open(community):
    election, _voters, _c = _voted_and_closed(community)
    key = db.session.scalars(select(BallotKey)).one()
    shares = supervisor_shares(election)
    assert len(shares) == key.threshold == 4
    with pytest.raises(Invalid) as refused:
        ballot_key.open_ballots(election.test_admin, election, shares[:-1])
    assert refused.value.fields == {"shares.3": "必填"} or "shares.3" in refused.value.fields
    # Underneath the rule: three valid shares combine to a wrong wrapping key, which opens nothing.
    context = ballot_crypto.share_context(election.id, 1)
    decoded = [ballot_crypto.decode_share(context, s) for s in shares]
    assert ballot_crypto.unwrap(key.wrapped_private_key, key.public_key, decoded[:-1]) is None
    assert ballot_crypto.unwrap(key.wrapped_private_key, key.public_key, decoded) is not None
    with pytest.raises(DomainError) as sealed:  # and the count waits for the ballots to be opened
        lifecycle.change_status(election.test_admin, election, "counted", now=election.voting_closes_at)
    assert sealed.value.code == "ballots_sealed"


def test_counting_with_k_shares_on_the_count_page_gives_the_right_result(client, community):
    election, _voters, (a, b, c) = _voted_and_closed(community)
    shares = supervisor_shares(election)
    supervisor = db.session.scalars(select(KeyShare).order_by(KeyShare.number)).first().holder
    login(client, supervisor)
    url = f"/elections/{election.id}/ballot-key/open"
    page = client.get(url)
    assert page.status_code == 200 and 'name="share_3"' in page.get_data(as_text=True)
    wrong = client.post(url, data={"share_0": _mistype(shares[0]), "share_1": shares[1], "share_2": shares[2],
                                   "share_3": shares[3]})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and 'id="share_0-error"' in text and "输入错误" in text
    opened = client.post(url, data={f"share_{n}": s for n, s in enumerate(shares)})
    assert opened.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    lifecycle.change_status(election.test_admin, election, "counted", now=election.voting_closes_at)
    round_ = current_round(election)
    assert {t.candidate_id: t.votes for t in round_.tallies} == {a.id: 3, b.id: 3, c.id: 2}
    assert round_.ballots_returned == 5 and tally.verify(election) == []
    assert len(voting.receipts(election)) == 5  # the board still holds every receipt


def test_the_api_opens_the_ballots_with_k_shares(client, community):
    election, _voters, (a, b, c) = _voted_and_closed(community)
    shares = supervisor_shares(election)
    headers = token_for(client, election.test_admin)
    url = f"/api/v1/elections/{election.id}/ballot-key/open"
    few = client.post(url, headers=headers, json={"shares": shares[:2]})
    assert few.status_code == 400 and few.json["error"]["fields"]
    bad = client.post(url, headers=headers, json={"shares": [_mistype(shares[0])] + shares[1:]})
    assert bad.status_code == 400 and "shares.0" in bad.json["error"]["fields"]
    done = client.post(url, headers=headers, json={"shares": shares})
    assert done.status_code == 200 and done.json["opened"] == 5 and done.json["receipt_mismatches"] == 0
    again = client.post(url, headers=headers, json={"shares": shares})
    assert again.status_code == 422 and again.json["error"]["code"] == "already_opened"
    outsider = client.post(url, headers=token_for(client, make_person(community)), json={"shares": shares})
    assert outsider.status_code == 403


def test_each_round_has_its_own_key_and_old_shares_do_not_open_it(community):
    from tests.community.elections.conftest import count

    election, voters, (a, b, c) = make_voting(community, seats=1, n_voters=5)
    for voter, chosen in zip(voters, [a, a, b, b, c], strict=True):
        voting.cast_ballot(voter, election, [chosen.id])
    count(election)
    assert current_round(election).next_plan["kind"] == "second"  # nobody has more than half
    first_round = supervisor_shares(election)
    lifecycle.change_status(election.test_admin, election, "voting",
                            data={"closes_at": election.voting_closes_at + timedelta(days=3)})
    assert db.session.scalar(select(func.count()).select_from(BallotKey)) == 2
    for voter, chosen in zip(voters, [a, a, a, b, b], strict=True):
        voting.cast_ballot(voter, election, [chosen.id])
    lifecycle.change_status(election.test_admin, election, "closed",
                            now=election.voting_closes_at + timedelta(days=4))
    with pytest.raises(Invalid) as refused:  # round 1's shares carry round 1 in their checksum
        ballot_key.open_ballots(election.test_admin, election, first_round)
    assert len(refused.value.fields) == 4
    count(election, election.voting_closes_at + timedelta(days=4))
    assert a.is_elected and tally.verify(election) == []


def test_voting_needs_two_supervisors_to_hold_the_key(community):
    from tests.community.elections.conftest import make_election, make_voters

    election = make_election(community, committee=1, committee_min=1, committee_max=9)
    voters = make_voters(election, community, 4)
    from community.elections.services import candidates as cands

    for v in voters[:3]:
        cands.add_candidate(election.test_admin, election, v)
    with pytest.raises(DomainError) as refused:
        lifecycle.change_status(election.test_admin, election, "voting")
    assert refused.value.code == "too_few_supervisors" and election.status == "draft"
    counter = make_person(community, name="计票员")
    grant(counter, "counter", "election", election.id)
    lifecycle.change_status(election.test_admin, election, "voting")
    assert db.session.scalars(select(BallotKey)).one().holders == 2


def test_the_key_status_costs_the_same_statements_for_seven_or_nine_supervisors(client, community):
    """The count page lists every share holder by name: one query for them all, not one per holder."""
    from tests.factories import count_statements

    counts = []
    for committee in (7, 9):
        election = make_voting(community, committee=committee)[0]
        login(client, election.test_admin)
        url = f"/elections/{election.id}/ballot-key/open"
        db.session.expire_all()  # as in a fresh request: nothing about the holders is loaded
        count, page = count_statements(client, url)
        assert "委员8" in page or committee == 7
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_a_round_counted_with_no_online_ballot_keeps_no_key_or_share(community):
    """Nobody voted online (all on paper, or nobody at all): the count needs no opening, and the wrapped key
    and the shares nobody looked at are erased then, as when ballots are opened; the round's verification
    stays clean."""
    election, _voters, _c = make_voting(community)
    first = db.session.scalars(select(KeyShare).order_by(KeyShare.number)).first()
    ballot_key.reveal_share(first.holder, election)  # one supervisor looked; six did not
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at)
    lifecycle.change_status(election.test_admin, election, "counted", now=election.voting_closes_at)
    db.session.expire_all()
    key = db.session.scalars(select(BallotKey)).one()
    assert key.wrapped_private_key is None
    assert db.session.scalar(select(func.count()).select_from(KeyShare).where(KeyShare.held.is_not(None))) == 0
    assert not any("sealed" in problem or "receipts" in problem for problem in tally.verify(election))
