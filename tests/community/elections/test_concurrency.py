"""Simultaneous ballots: the database, not a check in the code, keeps one ballot per voter."""
import threading
from datetime import date

from sqlalchemy import func, insert, select

from app import db
from community.accounts.services import issue_token
from community.elections.models import Participation, VoterRecord
from community.elections.sealed_models import BallotReceipt, SealedBallot
from community.people.models import Person
from tests.community.elections.conftest import make_voting


def _fire(app, requests):
    """Run (headers, json) posts at once, each thread with its own app context and test client."""
    db.session.close()  # on SQLite every transaction holds the write lock: let the threads have it
    barrier = threading.Barrier(len(requests))
    statuses = []
    lock = threading.Lock()

    def worker(url, headers, body):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            status = client.post(url, headers=headers, json=body).status_code
            db.session.remove()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=worker, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_simultaneous_ballots_by_one_voter_leave_one(app, backend, community):
    election, voters, candidates = make_voting(community)
    token, _row = issue_token(voters[0])
    db.session.commit()
    n = 50 if backend == "postgresql" else 12
    url = f"/api/v1/elections/{election.id}/ballots"
    headers = {"Authorization": f"Bearer {token}"}
    statuses = _fire(app, [(url, headers, {"candidate_ids": [candidates[0].id]})] * n)
    assert sorted(set(statuses)) == [201, 409], statuses
    assert statuses.count(201) == 1
    db.session.expire_all()
    assert _count(SealedBallot) == 1 and _count(Participation) == 1 and _count(BallotReceipt) == 1


def test_many_voters_at_once_all_counted_once(app, backend, community):
    election, _voters, candidates = make_voting(community, n_voters=3)
    n = 200 if backend == "postgresql" else 25
    people = db.session.scalars(insert(Person).returning(Person), [
        {"name": f"同时{i}", "phone": f"1590000{i:04d}", "hukou_place": "浙江省宁波市象山县",
         "community_id": community.id, "born_on": date(1980, 1, 1), "gender": "M", "is_migrant": False,
         "has_political_rights": True, "is_active_account": True} for i in range(n)]).all()
    db.session.execute(insert(VoterRecord), [{"election_id": election.id, "person_id": p.id, "term": election.term,
                                              "status": "registered"} for p in people])
    tokens = [issue_token(p)[0] for p in people]
    db.session.commit()
    url = f"/api/v1/elections/{election.id}/ballots"
    statuses = _fire(app, [(url, {"Authorization": f"Bearer {t}"}, {"candidate_ids": [candidates[i % 3].id]})
                           for i, t in enumerate(tokens)])
    assert statuses.count(201) == n, [s for s in statuses if s != 201][:5]
    db.session.expire_all()
    assert _count(SealedBallot) == n and _count(Participation) == n and _count(BallotReceipt) == n


def test_simultaneous_appointments_never_overfill_the_committee(app, backend, community):
    """Seven members, at most nine: of five appointments at once, exactly two succeed."""
    from community.elections.services import setup
    from tests.community.elections.conftest import make_election
    from tests.factories import make_person

    election = make_election(community)
    admin = election.test_admin
    token, _row = issue_token(admin)
    people = [make_person(community, name=f"候补{i}") for i in range(5)]
    db.session.commit()
    url = f"/api/v1/elections/{election.id}/officials"
    headers = {"Authorization": f"Bearer {token}"}
    statuses = _fire(app, [(url, headers, {"person_id": p.id, "role": "election_committee"}) for p in people])
    assert statuses.count(201) == 2, statuses
    db.session.expire_all()
    assert len(setup.officials(election, "election_committee")) == 9


