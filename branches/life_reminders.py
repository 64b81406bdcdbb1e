"""The branches' reminders (community.reminders) and their daily job.

- `branch_life`: organisational life due or overdue, to the branch's secretaries. Subject `branch:<id>`,
  occasion `<kind>:<due|overdue>:<period>` ("lesson:overdue:2026-Q4"): the outbox's unique key makes each
  sent once per branch, kind and period, however often the job runs. The job runs every morning, so "due"
  goes out on the first day of the period (the 1st of the month for the monthly kinds) and "overdue" on the
  day a kind becomes overdue.
- `branch_flag`: a member was flagged, to the branch's secretaries and the member's liaisons. Subject
  `branch_flag:<id>`, occasion `raised`; a flag resolved before the message goes out is dropped.
The job `branches.daily` (queued by `flask scheduler` at 08:30 through `registry.scheduled_job`) raises the
flags and schedules these reminders.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.database import LOCAL_ZONE, transactional, utcnow
from community.reminders.kinds import Message, ReminderKind

LIFE, FLAG = "branch_life", "branch_flag"
SEND_AT = time(9, 0)


def secretaries(branch_ids) -> dict[int, list[int]]:
    """{branch_id: [secretary person ids]} — one query."""
    from community.roles.models import RoleGrant

    answer: dict[int, list[int]] = {}
    for branch_id, person_id in db.session.execute(select(RoleGrant.scope_id, RoleGrant.person_id).where(
            RoleGrant.role == "secretary", RoleGrant.scope_type == "branch",
            RoleGrant.scope_id.in_(list(branch_ids)))):
        answer.setdefault(branch_id, []).append(person_id)
    return answer


def liaisons(home_ids) -> dict[int, list[int]]:
    """{home_organisation_id: [liaison person ids]} — one query."""
    from community.roles.models import RoleGrant

    answer: dict[int, list[int]] = {}
    for home_id, person_id in db.session.execute(select(RoleGrant.scope_id, RoleGrant.person_id).where(
            RoleGrant.role == "liaison", RoleGrant.scope_type == "home_organisation",
            RoleGrant.scope_id.in_([h for h in home_ids if h]))):
        answer.setdefault(home_id, []).append(person_id)
    return answer


def _due_at(today: date, now: datetime) -> datetime:
    return max(datetime.combine(today, SEND_AT, tzinfo=LOCAL_ZONE), now)


@transactional
def remind_life(today: date, *, now: datetime | None = None) -> int:
    """Schedule "due" and "overdue" reminders of every branch's organisational life for the branches'
    secretaries; returns the reminders created (0 on a second run)."""
    from branches.life import compliance
    from branches.models import Branch
    from community.reminders.services import schedule

    now = now or utcnow()
    branches = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    chosen = secretaries(branches)
    created = 0
    for branch_id, lines in compliance([b for b in branches if b in chosen], today).items():
        for line in lines:
            if line["state"] == "done":
                continue
            occasion = f"{line['kind']}:{line['state']}:{line['period']}"
            created += schedule(LIFE, f"branch:{branch_id}", occasion, chosen[branch_id], _due_at(today, now),
                                payload={"branch_id": branch_id, "branch": branches[branch_id],
                                         "kind": line["kind"], "state": line["state"],
                                         "next_due_on": line["next_due_on"].isoformat()})
    return created


def tell_flags(flag_ids: list[int], *, now: datetime | None = None) -> int:
    """Tell the secretaries and the liaisons about newly raised flags (a few queries for any number)."""
    from branches.flags import Flag
    from community.reminders.services import notify

    flags = db.session.scalars(select(Flag).where(Flag.id.in_(flag_ids))).all()
    from branches.models import BranchMember

    members = {m.id: m for m in db.session.scalars(select(BranchMember).where(
        BranchMember.id.in_({f.member_id for f in flags})))}
    by_branch = secretaries({m.branch_id for m in members.values()})
    by_home = liaisons({m.home_organisation_id for m in members.values()})
    created = 0
    for flag in flags:
        member = members[flag.member_id]
        people = by_branch.get(member.branch_id, []) + by_home.get(member.home_organisation_id, [])
        created += notify(FLAG, f"branch_flag:{flag.id}", "raised", people, now=now,
                          payload={"flag_id": flag.id, "member_id": member.id, "kind": flag.kind})
    return created


def render_life(batch) -> dict[int, Message]:
    """Word the organisational-life reminders from their payloads (no query)."""
    from community.meetings.kinds import kind_of

    messages = {}
    for reminder in batch:
        payload = reminder.payload or {}
        kind = kind_of(payload.get("kind", ""))
        label = str(kind.label) if kind else payload.get("kind", "")
        due = format_date(date.fromisoformat(payload["next_due_on"]), "long") if payload.get("next_due_on") else ""
        if payload.get("state") == "overdue":
            title = _("%(kind)s is overdue", kind=label)
        else:
            title = _("%(kind)s is due by %(date)s", kind=label, date=due)
        messages[reminder.id] = Message(title=title, body=_("%(branch)s: schedule it from the organisational "
                                                            "life page.", branch=payload.get("branch", "")),
                                        url=f"/admin/branches/{payload.get('branch_id')}/life")
    return messages


def render_flags(batch) -> dict[int, Message]:
    """Word the flag notices from the live flags (two queries); a flag resolved meanwhile is dropped."""
    from sqlalchemy.orm import joinedload

    from branches.flags import Flag
    from branches.models import BranchMember

    ids = [int((r.payload or {}).get("flag_id") or 0) for r in batch]
    flags = {f.id: f for f in db.session.scalars(select(Flag).options(
        joinedload(Flag.member).joinedload(BranchMember.person)).where(Flag.id.in_(ids)))}
    today = utcnow().astimezone(LOCAL_ZONE).date()
    messages = {}
    for reminder in batch:
        flag = flags.get(int((reminder.payload or {}).get("flag_id") or 0))
        if flag is None or flag.resolved_on is not None:
            continue
        messages[reminder.id] = Message(title=_("%(name)s is flagged", name=flag.member.person.name),
                                        body=flag.reason(today), url="/admin/branches/flags")
    return messages


LIFE_KIND = ReminderKind(label=_l("Organisational life due or overdue"), render=render_life,
                         description=_l("To the branch secretary, once per kind and period."))
FLAG_KIND = ReminderKind(label=_l("Branch members flagged"), render=render_flags,
                         description=_l("To the branch secretary and the member's liaison."))


@transactional
def daily(now: datetime | None = None) -> tuple[int, int]:
    """The morning job: raise the flags and schedule the organisational-life reminders (both idempotent)."""
    from branches.flags import raise_flags

    now = now or utcnow()
    today = now.astimezone(LOCAL_ZONE).date()
    return len(raise_flags(today)), remind_life(today, now=now)


def daily_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `branches.daily`."""
    from community.database import parse_local

    daily(parse_local(datetime.fromisoformat(now_iso)) if now_iso else None)
