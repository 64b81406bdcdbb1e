"""A resident raises a request or proposal, and neighbours support it (附议) — once each, the database says so."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from app import db
from community.audit.services import record
from community.database import transactional, utcnow, valid_id
from community.discussions import photos as photo_files
from community.discussions.board import normalise
from community.discussions.models import BODY_MAX, CATEGORIES, KINDS, TITLE_MAX, Request, RequestPhoto, Support
from community.discussions.requests import OPEN, add_event, require_signed_in, threshold
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.places.models import Community
from community.text_input import has_control_characters


def _clean(value, field: str, limit: int, *, multi_line: bool, problems: dict) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        problems[field] = _("Please fill this in.")
    elif len(text) > limit:
        problems[field] = ngettext("At most %(num)d character.", "At most %(num)d characters.", limit)
    elif has_control_characters(text, multi_line=multi_line):
        problems[field] = _("Contains control characters (such as NUL); please retype it.")
    return text


def check(data: dict) -> dict:
    """The submission's fields, cleaned; Invalid with every problem beside its field."""
    problems: dict[str, str] = {}
    kind = data.get("kind") or "request"
    if kind not in KINDS:
        problems["kind"] = _("Choose request or proposal.")
    title = _clean(data.get("title"), "title", TITLE_MAX, multi_line=False, problems=problems)
    body = _clean(data.get("body"), "body", BODY_MAX, multi_line=True, problems=problems)
    category = data.get("category") or ""
    if category not in CATEGORIES:
        problems["category"] = _("Choose a category.")
    community_id = data.get("community_id")
    try:
        community_id = int(community_id)
    except (TypeError, ValueError):
        community_id = None
    if not valid_id(community_id) or db.session.get(Community, community_id) is None:
        problems["community_id"] = _("Choose your community.")
    if problems:
        raise Invalid(_("Please correct the marked fields."), fields=problems)
    return {"kind": kind, "title": title, "body": body, "category": category, "community_id": community_id,
            "is_public": bool(data.get("is_public", True))}


@transactional
def submit(actor, data: dict, files=(), *, now: datetime | None = None) -> Request:
    """Raise a request or proposal, with up to a few photos; everything is checked before anything is written."""
    require_signed_in(actor)
    fields = check(data)
    prepared = photo_files.prepare_all(files)  # every photo checked (and re-encoded) before any row or file
    now = now or utcnow()
    item = Request(**fields, submitter_id=actor.id, status="submitted", support_count=0,
                   search_text=normalise(f"{fields['title']} {fields['body']}"), created_at=now, updated_at=now)
    db.session.add(item)
    db.session.flush()
    for photo in prepared:
        db.session.add(RequestPhoto(request_id=item.id, stored_name=photo_files.store(photo),
                                    content_type=photo.content_type, size=len(photo.data), width=photo.width,
                                    height=photo.height, created_at=now))
    add_event(actor, item, None, "submitted", "", now=now, notify_people=False)
    record(actor, "request.submit", item, summary=item.title)
    return item


def get_request(request_id) -> Request:
    """The item, or NotFound (also for an id no database could hold)."""
    item = db.session.get(Request, request_id) if valid_id(request_id) else None
    if item is None:
        raise NotFound(_("No such request: %(id)s.", id=request_id))
    return item


@transactional
def support(actor, item: Request, *, now: datetime | None = None) -> int:
    """Support an item once (409 a second time, even when 20 arrive at once); the count moves in the same
    transaction, and at the threshold the item joins the queue. Returns the new count."""
    from community.discussions.board import may_read

    require_signed_in(actor)
    if not may_read(actor, item):
        raise NotFound(_("No such request: %(id)s.", id=item.id))
    if item.submitter_id == actor.id:
        raise DomainError(_("You raised this item; your neighbours support it."), code="own_item")
    if item.status not in OPEN:
        raise DomainError(_("This item is closed; it takes no more supports."), code="closed")
    now = now or utcnow()
    from community.reminders.services import insert_ignoring_duplicates

    inserted = db.session.execute(
        insert_ignoring_duplicates(Support.__table__, ["request_id", "supporter_id"])
        .values(request_id=item.id, supporter_id=actor.id, created_at=now).returning(Support.__table__.c.id)).all()
    if not inserted:
        raise Conflict(_("You have already supported this item."), code="already_supported")
    # One UPDATE … SET n = n + 1: simultaneous supports by different people add up, never overwrite each other.
    count = db.session.execute(update(Request).where(Request.id == item.id).values(
        support_count=Request.support_count + 1, updated_at=now).returning(Request.support_count)).scalar_one()
    queued = db.session.execute(update(Request).where(
        Request.id == item.id, Request.queued_at.is_(None), Request.support_count >= threshold(),
        Request.status.in_(("submitted", "accepted"))).values(queued_at=now).returning(Request.id)).all()
    db.session.refresh(item)
    if queued:
        add_event(None, item, item.status, item.status,
                  ngettext("%(num)d support: the item joins the queue for the next meeting.",
                           "%(num)d supports: the item joins the queue for the next meeting.", count), now=now)
    return count


def supporters_of(item: Request) -> set[int]:
    """Who supported an item (for the page's button) — one query."""
    return set(db.session.scalars(select(Support.supporter_id).where(Support.request_id == item.id)))
