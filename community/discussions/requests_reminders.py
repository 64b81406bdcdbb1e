"""The requests' reminders (community.reminders) and their daily job.

- `request_update`: an item changed (a history row), to its submitter and every supporter. Subject
  `request:<id>`, occasion `event:<event id>`: the outbox's unique key makes it one notice per person per change.
- `request_overdue`: an item past its deadline, to the responsible person (or, with none named, the
  community's discussion group). Occasion `overdue:<deadline>`: once per deadline however often the job runs.
- `request_hidden`: an administrator hid an item, to its author, with the reason.
The job `discussions.daily` (08:40 through `registry.scheduled_job`) schedules the overdue notices.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import db
from community.database import LOCAL_ZONE, transactional, utcnow
from community.discussions.models import Request, RequestEvent
from community.reminders.kinds import Message, ReminderKind

UPDATE, OVERDUE, HIDDEN = "request_update", "request_overdue", "request_hidden"
SEND_AT = time(9, 0)


def render_updates(batch) -> dict[int, Message]:
    """Word the change notices from the history rows (two queries for the batch)."""
    from community.discussions.requests import STATUS_LABELS

    ids = [int((r.payload or {}).get("event_id") or 0) for r in batch]
    events = {e.id: e for e in db.session.scalars(select(RequestEvent).where(RequestEvent.id.in_(ids)))}
    titles = dict(db.session.execute(select(Request.id, Request.title).where(
        Request.id.in_({e.request_id for e in events.values()}))).all())
    messages = {}
    for reminder in batch:
        event = events.get(int((reminder.payload or {}).get("event_id") or 0))
        if event is None:
            continue
        status = STATUS_LABELS.get(event.to_status, event.to_status)
        messages[reminder.id] = Message(
            title=_("“%(title)s” is now: %(status)s", title=titles.get(event.request_id, ""), status=status),
            body=event.note, url=f"/requests/{event.request_id}")
    return messages


def render_overdue(batch) -> dict[int, Message]:
    """Word the overdue notices from the live items (one query); an item closed meanwhile is dropped."""
    ids = [int((r.payload or {}).get("request_id") or 0) for r in batch]
    items = {r.id: r for r in db.session.scalars(select(Request).where(Request.id.in_(ids)))}
    messages = {}
    for reminder in batch:
        item = items.get(int((reminder.payload or {}).get("request_id") or 0))
        if item is None or item.status not in ("decided", "in_progress") or item.deadline_on is None:
            continue
        messages[reminder.id] = Message(
            title=_("“%(title)s” is past its deadline", title=item.title),
            body=_("The deadline was %(date)s; record the progress or close it.",
                   date=format_date(item.deadline_on, "long")),
            url=f"/requests/{item.id}")
    return messages


def render_hidden(batch) -> dict[int, Message]:
    """Word the moderation notices from their payloads (no query)."""
    return {r.id: Message(title=_("Your item “%(title)s” was hidden", title=(r.payload or {}).get("title", "")),
                          body=_("Reason: %(reason)s", reason=(r.payload or {}).get("reason", "")),
                          url=f"/requests/{(r.payload or {}).get('request_id')}") for r in batch}


UPDATE_KIND = ReminderKind(label=_l("Your requests' progress"), render=render_updates, channels=("inbox", "email"),
                           description=_l("To the person who raised an item and its supporters, at every step."))
OVERDUE_KIND = ReminderKind(label=_l("Requests past their deadline"), render=render_overdue,
                            channels=("inbox", "email"),
                            description=_l("To the person responsible, once per deadline."))
HIDDEN_KIND = ReminderKind(label=_l("Your items hidden by an administrator"), render=render_hidden,
                           channels=("inbox",), description=_l("To the author, with the reason."))


def _group(community_ids) -> dict[int, list[int]]:
    """{community_id: [discussion members]} — one query."""
    from community.roles.models import RoleGrant

    answer: dict[int, list[int]] = {}
    for community_id, person_id in db.session.execute(select(RoleGrant.scope_id, RoleGrant.person_id).where(
            RoleGrant.role == "discussion_member", RoleGrant.scope_type == "community",
            RoleGrant.scope_id.in_(list(community_ids)))):
        answer.setdefault(community_id, []).append(person_id)
    return answer


@transactional
def flag_overdue(today: date, *, now: datetime | None = None) -> int:
    """Tell the responsible person of every item past its deadline (idempotent); returns the notices created."""
    from community.reminders.services import schedule

    now = now or utcnow()
    items = db.session.scalars(select(Request).where(
        Request.deadline_on < today, Request.status.in_(("decided", "in_progress")))).all()
    group = _group({i.community_id for i in items if i.responsible_person_id is None})
    due_at = max(datetime.combine(today, SEND_AT, tzinfo=LOCAL_ZONE), now)
    created = 0
    for item in items:
        people = [item.responsible_person_id] if item.responsible_person_id else group.get(item.community_id, [])
        created += schedule(OVERDUE, f"request:{item.id}", f"overdue:{item.deadline_on.isoformat()}", people,
                            due_at, payload={"request_id": item.id})
    return created


def daily_task(_job_id, now_iso: str | None = None) -> None:
    """The task queue's `discussions.daily`."""
    from community.database import parse_local

    now = parse_local(datetime.fromisoformat(now_iso)) if now_iso else utcnow()
    flag_overdue(now.astimezone(LOCAL_ZONE).date(), now=now)