def test_simultaneous_count_pages_open_the_ballots_once(app, backend, community):
    """Two devices submit k shares at the same moment: one opens the ballots, the other is told they are open."""
    from datetime import timedelta

    from community.elections.models import Ballot
    from community.elections.sealed_models import BallotKey
    from community.elections.services import lifecycle, voting
    from tests.community.elections.conftest import supervisor_shares

    election, voters, candidates = make_voting(community)
    for voter in voters:
        voting.cast_ballot(voter, election, [candidates[0].id])
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at + timedelta(1))
    shares = supervisor_shares(election)
    token, _row = issue_token(election.test_admin)
    db.session.commit()
    url = f"/api/v1/elections/{election.id}/ballot-key/open"
    n = 6 if backend == "postgresql" else 3
    statuses = _fire(app, [(url, {"Authorization": f"Bearer {token}"}, {"shares": shares})] * n)
    assert sorted(statuses) == [200] + [422] * (n - 1), statuses
    db.session.expire_all()
    assert _count(Ballot) == 5 and _count(SealedBallot) == 0
    assert db.session.scalars(select(BallotKey.opened_count)).one() == 5


def test_a_share_asked_for_twice_at_once_is_shown_once(app, backend, community):
    from community.elections.sealed_models import KeyShare

    election, _voters, _c = make_voting(community)
    holder = db.session.scalars(select(KeyShare).order_by(KeyShare.number)).first().holder
    token, _row = issue_token(holder)
    db.session.commit()
    url = f"/api/v1/elections/{election.id}/ballot-key/my-share"
    statuses = _fire(app, [(url, {"Authorization": f"Bearer {token}"}, None)] * (8 if backend == "postgresql" else 3))
    assert sorted(statuses) == [201] + [409] * (len(statuses) - 1), statuses


def test_a_paper_sheet_typed_while_the_ballots_are_opened_is_refused_not_lost(app, backend, community):
    """A counter types a sheet while the supervisors open the round: the sheet either goes in with the opened
    ballots or is refused (the round is open); it is never stored beside an opened round, where no count
    would ever read it. The opening holds the election's lock while the counter's request arrives."""
    import time
    from datetime import timedelta

    from community.database import unit_of_work
    from community.elections.models import Election, PaperEntry
    from community.elections.services import ballot_key, lifecycle, paper, voting
    from community.elections.services.common import lock_election
    from community.errors import DomainError
    from tests.community.elections.conftest import supervisor_shares
    from tests.factories import grant, make_person

    election, voters, candidates = make_voting(community)
    voting.cast_ballot(voters[0], election, [candidates[0].id])
    counter = make_person(community, name="计票员")
    grant(counter, "counter", "election", election.id)
    lifecycle.change_status(election.test_admin, election, "closed", now=election.voting_closes_at + timedelta(1))
    shares = supervisor_shares(election)
    ids = {"election": election.id, "admin": election.test_admin.id, "counter": counter.id,
           "candidate": candidates[0].id}
    db.session.commit()
    db.session.close()
    barrier, outcome = threading.Barrier(2), {}

    def opener():
        with app.app_context():
            admin = db.session.get(Person, ids["admin"])
            db.session.commit()  # nothing held before the barrier (SQLite: no write lock)
            barrier.wait()
            with unit_of_work():
                target = db.session.get(Election, ids["election"])
                lock_election(target)
                time.sleep(0.6)  # the counter's request arrives meanwhile
                ballot_key.open_ballots(admin, target, shares)
            db.session.remove()

    def typist():
        with app.app_context():
            who = db.session.get(Person, ids["counter"])
            db.session.commit()
            barrier.wait()
            time.sleep(0.2)  # after the opener holds the lock
            try:
                paper.enter_paper_ballot(who, db.session.get(Election, ids["election"]), "A", 1,
                                         [ids["candidate"]])
                outcome["typist"] = "entered"
            except DomainError as error:
                outcome["typist"] = error.code
            db.session.remove()

    threads = [threading.Thread(target=opener), threading.Thread(target=typist)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert ballot_key.is_opened(db.session.get(Election, ids["election"]), 1)
    assert outcome["typist"] == "already_opened", outcome
    assert _count(PaperEntry) == 0
