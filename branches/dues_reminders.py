"""Dues reminders: each month, members whose dues for the month are unpaid, and each secretary who is in arrears.

`remind_dues(now)` is the producer, a function of `now`; the scheduler runs it as the task `branches.dues_reminders`
on the REMIND_DAY of each month at 10:00 Asia/Shanghai (registered with `registry.scheduled_job`). A second run
in the same month adds nothing: the reminders' keys name the month.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from app import db
from branches.dues import add_months, month_label, month_start, statuses
from branches.models import Branch
from community.database import LOCAL_ZONE, transactional, utcnow
from community.reminders.kinds import Message, ReminderKind
from community.roles.models import RoleGrant

MEMBER_KIND = "branch_dues_due"
SECRETARY_KIND = "branch_dues_arrears"
REMIND_DAY = 20
NAMES_SHOWN = 10


def render_member(reminders: list) -> dict[int, Message]:
    """"Your dues for 2026年12月 are not paid yet", from the payload: no query."""
    messages = {}
    for reminder in reminders:
        month = (reminder.payload or {}).get("month", "")
        messages[reminder.id] = Message(
            title=_("Your party dues for %(month)s are not paid yet", month=month),
            body=_("Please pay them to your branch (%(branch)s) this month.",
                   branch=(reminder.payload or {}).get("branch", "")), url="/")
    return messages


def render_secretary(reminders: list) -> dict[int, Message]:
    """Per branch, how many members are in arrears and who, from the payload: no query."""
    messages = {}
    for reminder in reminders:
        items = (reminder.payload or {}).get("items") or []
        total = sum(int(item.get("count") or 0) for item in items)
        lines = [_("%(branch)s: %(count)s (%(names)s)", branch=item.get("branch", ""), count=item.get("count", 0),
                   names="、".join(item.get("names") or [])) for item in items]
        url = items[0].get("url", "/") if items else "/"
        messages[reminder.id] = Message(
            title=ngettext("%(num)d member is in arrears with party dues",
                           "%(num)d members are in arrears with party dues", total),
            body="\n".join(lines), url=url)
    return messages


MEMBER_REMINDER = ReminderKind(label=_l("Party dues of the month"), render=render_member,
                               description=_l("Each month, to party members whose dues for the month are unpaid."))
SECRETARY_REMINDER = ReminderKind(label=_l("Members in arrears with party dues"), render=render_secretary,
                                  description=_l("Each month, to branch secretaries: who owes which months."))


@transactional
def remind_dues(now: datetime | None = None) -> dict[str, int]:
    """Schedule this month's dues reminders (members who have not paid the month; secretaries of branches with
    members in arrears). A few queries for every branch at once. Returns the reminders created per kind."""
    from community.reminders.services import schedule

    now = now or utcnow()
    today = now.astimezone(LOCAL_ZONE).date()
    month = month_start(today)
    label = month_label(month)
    names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    everyone = statuses(list(names), today)
    due_at = now
    expires_at = datetime.combine(add_months(month, 1), time(0), tzinfo=LOCAL_ZONE) - timedelta(seconds=1)
    created = {MEMBER_KIND: 0, SECRETARY_KIND: 0}
    by_branch = defaultdict(list)
    for entry in everyone:
        if entry.owes_this_month:
            by_branch[entry.branch_id].append(entry.person_id)
    for branch_id, person_ids in by_branch.items():  # one payload per branch: a schedule call per branch
        created[MEMBER_KIND] += schedule(MEMBER_KIND, f"dues:{month:%Y-%m}", "member", person_ids, due_at,
                                         expires_at=expires_at,
                                         payload={"month": label, "branch": names[branch_id]})
    owing = defaultdict(list)
    for entry in everyone:
        if entry.months:
            owing[entry.branch_id].append(entry.name)
    if owing:
        payloads = defaultdict(list)
        secretaries = db.session.execute(select(RoleGrant.person_id, RoleGrant.scope_id).where(
            RoleGrant.role == "secretary", RoleGrant.scope_type == "branch",
            RoleGrant.scope_id.in_(list(owing))).order_by(RoleGrant.scope_id))
        for person_id, branch_id in secretaries:
            payloads[person_id].append({"branch": names[branch_id], "count": len(owing[branch_id]),
                                        "names": owing[branch_id][:NAMES_SHOWN],
                                        "url": f"/admin/branches/{branch_id}/dues"})
        if payloads:
            created[SECRETARY_KIND] = schedule(
                SECRETARY_KIND, f"dues-arrears:{month:%Y-%m}", "secretary", list(payloads), due_at,
                expires_at=expires_at, payloads={person_id: {"items": items} for person_id, items in payloads.items()})
    return created


def dues_reminders_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `branches.dues_reminders`."""
    from community.database import parse_local

    remind_dues(parse_local(datetime.fromisoformat(now_iso)) if now_iso else None)
