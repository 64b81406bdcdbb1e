"""An activity moved or called off before it begins: the volunteers signed up or waiting are told once (with the
new time and place, or the reason), their reminders follow or are withdrawn, a cancelled activity takes no
sign-up, check-in or points, and bad input is refused naming the field with nothing written."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.database import utcnow
from community.errors import Conflict, DomainError, Forbidden, Invalid
from community.reminders.dispatch import run_due
from community.reminders.models import Notification, Reminder
from tests.factories import login, token_for
from tests.volunteers.activities_world import beach
from volunteers import activities_changes as X
from volunteers import activities_services as S
from volunteers import checkin as K
from volunteers.activities import Activity


def _full_activity(w):
    """Capacity 2: two volunteers with places, one waiting."""
    activity = S.create_activity(w["chen"], w["a"].id, beach(capacity=2))
    for volunteer in w["volunteers"][:3]:
        S.sign_up(volunteer, activity)
    db.session.commit()
    return activity


def _moved(activity, days=2, place="爵溪街道文化礼堂"):
    starts = activity.starts_at + timedelta(days=days)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=2), "place": place, "reason": "海边风大"}


def test_a_move_carries_the_reminders_and_tells_everyone_signed_up_or_waiting(activities_world):
    w = activities_world
    activity = _full_activity(w)
    X.move_activity(w["chen"], activity, _moved(activity))
    db.session.commit()
    starts = db.session.get(Activity, activity.id).starts_at
    due = db.session.execute(select(Reminder.occasion, Reminder.due_at, Reminder.expires_at).where(
        Reminder.kind == "activity_reminder", Reminder.state == "pending")).all()
    assert len(due) == 4  # two volunteers × 24 h and 2 h
    for occasion, due_at, expires_at in due:
        minutes = int(occasion.split(":")[1])
        assert (due_at, expires_at) == (starts - timedelta(minutes=minutes), starts)
    told = db.session.scalars(select(Reminder.recipient_id).where(Reminder.kind == "activity_changed")).all()
    assert sorted(told) == sorted(v.id for v in w["volunteers"][:3])
    run_due(utcnow() + timedelta(seconds=1))
    bodies = db.session.scalars(select(Notification.body).where(Notification.kind == "activity_changed")).all()
    assert len(bodies) == 3 and all("爵溪街道文化礼堂" in body and "海边风大" in body for body in bodies)
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "activity.move")) == 1


def test_a_move_notice_not_yet_sent_is_withdrawn_by_a_cancellation(activities_world):
    w = activities_world
    activity = _full_activity(w)
    X.move_activity(w["chen"], activity, _moved(activity))
    X.cancel_activity(w["chen"], activity, "台风预警")
    db.session.commit()
    states = dict(db.session.execute(select(Reminder.occasion, Reminder.state).where(
        Reminder.kind == "activity_changed")).all())
    assert states["cancelled"] == "pending"
    assert [state for occasion, state in states.items() if occasion.startswith("moved:")] == ["cancelled"]


def test_a_second_move_is_told_again(activities_world):
    w = activities_world
    activity = _full_activity(w)
    X.move_activity(w["chen"], activity, _moved(activity, days=1))
    X.move_activity(w["chen"], activity, _moved(activity, days=1, place="爵溪小学"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Reminder.kind == "activity_changed")) == 6


def test_a_cancellation_withdraws_the_reminders_tells_everyone_and_shuts_the_activity(activities_world):
    w = activities_world
    activity = _full_activity(w)
    X.cancel_activity(w["chen"], activity, "台风预警")
    db.session.commit()
    assert db.session.get(Activity, activity.id).status == "cancelled"
    states = set(db.session.scalars(select(Reminder.state).where(Reminder.kind == "activity_reminder")))
    assert states == {"cancelled"}
    assert db.session.scalar(select(func.count()).where(Reminder.kind == "activity_changed",
                                                        Reminder.state == "pending")) == 3
    run_due(utcnow() + timedelta(seconds=1))
    bodies = db.session.scalars(select(Notification.body).where(Notification.kind == "activity_changed")).all()
    assert len(bodies) == 3 and all("台风预警" in body for body in bodies)
    with pytest.raises(DomainError):
        S.sign_up(w["volunteers"][4], activity)
    with pytest.raises(DomainError):
        K.issue_code(w["chen"], activity)
    with pytest.raises(DomainError):
        K.record_by_hand(w["chen"], activity, w["volunteers"][0].id, activity.starts_at)
    with pytest.raises(Conflict):
        X.cancel_activity(w["chen"], activity, "再取消一次")
    with pytest.raises(Conflict):
        X.move_activity(w["chen"], activity, _moved(activity))


def test_a_cancelled_activity_posts_no_points_even_after_an_early_check_in(activities_world):
    from volunteers import activities_confirm as C
    from volunteers.activities import Checkin

    w = activities_world
    activity = _full_activity(w)
    db.session.add(Checkin(activity_id=activity.id, person_id=w["volunteers"][0].id,
                           checked_in_at=activity.starts_at - timedelta(minutes=20), method="code"))
    X.cancel_activity(w["chen"], activity, "台风预警", now=activity.starts_at - timedelta(minutes=10))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        C.confirm_roster(w["chen"], activity, now=activity.ends_at + timedelta(hours=1))
    assert refused.value.code == "cancelled"


def test_once_begun_it_can_be_neither_moved_nor_cancelled(activities_world):
    w = activities_world
    activity = _full_activity(w)
    later = activity.starts_at + timedelta(minutes=1)
    with pytest.raises(DomainError) as refused:
        X.cancel_activity(w["chen"], activity, "来不及了", now=later)
    assert refused.value.code == "begun"
    values = _moved(activity)
    with pytest.raises(DomainError):
        X.move_activity(w["chen"], activity, values, now=later)


def test_only_its_organisers_move_or_cancel_it(activities_world):
    w = activities_world
    activity = _full_activity(w)
    for stranger in (w["admin_b"], w["volunteers"][0]):
        with pytest.raises(Forbidden):
            X.cancel_activity(stranger, activity, "不是我的活动")
        with pytest.raises(Forbidden):
            X.move_activity(stranger, activity, _moved(activity))


@pytest.mark.parametrize("change, field", [
    (lambda v, a: v.update(ends_at=v["starts_at"] - timedelta(minutes=5)), "ends_at"),
    (lambda v, a: v.update(starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow()), "starts_at"),
    (lambda v, a: v.update(place="  "), "place"),
    (lambda v, a: v.update(starts_at="明天"), "starts_at"),
    (lambda v, a: v.update(starts_at=a.starts_at, ends_at=a.ends_at, place=a.place), "starts_at"),
])
def test_a_bad_move_names_the_field_and_changes_nothing(activities_world, change, field):
    w = activities_world
    activity = _full_activity(w)
    before = (activity.starts_at, activity.place)
    values = _moved(activity)
    change(values, activity)
    with pytest.raises((Invalid, DomainError)) as refused:
        X.move_activity(w["chen"], activity, values)
    assert field in refused.value.fields
    db.session.rollback()
    again = db.session.get(Activity, activity.id)
    assert (again.starts_at, again.place) == before
    assert db.session.scalar(select(func.count()).where(Reminder.kind == "activity_changed")) == 0


def test_the_organiser_moves_and_cancels_on_the_pages_and_everyone_reads_what_changed(client, activities_world):
    w = activities_world
    activity = _full_activity(w)
    login(client, w["chen"])
    page = client.get(f"/activities/{activity.id}")
    assert all(f"/activities/{activity.id}/{step}" in page.text for step in ("change", "cancel-activity"))
    form = client.get(f"/activities/{activity.id}/change")
    assert form.status_code == 200 and "爵溪海滩南段" in form.text  # today's place, ready to edit
    starts = (activity.starts_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ends = (activity.starts_at + timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(f"/activities/{activity.id}/change", data={"starts_at": starts, "ends_at": starts,
                                                                 "place": "爵溪小学", "reason": "借到礼堂"})
    assert bad.status_code == 422 and "爵溪小学" in bad.text and "借到礼堂" in bad.text  # typed values kept
    moved = client.post(f"/activities/{activity.id}/change", data={"starts_at": starts, "ends_at": ends,
                                                                   "place": "爵溪小学", "reason": "借到礼堂"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith("#changes")
    client.post("/logout")
    login(client, w["volunteers"][2])  # the one waiting reads it on the page too
    shown = client.get(f"/activities/{activity.id}").text
    assert "借到礼堂" in shown and "爵溪海滩南段" in shown and "cancel-activity" not in shown
    assert client.get(f"/activities/{activity.id}/cancel-activity").status_code == 403
    client.post("/logout")
    login(client, w["chen"])
    assert client.post(f"/activities/{activity.id}/cancel-activity", data={"reason": ""}).status_code == 422
    done = client.post(f"/activities/{activity.id}/cancel-activity", data={"reason": "台风预警"})
    assert done.status_code == 302
    shown = client.get(done.headers["Location"]).text
    assert "台风预警" in shown and f"/activities/{activity.id}/change" not in shown


def test_the_api_moves_and_cancels(client, activities_world):
    w = activities_world
    activity = _full_activity(w)
    headers = token_for(client, w["chen"])
    starts = (activity.starts_at + timedelta(days=3)).isoformat()
    ends = (activity.starts_at + timedelta(days=3, hours=1)).isoformat()
    moved = client.post(f"/api/v1/activities/{activity.id}/move", headers=headers,
                        json={"starts_at": starts, "ends_at": ends, "place": "爵溪小学"})
    assert moved.status_code == 200 and moved.json["place"] == "爵溪小学"
    past = client.post(f"/api/v1/activities/{activity.id}/move", headers=headers,
                       json={"starts_at": "2020-01-01T08:00", "ends_at": "2020-01-01T09:00", "place": "爵溪小学"})
    assert past.status_code == 422 and "starts_at" in past.json["error"]["fields"]
    assert client.post(f"/api/v1/activities/{activity.id}/cancellation", headers=headers,
                       json={"reason": ""}).status_code == 400
    done = client.post(f"/api/v1/activities/{activity.id}/cancellation", headers=headers, json={"reason": "台风"})
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    again = client.post(f"/api/v1/activities/{activity.id}/cancellation", headers=headers, json={"reason": "台风"})
    assert again.status_code == 409
    stranger = token_for(client, w["volunteers"][0])
    assert client.post(f"/api/v1/activities/{activity.id}/move", headers=stranger,
                       json={"starts_at": starts, "ends_at": ends, "place": "x"}).status_code == 403


def test_two_organisers_cancelling_at_once_cancel_once(app, activities_world):
    from tests.factories import grant

    w = activities_world
    activity = _full_activity(w)
    grant(w["volunteers"][5], "organiser", "community", w["a"].id)
    db.session.commit()
    ids, activity_id = [w["chen"].id, w["volunteers"][5].id], activity.id
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(2, timeout=30), [], threading.Lock()

    def worker(person_id):
        from community.people.models import Person

        with app.app_context():
            actor, target = db.session.get(Person, person_id), S.get_activity(activity_id)
            db.session.commit()
            barrier.wait()
            try:
                X.cancel_activity(actor, target, "台风预警")
                result = "done"
            except DomainError as error:
                result = error.code
            db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(pid,)) for pid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["cancelled", "done"], outcomes
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "activity.cancel")) == 1
    assert db.session.scalar(select(func.count()).where(Reminder.kind == "activity_changed")) == 3
