"""Moderation: an administrator hides abusive content with a recorded reason; the author is told; nothing is
deleted (the item, its history and photos stay, and it can be shown again)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from community.audit.services import record
from community.authz import require
from community.database import transactional, utcnow
from community.discussions.models import Request
from community.discussions.requests import add_event
from community.errors import DomainError, Invalid

REASON_MAX = 200


@transactional
def hide(actor, item: Request, reason: str, *, now: datetime | None = None) -> Request:
    """Hide an item from the board with a reason (history, audit and a notice to its author)."""
    from community.discussions.requests_reminders import HIDDEN
    from community.reminders.services import notify

    require(actor, "request.moderate", item)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give a reason."), fields={"reason": _("Please give a reason.")})
    if len(reason) > REASON_MAX:
        message = ngettext("At most %(num)d character.", "At most %(num)d characters.", REASON_MAX)
        raise Invalid(message, fields={"reason": message})
    if item.is_hidden:
        raise DomainError(_("This item is already hidden."), code="already_hidden")
    now = now or utcnow()
    item.is_hidden, item.hidden_reason, item.hidden_by_id, item.hidden_at = True, reason, actor.id, now
    event = add_event(actor, item, item.status, item.status, _("Hidden by an administrator: %(reason)s",
                                                               reason=reason), now=now, notify_people=False)
    notify(HIDDEN, f"request:{item.id}", f"hidden:{event.id}", [item.submitter_id], now=now,
           payload={"request_id": item.id, "title": item.title, "reason": reason})
    record(actor, "request.hide", item, summary=reason)
    return item


@transactional
def show(actor, item: Request, *, now: datetime | None = None) -> Request:
    """Show a hidden item again (the reason stays in the history)."""
    require(actor, "request.moderate", item)
    if not item.is_hidden:
        raise DomainError(_("This item is not hidden."), code="not_hidden")
    now = now or utcnow()
    item.is_hidden, item.hidden_by_id, item.hidden_at = False, None, None
    item.hidden_reason = ""
    add_event(actor, item, item.status, item.status, _("Shown again by an administrator."), now=now,
              notify_people=False)
    record(actor, "request.show", item)
    return item
