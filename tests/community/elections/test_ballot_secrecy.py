"""What a database reader can learn: read every table with raw SQL (PostgreSQL's xmin and ctid too)
during voting and after the count, and show that no column, length or order tells how anyone voted."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from itertools import combinations

from sqlalchemy import func, inspect, select, text

from app import db
from community.elections.models import Ballot, BallotMark
from community.elections.sealed_models import BallotKey, SealedBallot
from community.elections.services import lifecycle, voting
from tests.community.elections.conftest import make_voting, open_ballots


def dump(backend: str) -> dict[str, list[dict]]:
    """Every row of every table, as a reader with SELECT on the whole database sees it."""
    system = "xmin::text AS _xmin, ctid::text AS _ctid, " if backend == "postgresql" else ""
    return {table: [dict(row) for row in db.session.execute(text(f'SELECT {system}* FROM "{table}"')).mappings()]
            for table in inspect(db.session.connection()).get_table_names()}


def _plain(row: dict) -> tuple:
    return tuple(sorted((k, repr(bytes(v) if isinstance(v, memoryview) else v)) for k, v in row.items()
                        if k not in ("_xmin", "_ctid")))


def new_rows(before: dict, after: dict) -> dict[str, list[dict]]:
    """Rows that appeared between two dumps, per table."""
    found = {}
    for table, rows in after.items():
        old = Counter(_plain(r) for r in before.get(table, []))
        fresh = []
        for row in rows:
            key = _plain(row)
            if old[key]:
                old[key] -= 1
            else:
                fresh.append(row)
        if fresh:
            found[table] = fresh
    return found


def shape(rows: dict[str, list[dict]], voter_id: int) -> list:
    """The new rows with the voter's id, sequence numbers, times and random values (keys, receipts,
    ciphertexts) replaced by what they are and how long they are."""
    out = []
    for table, items in rows.items():
        for row in items:
            cells = []
            for name, value in sorted(row.items()):
                if name in ("_xmin", "_ctid"):
                    continue
                if isinstance(value, memoryview):
                    value = bytes(value)
                if name == "id" and isinstance(value, int):
                    value = "SEQUENCE"
                elif name.endswith("_id") and value == voter_id:
                    value = "VOTER"
                elif isinstance(value, bytes):
                    value = ("bytes", len(value))
                elif isinstance(value, str) and len(value) >= 12:
                    value = ("random text", len(value))
                elif isinstance(value, (datetime, date)):
                    value = "TIME"
                cells.append((name, repr(value)))
            out.append((table, tuple(cells)))
    return sorted(out, key=repr)


def test_a_database_reader_during_voting_learns_nothing_of_the_choices(backend, community):
    """Three voters cast an abstention, a full ballot and one name. What each cast adds to the database,
    read in full with raw SQL, is the same whatever was chosen: who took part (public anyway), a receipt,
    and a sealed ballot of the round's fixed length. No plaintext ballot exists until the count."""
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    choices = [[], [a.id, b.id], [c.id]]
    shapes, links = [], []
    before = dump(backend)
    for voter, chosen in zip(voters, choices, strict=False):
        voting.cast_ballot(voter, election, chosen)
        after = dump(backend)
        added = new_rows(before, after)
        # The voter's own "last day to vote" reminder is cancelled in the same transaction: the same change
        # whatever was chosen, keeping its old updated_at (participation records no time, nor does it).
        reminders = added.pop("reminder", [])
        assert [(r["recipient_id"], r["occasion"], r["state"]) for r in reminders] == [
            (voter.id, "voting_closing:1", "cancelled")]
        earlier = {r["id"]: r["updated_at"] for r in before["reminder"]}
        assert all(r["updated_at"] == earlier[r["id"]] for r in reminders)
        assert set(added) == {"participation", "sealed_ballot", "ballot_receipt"}, set(added)
        shapes.append(shape(added, voter.id))
        if backend == "postgresql":
            # xmin ties the voter's participation to the rows written with it: a receipt that is public
            # anyway, and a ciphertext that only k supervisors together can open (see the threat model).
            xmins = {row["_xmin"] for rows in added.values() for row in rows}
            assert len(xmins) == 1
            links.append(bytes(added["sealed_ballot"][0]["sealed"]))
        before = after
    assert shapes[0] == shapes[1] == shapes[2]
    assert after["ballot"] == [] and after["ballot_mark"] == []
    sealed = [bytes(r["sealed"]) if isinstance(r["sealed"], memoryview) else r["sealed"]
              for r in after["sealed_ballot"]]
    assert len(sealed) == 3 and len({len(s) for s in sealed}) == 1
    for table, rows in after.items():  # no receipt or candidate id sits in clear inside a ciphertext
        for row in rows:
            for value in row.values():
                if isinstance(value, (bytes, memoryview)) and table == "sealed_ballot":
                    assert b'"c":' not in bytes(value)
    assert all(len(link) == len(sealed[0]) for link in links)


