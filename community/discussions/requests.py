"""The follow-up workflow of requests and proposals (shared/DOMAIN.md "同心圆 discussions").

submitted → accepted | declined (with a reason) → on_agenda → decided (responsible, deadline) → in_progress →
done. Nothing skips a step or goes back, with three exceptions that the rules name: an item taken off a meeting's
agenda, or on the agenda of a meeting that was cancelled, returns to the queue (on_agenda → accepted, only
through community.discussions.agenda, which also removes it from the agenda); an item whose supports
reached the threshold is in the queue and may go from submitted straight onto a meeting's agenda (the
residents' supports stand for the acceptance), and a closed item rated "unsatisfied" reopens once
(done → in_progress). Every change writes a history row with its note, an audit row and one notice to the
submitter and every supporter, all in the caller's transaction.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from app import db
from community.audit.services import record
from community.authz import require
from community.database import transactional, utcnow
from community.discussions.models import RATINGS, Request, RequestEvent, Support
from community.errors import Conflict, DomainError, Forbidden, Invalid

UPDATE_KIND = "request_update"   # a change of an item, to its submitter and supporters
OVERDUE_KIND = "request_overdue"  # an item past its deadline, to the responsible person
NOTE_MAX = 1000
OPEN = ("submitted", "accepted", "on_agenda", "decided", "in_progress")
NEXT = {
    "submitted": {"accepted", "declined"},
    "accepted": {"on_agenda"},
    "on_agenda": {"decided"},
    "decided": {"in_progress"},
    "in_progress": {"done"},
    "declined": set(),
    "done": set(),
}
STATUS_LABELS = {
    "submitted": _l("Submitted"), "accepted": _l("Accepted"), "declined": _l("Declined"),
    "on_agenda": _l("On the agenda"), "decided": _l("Decided"), "in_progress": _l("In progress"),
    "done": _l("Done"),
}


def threshold() -> int:
    """The supports that put an item in the queue for the next meeting (setting DISCUSSION_SUPPORT_THRESHOLD)."""
    return int(current_app.config.get("DISCUSSION_SUPPORT_THRESHOLD", 10))


def require_signed_in(actor) -> None:
    """Residents' own acts (submit, support, rate) need an account, nothing more."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "id", None):
        raise Forbidden(_("Please sign in first."))


def recipients(request: Request) -> list[int]:
    """The submitter and every supporter, each once — one query."""
    ids = [request.submitter_id, *db.session.scalars(
        select(Support.supporter_id).where(Support.request_id == request.id).order_by(Support.id))]
    return list(dict.fromkeys(ids))


def add_event(actor, request: Request, from_status: str | None, to_status: str, note: str, *,
              now: datetime | None = None, notify_people: bool = True) -> RequestEvent:
    """Write a history row and notify the submitter and supporters once (the outbox key is the event)."""
    from community.reminders.services import notify

    event = RequestEvent(request_id=request.id, from_status=from_status, to_status=to_status, note=note,
                         actor_id=getattr(actor, "id", None), created_at=now or utcnow())
    db.session.add(event)
    db.session.flush()
    if notify_people:
        notify(UPDATE_KIND, f"request:{request.id}", f"event:{event.id}", recipients(request),
               payload={"event_id": event.id}, now=now)
    return event


