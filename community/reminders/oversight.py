"""The administrators' view of the outbox: counts by kind, channel and state, what failed or expired, resending.

Platform administrators see every reminder; a street administrator only those of people living in their street
(a scope condition in SQL on the recipient's community, never a filter in Python).
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app import db
from community.audit.services import record
from community.authz import community_condition, require
from community.database import transactional, utcnow, valid_id
from community.errors import DomainError, NotFound
from community.people.models import Person
from community.reminders.models import STATES, Reminder

ACTION = "reminder.admin"
PROBLEMS = ("failed", "expired")


def _scoped(actor, statement):
    """Restrict a select over Reminder to the recipients the actor oversees (nothing to add for the platform)."""
    condition = community_condition(actor, ACTION, Person.community_id)
    if condition is None:
        return statement
    return statement.join(Person, Person.id == Reminder.recipient_id).where(condition)


def state_counts(actor) -> dict:
    """{(kind, channel): {state: n}} and the totals per state, from one GROUP BY query."""
    require(actor, ACTION)
    statement = _scoped(actor, select(Reminder.kind, Reminder.channel, Reminder.state, func.count(Reminder.id))
                        .group_by(Reminder.kind, Reminder.channel, Reminder.state))
    table: dict[tuple[str, str], dict[str, int]] = {}
    totals = dict.fromkeys(STATES, 0)
    for kind, channel, state, n in db.session.execute(statement):
        table.setdefault((kind, channel), dict.fromkeys(STATES, 0))[state] = n
        totals[state] = totals.get(state, 0) + n
    return {"rows": dict(sorted(table.items())), "totals": totals}


def reminders_query(actor, states=PROBLEMS, kind: str | None = None, channel: str | None = None):
    """Reminders the actor oversees in `states` (failed and expired by default): failed first, each state latest
    due first, which is the (state, due_at) index read backwards (no sort of every failed row)."""
    require(actor, ACTION)
    statement = select(Reminder).where(Reminder.state.in_(list(states)))
    if kind:
        statement = statement.where(Reminder.kind == kind)
    if channel:
        statement = statement.where(Reminder.channel == channel)
    return _scoped(actor, statement).order_by(Reminder.state.desc(), Reminder.due_at.desc(), Reminder.id.desc())


def with_recipients(reminders: list[Reminder]) -> dict[int, Person]:
    """The recipients of a page of reminders, in one query."""
    ids = {r.recipient_id for r in reminders}
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}


@transactional
def resend(actor, reminder_id, now: datetime | None = None) -> Reminder:
    """Put a failed reminder back to pending with its attempts reset (audited); only failed ones, only in scope.

    Permission first: who may not oversee reminders at all is refused before any lookup; the reminder is then
    looked up within the actor's scope, so one outside it is not found whether it exists or not."""
    require(actor, ACTION)
    found = db.session.scalar(_scoped(actor, select(Reminder).where(Reminder.id == reminder_id))) \
        if valid_id(reminder_id) else None
    if found is None:
        raise NotFound(_("No such reminder."))
    now = now or utcnow()
    changed = db.session.execute(update(Reminder).where(Reminder.id == found.id, Reminder.state == "failed").values(
        state="pending", attempts=0, next_try_at=None, last_error=None, due_at=now, updated_at=now)).rowcount
    if not changed:  # the conditional update is the check: a resend racing another one resends once
        raise DomainError(_("Only a failed reminder can be sent again."), code="not_failed")
    record(actor, "reminder.resend", object_type="reminder", object_id=found.id,
           summary=f"{found.kind} {found.channel} → {found.recipient_id}")
    db.session.refresh(found)
    return found


def calendar_warning(today: date) -> bool:
    """True when the working-day calendar does not know this year (the digest then falls back to Mon–Fri)."""
    try:
        from community.reminders.digest import calendar_is_known
    except ImportError:  # the digest is not there yet: nothing to warn about
        return False
    return not calendar_is_known(today)


def problems_page(actor, page: int, per_page: int, states=PROBLEMS, kind=None, channel=None, cursor=None):
    """One page (community.listing.Page, by keyset) of failed and expired reminders, with their recipients
    loaded: (page, recipients)."""
    from community.listing import paginate

    listing = paginate(db.session, reminders_query(actor, states, kind, channel), page, per_page, cursor=cursor,
                       keyset=True)
    return listing, with_recipients(listing.items)

