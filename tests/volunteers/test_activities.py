"""Activities: creating one (bad input refused whole), sign-ups, the waiting list moving up by itself with its
notice and reminders, cancelling."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.errors import Conflict, DomainError, Forbidden, Invalid
from community.reminders.models import Reminder
from tests.volunteers.activities_world import beach
from volunteers import activities_services as S
from volunteers.activities import Activity, Signup


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("bad, field", [
    ({"capacity": 0}, "capacity"), ({"capacity": -3}, "capacity"), ({"capacity": "ten"}, "capacity"),
    ({"category": "fishing"}, "category"), ({"title": "  "}, "title"), ({"points_per_hour": -1}, "points_per_hour"),
])
def test_bad_fields_are_refused_naming_the_field_and_nothing_is_written(activities_world, bad, field):
    with pytest.raises((Invalid, DomainError)) as refused:
        S.create_activity(activities_world["chen"], activities_world["a"].id, beach(**bad))
    assert field in refused.value.fields
    assert _count(Activity) == 0


def test_an_end_before_the_start_is_refused(activities_world):
    values = beach()
    values["ends_at"] = values["starts_at"] - timedelta(minutes=1)
    with pytest.raises(DomainError) as refused:
        S.create_activity(activities_world["chen"], activities_world["a"].id, values)
    assert "ends_at" in refused.value.fields and _count(Activity) == 0


def test_an_organiser_creates_only_in_their_community(activities_world):
    with pytest.raises(Forbidden):
        S.create_activity(activities_world["chen"], activities_world["b"].id, beach())
    activity = S.create_activity(activities_world["chen"], activities_world["a"].id, beach(points=20,
                                                                                           points_per_hour=None))
    assert (activity.points_rule, activity.points, activity.organiser_id) == ("fixed", 20, activities_world["chen"].id)


def test_the_waiting_list_moves_up_by_itself_with_a_notice_and_reminders(activities_world):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(capacity=2))
    first, second, third, fourth = (S.sign_up(v, activity) for v in w["volunteers"][:4])
    assert [s.state for s in (first, second, third, fourth)] == ["signed_up", "signed_up", "waiting", "waiting"]
    assert activity.taken == 2
    reminders = db.session.scalars(select(Reminder.recipient_id).where(Reminder.kind == "activity_reminder")).all()
    assert set(reminders) == {first.person_id, second.person_id}
    with pytest.raises(Conflict):
        S.sign_up(w["volunteers"][0], activity)
    db.session.commit()

    promoted = S.cancel_signup(w["volunteers"][1], second)
    db.session.commit()
    assert promoted.person_id == third.person_id
    states = dict(db.session.execute(select(Signup.person_id, Signup.state)).all())
    assert states[third.person_id] == "signed_up" and states[second.person_id] == "cancelled"
    assert states[fourth.person_id] == "waiting"
    db.session.refresh(activity)
    assert activity.taken == 2
    notice = db.session.scalars(select(Reminder).where(Reminder.kind == "activity_place")).all()
    assert [n.recipient_id for n in notice] == [third.person_id]
    pending = set(db.session.scalars(select(Reminder.recipient_id).where(
        Reminder.kind == "activity_reminder", Reminder.state == "pending")))
    assert pending == {first.person_id, third.person_id}


def test_a_cancellation_with_nobody_waiting_frees_the_place(activities_world):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach(capacity=2))
    signup = S.sign_up(w["volunteers"][0], activity)
    assert S.cancel_signup(w["volunteers"][0], signup) is None
    db.session.refresh(activity)
    assert activity.taken == 0
    again = S.sign_up(w["volunteers"][0], activity)  # back again: a place
    assert again.state == "signed_up"


def test_nobody_cancels_someone_elses_sign_up_but_the_organiser(activities_world):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    signup = S.sign_up(w["volunteers"][0], activity)
    with pytest.raises(Forbidden):
        S.cancel_signup(w["volunteers"][1], signup)
    with pytest.raises(Forbidden):
        S.cancel_signup(w["admin_b"], signup)
    S.cancel_signup(w["chen"], signup)


def test_sign_up_closes_when_the_activity_begins(activities_world):
    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    with pytest.raises(DomainError) as refused:
        S.sign_up(w["volunteers"][0], activity, now=activity.starts_at)
    assert refused.value.code == "closed"


def test_the_database_refuses_more_places_than_the_capacity(activities_world):
    from sqlalchemy.exc import IntegrityError

    activity = S.create_activity(activities_world["chen"], activities_world["a"].id, beach(capacity=1))
    db.session.commit()
    activity.taken = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_reminder_is_worded_with_the_time_and_place(activities_world, app):
    from volunteers.activities_reminders import render_reminders

    w = activities_world
    activity = S.create_activity(w["chen"], w["a"].id, beach())
    S.sign_up(w["volunteers"][0], activity)
    batch = db.session.scalars(select(Reminder).where(Reminder.kind == "activity_reminder")).all()
    with app.test_request_context():
        messages = render_reminders(batch)
    assert len(messages) == 2
    assert all("爵溪海滩南段" in m.body and m.url == f"/activities/{activity.id}" for m in messages.values())
