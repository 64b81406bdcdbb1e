"""Issue #15: election rules that stay true when the timetable or the roll changes."""
from datetime import datetime, time, timedelta

from app import db
from community.database import LOCAL_ZONE, as_local, utcnow
from community.elections.models import Election
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, paper, roll, voting
from tests.community.api_support import person_body
from tests.community.elections.conftest import count, make_election, make_voters
from tests.factories import login, make_admin, make_person, token_for

MIGRANT = "贵州省毕节市"


def _tomorrow_nine():
    day = as_local(utcnow()).date() + timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=LOCAL_ZONE)


def _draft_voting_tomorrow(client, community):
    """An election voting tomorrow at 09:00 (draft), its URL and the administrator's headers."""
    opens = _tomorrow_nine()
    election = make_election(community, voting_opens_at=opens, voting_closes_at=opens + timedelta(days=2))
    return election, f"/api/v1/elections/{election.id}", token_for(client, election.test_admin)


def _open_now(client, url, headers, election, community):
    now = utcnow()
    return client.patch(url, headers=headers, json={"voting_opens_at": (now - timedelta(minutes=1)).isoformat(),
                                                    "voting_closes_at": (now + timedelta(days=1)).isoformat()})


def test_moving_voting_day_is_refused_while_it_makes_a_registered_voter_too_young(client, community):
    election, url, headers = _draft_voting_tomorrow(client, community)
    tomorrow = _tomorrow_nine().date()
    young = make_person(community, name="明天成年", born_on=tomorrow.replace(year=tomorrow.year - 18))
    assert client.post(url + "/voters", headers=headers, json={"person_id": young.id}).status_code == 201
    moved = _open_now(client, url, headers, election, community)
    assert moved.status_code == 422, moved.json
    assert moved.json["error"]["code"] == "roll_ineligible"
    assert "明天成年" in moved.json["error"]["message"]
    db.session.expire_all()
    assert election.voting_day == tomorrow  # nothing changed


def test_moving_voting_day_rechecks_a_migrants_year_of_residence(client, community):
    election, url, headers = _draft_voting_tomorrow(client, community)
    tomorrow = _tomorrow_nine().date()
    migrant = make_person(community, name="新居民", hukou_place=MIGRANT,
                          living_since_on=tomorrow.replace(year=tomorrow.year - 1))
    assert client.post(url + "/voters", headers=headers,
                       json={"person_id": migrant.id, "promise_signed": True}).status_code == 201
    moved = _open_now(client, url, headers, election, community)
    assert moved.status_code == 422 and moved.json["error"]["code"] == "roll_ineligible"
    assert "新居民" in moved.json["error"]["message"]


def test_a_ballot_is_refused_when_the_voter_is_not_eligible_on_the_actual_voting_day(community):
    """The roll line was written when the person qualified; by voting day the record says otherwise."""
    election = make_election(community, seats=1)
    voters = make_voters(election, community, 3)
    for voter in voters[:2]:
        cands.add_candidate(election.test_admin, election, voter)
    lifecycle.change_status(election.test_admin, election, "voting")
    day = election.voting_day
    late = voters[2]
    late.born_on = (day + timedelta(days=1)).replace(year=day.year - 18)  # corrected birth date: 17 today
    db.session.commit()
    try:
        voting.cast_ballot(late, election, [1])
    except Exception as error:  # noqa: BLE001
        assert getattr(error, "code", None) == "too_young", error
    else:
        raise AssertionError("a 17-year-old voted")
    assert not voting.has_voted(election, late.id)
    try:
        paper.issue_paper_ballot(election.test_admin, election, late, "hall")
    except Exception as error:  # noqa: BLE001
        assert getattr(error, "code", None) == "too_young", error
    else:
        raise AssertionError("a 17-year-old took a paper ballot")
    assert not voting.has_voted(election, late.id)


def test_an_excuse_given_on_voting_day_does_not_lower_the_turnout_base(client, community):
    election = make_election(community, seats=1, voting_opens_at=None, voting_closes_at=None)
    url, headers = f"/api/v1/elections/{election.id}", token_for(client, election.test_admin)
    voters = make_voters(election, community, 4)
    assert client.post(f"{url}/voters/{voters[3].id}/excuse", headers=headers).status_code == 200
    assert _open_now(client, url, headers, election, community).status_code == 200
    listed = {v["person_id"]: v for v in client.get(url + "/voters", headers=headers).json["items"]}
    assert listed[voters[3].id]["excused"] is True and listed[voters[3].id]["excuse_counts"] is False
    login(client, election.test_admin)
    assert "告假过晚" in client.get(f"/elections/{election.id}/roll").get_data(as_text=True)
    for voter in voters[:2]:
        cands.add_candidate(election.test_admin, election, voter)
    lifecycle.change_status(election.test_admin, election, "voting")
    a, b = cands.candidates(election)
    voting.cast_ballot(voters[0], election, [a.id])
    voting.cast_ballot(voters[1], election, [a.id])
    later = utcnow() + timedelta(days=2)
    count(election, now=later)  # close, open the sealed ballots with k shares, count
    round_ = lifecycle.current_round(election)
    assert round_.excused == 0 and round_.is_valid is False  # 2 of 4 is exactly half