def test_after_the_count_no_key_or_order_leads_back_to_the_casting(backend, community):
    """Twelve ballots, each different, cast in a known order. Once opened, the plaintext ballots have new
    keys, and their storage order (PostgreSQL's ctid, SQLite's key order) is neither the order of casting
    nor the order of the sealed rows' keys; on PostgreSQL all were written by one transaction."""
    election, voters, candidates = make_voting(community, seats=3, n_voters=15, n_candidates=6)
    patterns = [sorted(c.id for c in combo) for combo in combinations(candidates, 3)][:12]
    sealed_ids = []
    for voter, chosen in zip(voters, patterns, strict=False):
        known = set(db.session.scalars(select(SealedBallot.id)))
        voting.cast_ballot(voter, election, chosen)
        (new_id,) = set(db.session.scalars(select(SealedBallot.id))) - known
        sealed_ids.append(new_id)
    by_sealed_key = [patterns[sealed_ids.index(k)] for k in sorted(sealed_ids)]
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at)
    open_ballots(election)
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    order = "ORDER BY ctid" if backend == "postgresql" else ""
    stored = db.session.execute(text(f"SELECT id FROM ballot {order}")).scalars().all()
    assert len(stored) == 12 and not set(stored) & set(sealed_ids)  # rewritten keys
    marks = {}
    for ballot_id, candidate_id in db.session.execute(select(BallotMark.ballot_id, BallotMark.candidate_id)):
        marks.setdefault(ballot_id, []).append(candidate_id)
    in_storage_order = [sorted(marks[i]) for i in stored]
    assert sorted(in_storage_order) == sorted(patterns)  # every ballot, exactly as cast
    assert in_storage_order != patterns  # not the order of casting (1 chance in 12! of a false alarm)
    assert in_storage_order != by_sealed_key  # nor the order of the sealed rows' keys
    if backend == "postgresql":
        xmins = db.session.execute(text("SELECT DISTINCT xmin::text FROM ballot")).scalars().all()
        assert len(xmins) == 1


def test_the_server_keeps_no_share_and_no_private_key_in_clear(backend, community):
    """Dealt shares are kept only encrypted (under the application's secret, which is not in the database)
    until shown once; the private key only wrapped; after opening, neither is kept at all."""
    from community.elections import ballot_crypto
    from tests.community.elections.conftest import supervisor_shares

    election, voters, candidates = make_voting(community, seats=2, n_voters=5)
    voting.cast_ballot(voters[0], election, [candidates[0].id])
    texts = supervisor_shares(election, 2)  # two supervisors look at their shares
    everything = repr(dump(backend))
    for typed in texts:
        number, share = ballot_crypto.decode_share(ballot_crypto.share_context(election.id, 1), typed)
        assert typed not in everything and typed.replace("-", "") not in everything
        assert share not in repr(dump(backend)).encode() and share.hex() not in everything
    key = db.session.scalars(select(BallotKey)).one()
    assert key.wrapped_private_key and len(key.public_key) == 32
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at)
    open_ballots(election)
    db.session.refresh(key)
    assert key.wrapped_private_key is None
    from community.elections.sealed_models import KeyShare

    assert db.session.scalar(select(func.count()).select_from(KeyShare).where(KeyShare.held.is_not(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_online_and_paper_ballots_are_stored_alike(backend, community):
    """One voter online, two on paper: once opened, the three ballots were written by one transaction in one
    random order, so storage does not single out the online voter's ballot."""
    from community.elections.services import paper
    from tests.factories import grant, make_person

    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    voting.cast_ballot(voters[0], election, [c.id])
    for voter in voters[1:3]:
        paper.issue_paper_ballot(election.test_admin, election, voter, "hall")
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at)
    for name in ("甲", "乙"):
        counter = make_person(community, name=name)
        grant(counter, "counter", "election", election.id)
        paper.enter_paper_ballot(counter, election, "hall", 1, [a.id])
        paper.enter_paper_ballot(counter, election, "hall", 2, [a.id, b.id])
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    open_ballots(election)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
    if backend == "postgresql":
        assert len(db.session.execute(text("SELECT DISTINCT xmin::text FROM ballot")).all()) == 1
        assert len(db.session.execute(text("SELECT DISTINCT xmin::text FROM ballot_mark")).all()) == 1