def _note(note: str | None, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise Invalid(_("Please give a reason."), fields={"note": _("Please give a reason.")})
    if len(note) > NOTE_MAX:
        message = ngettext("At most %(num)d character.", "At most %(num)d characters.", NOTE_MAX)
        raise Invalid(message, fields={"note": message})
    return note


def _refuse_step(request: Request, to_status: str) -> None:
    raise DomainError(_("An item that is %(now)s cannot become %(next)s: the follow-up goes one step at a time.",
                        now=STATUS_LABELS[request.status], next=STATUS_LABELS[to_status]),
                      code="step_refused", fields={"status": _("Not the next step.")})


@transactional
def change_status(actor, request: Request, to_status: str, note: str | None = "", *, responsible: str | None = None,
                  deadline: date | None = None, responsible_person=None, now: datetime | None = None,
                  off_agenda: bool = False) -> RequestEvent:
    """Move an item one step along the workflow, with its note, history, audit row and notices (`off_agenda`:
    the agenda's own step back to the queue, on_agenda → accepted, with a reason)."""
    require(actor, "request.handle", request)
    now = now or utcnow()
    if to_status not in STATUS_LABELS:
        raise Invalid(_("Unknown status."), fields={"status": _("Unknown status.")})
    # Lock the row so two handlers clicking at once cannot both move it from the same step.
    db.session.refresh(request, with_for_update=True)
    from_status = request.status
    reopening = from_status == "done" and to_status == "in_progress"
    queued_to_agenda = from_status == "submitted" and to_status == "on_agenda" and request.queued_at is not None
    back_to_queue = off_agenda and from_status == "on_agenda" and to_status == "accepted"
    if reopening:
        if request.rating != "unsatisfied" or request.has_reopened:
            raise DomainError(_("Only an item rated unsatisfied can be reopened, and only once."),
                              code="reopen_refused", fields={"status": _("Not the next step.")})
    elif to_status not in NEXT[from_status] and not queued_to_agenda and not back_to_queue:
        _refuse_step(request, to_status)
    note = _note(note, required=to_status == "declined" or reopening or back_to_queue)
    if to_status == "decided":
        responsible = (responsible or "").strip()[:100]
        if not responsible and responsible_person is None:
            raise Invalid(_("Say who is responsible."), fields={"responsible": _("Say who is responsible.")})
        request.responsible = responsible or responsible_person.name
        request.responsible_person_id = getattr(responsible_person, "id", None)
        request.deadline_on = deadline
        request.decided_at = now
    if to_status == "accepted" and request.queued_at is None:
        request.queued_at = now  # accepted by a handler: it waits for the next meeting
    if to_status in ("done", "declined"):
        request.closed_at = now
    if reopening:
        request.has_reopened = True
        request.closed_at = None
        request.rating = None  # the earlier rating stays in the history; the next closure is rated anew
        request.rated_at = None
    request.status = to_status
    request.updated_at = now
    event = add_event(actor, request, from_status, to_status, note, now=now)
    record(actor, "request.status", request, summary=f"{from_status} → {to_status}",
           detail={"from": from_status, "to": to_status})
    return event


def queue(community_id: int) -> list[Request]:
    """The items waiting for the next meeting of a community: at the threshold or accepted by a handler, in the
    order they joined the queue (hidden ones left out)."""
    return list(db.session.scalars(
        select(Request).where(Request.community_id == community_id, Request.queued_at.is_not(None),
                              Request.status.in_(("submitted", "accepted")), Request.is_hidden.is_(False))
        .order_by(Request.queued_at, Request.id)))


@transactional
def rate(actor, request: Request, rating: str, *, reopen: bool = False, note: str | None = "",
         now: datetime | None = None) -> Request:
    """The submitter rates a closed item once; "unsatisfied" with `reopen` sends it back to work (once)."""
    require_signed_in(actor)
    if request.submitter_id != actor.id:
        raise Forbidden(_("Only the person who raised the item rates it."))
    if rating not in RATINGS:
        raise Invalid(_("Choose a rating."), fields={"rating": _("Choose a rating.")})
    db.session.refresh(request, with_for_update=True)
    if request.status != "done":
        raise DomainError(_("An item is rated once it is done."), code="not_closed",
                          fields={"rating": _("An item is rated once it is done.")})
    if request.rating is not None:
        raise Conflict(_("You have already rated this item."), code="already_rated",
                       fields={"rating": _("You have already rated this item.")})
    if reopen and (rating != "unsatisfied" or request.has_reopened):
        raise DomainError(_("Only an item rated unsatisfied can be reopened, and only once."),
                          code="reopen_refused", fields={"rating": _("It cannot be reopened.")})
    now = now or utcnow()
    note = _note(note, required=False)
    request.rating, request.rated_at, request.updated_at = rating, now, now
    add_event(actor, request, "done", "done", note or _("Rated: %(r)s", r=str(RATING_LABELS[rating])), now=now,
              notify_people=False)
    record(actor, "request.rate", request, summary=rating)
    if reopen:
        request.has_reopened, request.closed_at = True, None
        request.rating = None
        request.rated_at = None
        request.status = "in_progress"
        add_event(actor, request, "done", "in_progress", note or _("Reopened after an unsatisfied rating."),
                  now=now)
    return request


RATING_LABELS = {"satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"),
                 "unsatisfied": _l("Unsatisfied")}