def test_supporters_taken_off_the_roll_do_not_count_toward_the_nominators(community):
    election = make_election(community, seats=1, voting_opens_at=utcnow() + timedelta(days=3),
                             voting_closes_at=utcnow() + timedelta(days=4))
    voters = make_voters(election, community, 11)
    election.status = "roll_published"
    db.session.commit()
    nomination = cands.nominate(voters[0], election, voters[10], "voters")
    for voter in voters[1:10]:
        cands.support_nomination(voter, election, nomination)
    roll.remove_voter(election.test_admin, election, voters[9].id, "moved away")
    try:
        cands.add_candidate(election.test_admin, election, voters[10])
    except Exception as error:  # noqa: BLE001
        assert getattr(error, "code", None) == "too_few_nominators", error
    else:
        raise AssertionError("accepted with 9 supporters on the roll")


def test_out_of_range_ids_give_a_sentence_not_letters(client, community):
    election = make_election(community, seats=1)
    url, headers = f"/api/v1/elections/{election.id}", token_for(client, election.test_admin)
    for path, body, field in (("/voters", {"person_id": 2 ** 40}, "person_id"),
                              ("/ballots", {"candidate_ids": [2 ** 40]}, "candidate_ids"),
                              ("/proxies", {"principal_id": 2 ** 40, "proxy_id": 1}, "principal_id"),
                              ("/recalls", {"candidate_id": 2 ** 40, "reason": "x"}, "candidate_id"),
                              ("/paper-ballots", {"sheet_no": 0}, "sheet_no"),
                              ("/voters", {}, "person_id"), ("/voters", {"person_id": "x"}, "person_id")):
        response = client.post(url + path, headers=headers, json=body)
        assert response.status_code == 400, (path, response.json)
        text = response.json["error"]["fields"][field]
        assert "; " not in text and len(text) > 5, (path, text)


def test_a_future_living_since_is_reported_under_living_since(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    future = (utcnow() + timedelta(days=30)).date().isoformat()
    response = client.post("/api/v1/people", headers=token_for(client, admin),
                           json=person_body(places["east"], living_since=future))
    assert response.status_code == 400
    assert "living_since" in response.json["error"]["fields"]
    assert "living_since_on" not in response.json["error"]["fields"]


def _published_roll(community, **settings):
    election = make_election(community, seats=1, **settings)
    make_voters(election, community, 2)
    election.status, election.roll_published_at = "roll_published", utcnow()
    db.session.commit()
    return election


def test_a_late_answer_is_shown_as_late(client, community):
    election = _published_roll(community)
    url, headers = f"/api/v1/elections/{election.id}", token_for(client, election.test_admin)
    objection = roll.file_objection(election.test_admin, election, "名单有误")
    roll.answer_objection(election.test_admin, election, objection, "已核实", "rejected",
                          now=utcnow() + timedelta(days=election.answer_days, hours=1))
    pending = roll.file_objection(election.test_admin, election, "漏登")
    listed = {o["id"]: o for o in client.get(url + "/objections", headers=headers).json["items"]}
    assert listed[objection.id]["answered_late"] is True and listed[pending.id]["answered_late"] is None
    assert listed[pending.id]["overdue"] is False
    login(client, election.test_admin)
    for page in (f"/elections/{election.id}", f"/elections/{election.id}/manage"):
        assert "逾期答复" in client.get(page).get_data(as_text=True), page


def test_a_zero_day_objection_period_is_worded_for_what_it_is(community):
    election = _published_roll(community, objection_days=0)
    try:
        roll.file_objection(election.test_admin, election, "名单有误", now=utcnow() + timedelta(minutes=1))
    except Exception as error:  # noqa: BLE001
        assert error.code == "objection_late"
        assert "0" not in error.message, error.message
    else:
        raise AssertionError("objection accepted with no period")


def _race(app, headers, requests) -> dict:
    """Send (method, path, body) requests at once, each thread with its own app context and client."""
    import threading

    db.session.close()
    barrier, statuses, lock = threading.Barrier(len(requests)), {}, threading.Lock()

    def worker(method, path, body):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            status = getattr(client, method)(path, headers=headers, json=body).status_code
            db.session.remove()
        with lock:
            statuses[method] = status

    threads = [threading.Thread(target=worker, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_adding_a_voter_while_the_voting_day_moves_never_leaves_an_ineligible_voter(app, backend, community):
    """Simultaneous PATCH (voting day to today) and POST /voters (a person who is 18 only tomorrow): one
    of them must be refused, whichever runs first."""
    tomorrow = _tomorrow_nine().date()
    place_type, place_id = type(community), community.id
    for attempt in range(6 if backend == "postgresql" else 1):
        community = db.session.get(place_type, place_id)
        election, url, headers = _draft_voting_tomorrow(client=app.test_client(), community=community)
        young = make_person(community, name=f"明天成年{attempt}", born_on=tomorrow.replace(year=tomorrow.year - 18))
        election_id, young_id, now = election.id, young.id, utcnow()
        statuses = _race(app, headers, [
            ("patch", url, {"voting_opens_at": (now - timedelta(minutes=1)).isoformat(),
                            "voting_closes_at": (now + timedelta(days=1)).isoformat()}),
            ("post", url + "/voters", {"person_id": young_id})])
        election = db.session.get(Election, election_id)
        assert sorted(statuses.values()) in ([200, 422], [201, 422]), statuses
        on_roll = roll.voter_record(election, young_id) is not None
        assert not (on_roll and election.voting_day < tomorrow), statuses
