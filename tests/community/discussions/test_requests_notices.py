"""The requests' notices reach the inbox worded in Chinese, with the item's address: a step, a deadline passed,
an item hidden."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import db
from community.database import utcnow
from community.discussions import moderation
from community.discussions import requests as R
from community.discussions import requests_submit as S
from community.discussions.requests_reminders import flag_overdue
from community.reminders.dispatch import run_due
from community.reminders.models import Notification


def test_steps_deadlines_and_hiding_arrive_in_the_inboxes(town, item):
    S.support(town["neighbours"][0], item)
    R.change_status(town["handler"], item, "accepted", "已受理，提交议事团讨论")
    R.change_status(town["handler"], item, "on_agenda", "列入周四议程")
    R.change_status(town["handler"], item, "decided", "由赵师傅协调", responsible_person=town["handler"],
                    deadline=date(2026, 12, 1))
    flag_overdue(date(2026, 12, 2), now=utcnow())
    moderation.hide(town["admin"], item, "含有他人电话号码")
    run_due(utcnow() + timedelta(minutes=1))
    by_person = {}
    for n in db.session.scalars(select(Notification).order_by(Notification.id)):
        by_person.setdefault(n.person_id, []).append(n)
    submitter, supporter = by_person[town["submitter"].id], by_person[town["neighbours"][0].id]
    assert [n.title for n in supporter] == [f"“{item.title}”：已受理", f"“{item.title}”：已列入议程",
                                            f"“{item.title}”：已议决"]
    assert len(submitter) == 4 and "含有他人电话号码" in submitter[-1].body
    assert all(n.url == f"/requests/{item.id}" for n in submitter + supporter)
    overdue = [n for n in by_person[town["handler"].id] if "办结期限" in n.title]
    assert len(overdue) == 1 and overdue[0].url == f"/requests/{item.id}"
