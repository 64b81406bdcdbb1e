"""Check-in and check-out by the organiser's code: expired, replayed, forged and other activities' codes are
refused; the first good code checks in, a later one checks out; the hand roster refuses a check-out before the
check-in; hours run from check-in to check-out."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import Conflict, DomainError, Forbidden, Invalid
from tests.volunteers.activities_world import beach
from volunteers import activities_services as S
from volunteers import checkin as K
from volunteers.activities import Checkin


@pytest.fixture
def day(activities_world):
    """The activity with two volunteers signed up and one on the waiting list; `at(minutes)` after its start."""
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(capacity=2))
    for volunteer in w["volunteers"][:3]:
        S.sign_up(volunteer, activity)
    db.session.commit()
    return {**w, "activity": activity, "at": lambda minutes: activity.starts_at + timedelta(minutes=minutes)}


def _code(day, minutes):
    return K.issue_code(day["chen"], day["activity"], now=day["at"](minutes)).code


def test_first_scan_checks_in_a_later_code_checks_out_and_hours_follow(day):
    ann = day["volunteers"][0]
    came = K.scan(ann, _code(day, -5), now=day["at"](-5))
    assert came.action == "in"
    left = K.scan(ann, _code(day, 145), now=day["at"](145) + timedelta(seconds=3))
    assert left.action == "out"
    assert left.checkin.hours == Decimal("2.50")
    with pytest.raises(Conflict):
        K.scan(ann, _code(day, 150), now=day["at"](150))


def test_an_expired_code_is_refused(day, app):
    code = _code(day, 0)
    seconds = app.config.get("VOLUNTEER_CHECKIN_CODE_SECONDS", K.DEFAULT_SECONDS)
    K.read_code(code, day["at"](0) + timedelta(seconds=seconds - 1))
    with pytest.raises(DomainError) as refused:
        K.scan(day["volunteers"][0], code, now=day["at"](0) + timedelta(seconds=seconds + 1))
    assert refused.value.code == "expired_code"
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 0


def test_a_replayed_code_is_refused(day):
    ann = day["volunteers"][0]
    code = _code(day, 0)
    K.scan(ann, code, now=day["at"](0))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        K.scan(ann, code, now=day["at"](0) + timedelta(seconds=2))
    assert refused.value.code == "replayed_code"
    checkin = db.session.scalar(select(Checkin))
    assert checkin.checked_out_at is None  # the replay did not check her out


@pytest.mark.parametrize("tamper", [
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),            # the MAC
    lambda code: code.replace(code.split("-")[1], format(int(code.split("-")[1], 16) + 60, "X")),  # the time
    lambda code: "not a code", lambda code: "",
])
def test_a_forged_or_garbled_code_is_refused(day, tamper):
    with pytest.raises((Invalid, DomainError)) as refused:
        K.scan(day["volunteers"][0], tamper(_code(day, 0)), now=day["at"](0))
    assert refused.value.code in ("forged_code", "bad_code")


def test_a_code_of_another_activity_is_refused_when_the_activity_is_named(day):
    other = S.create_activity(day["chen"], day["a"].id, beach(title="另一个活动"))
    code = K.issue_code(day["chen"], other, now=day["at"](0)).code
    with pytest.raises(DomainError) as refused:
        K.scan(day["volunteers"][0], code, activity_id=day["activity"].id, now=day["at"](0))
    assert refused.value.code == "wrong_activity"


def test_the_scanned_address_works_as_well_as_the_typed_code(day):
    code = _code(day, 0)
    assert K.scan(day["volunteers"][0], f"https://example.org/activities/scan?code={code}",
                  now=day["at"](0)).action == "in"


def test_only_volunteers_with_a_place_check_in_and_only_organisers_show_codes(day):
    with pytest.raises(DomainError) as waiting:
        K.scan(day["volunteers"][2], _code(day, 0), now=day["at"](0))
    assert waiting.value.code == "waiting"
    with pytest.raises(DomainError) as stranger:
        K.scan(day["volunteers"][4], _code(day, 0), now=day["at"](0))
    assert stranger.value.code == "not_signed_up"
    with pytest.raises(Forbidden):
        K.issue_code(day["volunteers"][0], day["activity"])
    with pytest.raises(Forbidden):
        K.issue_code(day["admin_b"], day["activity"])


def test_the_hand_roster_refuses_a_check_out_before_the_check_in_and_writes_nothing(day):
    ann = day["volunteers"][0]
    with pytest.raises(DomainError) as refused:
        K.record_by_hand(day["chen"], day["activity"], ann.id, day["at"](60).replace(tzinfo=None),
                         day["at"](30).replace(tzinfo=None))
    assert refused.value.code == "out_before_in" and "checked_out_at" in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 0


def test_the_hand_roster_fixes_a_forgotten_check_out(day):
    ann = day["volunteers"][0]
    K.scan(ann, _code(day, 0), now=day["at"](0))
    came = db.session.scalar(select(Checkin)).checked_in_at
    checkin = K.record_by_hand(day["chen"], day["activity"], ann.id, came, came + timedelta(hours=3))
    assert checkin.hours == Decimal("3.00") and checkin.method == "hand"
    with pytest.raises(Forbidden):
        K.record_by_hand(day["volunteers"][1], day["activity"], ann.id, came, came + timedelta(hours=1))


def test_the_database_refuses_a_check_out_before_the_check_in(day):
    from sqlalchemy.exc import IntegrityError

    ann = day["volunteers"][0]
    K.scan(ann, _code(day, 0), now=day["at"](0))
    db.session.commit()
    checkin = db.session.scalar(select(Checkin))
    checkin.checked_out_at = checkin.checked_in_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_second_scan_right_after_the_check_in_is_not_a_check_out(day):
    ann = day["volunteers"][0]
    K.scan(ann, _code(day, 0), now=day["at"](0))
    with pytest.raises(DomainError) as refused:
        K.scan(ann, _code(day, 1), now=day["at"](1))
    assert refused.value.code == "just_checked_in"
    assert db.session.scalar(select(Checkin.checked_out_at)) is None
    assert K.scan(ann, _code(day, 6), now=day["at"](6)).action == "out"  # the refused code was not used up
