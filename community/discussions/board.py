"""The public board: every signed-in person sees the items of any community, filtered by community, category and
status, searched in Chinese, newest first, a bounded page at a time.

Who raised an item is shown only when they chose a public item, to themselves and to handlers
(`request.see_author`); everything that leaves this module (pages, API, search, exports) goes through
`item_out`, which leaves the author out otherwise. An item an administrator hid stays in the database but
leaves the board and the search; its page says why, to everyone but its author and the handlers.

Search: `search_text` holds title and text normalised (NFKC, case-folded, spaces removed) and the query is
normalised the same way, then matched with LIKE '%…%' — Chinese has no spaces, so "工资" must be found inside
"老板拖欠工资三个月". On PostgreSQL a pg_trgm GIN index answers LIKE for queries of 3+ characters; shorter
ones, and SQLite, scan only the rows the other filters leave (README "Design" has the measurements).
"""
from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app import db
from community.authz import can, scope_condition
from community.discussions.models import CATEGORIES, STATUSES, Request, RequestEvent, RequestPhoto
from community.discussions.requests import require_signed_in
from community.errors import Invalid

PAGE = 20
QUERY_MAX = 40


def normalise(text: str) -> str:
    """Title and text as the search compares them: full-width folded (NFKC), case-folded, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def may_see_author(actor, item: Request) -> bool:
    """The author's name: on public items to everyone; otherwise only to the author and the handlers."""
    return item.is_public or getattr(actor, "id", None) == item.submitter_id or can(actor, "request.see_author", item)


def may_read(actor, item: Request) -> bool:
    """A hidden item's content: only to its author, the handlers and administrators."""
    return (not item.is_hidden or getattr(actor, "id", None) == item.submitter_id
            or can(actor, "request.see_author", item))


def encode_cursor(item: Request) -> str:
    raw = f"{item.created_at.isoformat()}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    """(created_at, id) of the last item of the previous page, or None (a damaged cursor starts over)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _sep, item_id = raw.partition("|")
        return datetime.fromisoformat(moment), int(item_id)
    except (ValueError, UnicodeDecodeError):
        return None


def board_query(actor, *, community_id=None, category=None, status=None, q=None):
    """The board's select, filtered, newest first; Invalid for an unknown category or status."""
    require_signed_in(actor)
    statement = select(Request).where(Request.is_hidden.is_(False))
    if community_id:
        statement = statement.where(Request.community_id == community_id)
    if category:
        if category not in CATEGORIES:
            raise Invalid(_("Unknown category."), fields={"category": _("Unknown category.")})
        statement = statement.where(Request.category == category)
    if status:
        if status not in STATUSES:
            raise Invalid(_("Unknown status."), fields={"status": _("Unknown status.")})
        statement = statement.where(Request.status == status)
    query = normalise(q or "")[:QUERY_MAX]
    if query:
        statement = statement.where(Request.search_text.like(_like_pattern(query), escape="\\"))
    return statement.options(joinedload(Request.submitter), joinedload(Request.community)).order_by(
        Request.created_at.desc(), Request.id.desc())


def board_page(actor, *, after: str | None = None, per_page: int = PAGE, **filters) -> tuple[list[Request], str]:
    """One page of the board (keyset: the next page starts after the last item shown) and the next cursor."""
    statement = board_query(actor, **filters)
    last = decode_cursor(after)
    if last is not None:
        moment, item_id = last
        statement = statement.where(or_(Request.created_at < moment,
                                        and_(Request.created_at == moment, Request.id < item_id)))
    items = list(db.session.scalars(statement.limit(per_page + 1)).unique())
    more = len(items) > per_page
    items = items[:per_page]
    return items, encode_cursor(items[-1]) if more and items else ""


def item_out(actor, item: Request) -> dict:
    """An item as anyone may see it: the author only when `may_see_author`, a hidden item's content only when
    `may_read` (else its reason). Pages, the API and exports use this one projection."""
    readable = may_read(actor, item)
    author = may_see_author(actor, item)
    return {
        "id": item.id, "kind": item.kind, "category": item.category, "status": item.status,
        "community_id": item.community_id, "community": item.community.name if item.community else "",
        "title": item.title if readable else "", "body": item.body if readable else "",
        "public": item.is_public, "hidden": item.is_hidden,
        "hidden_reason": item.hidden_reason if item.is_hidden else "",
        "submitter_id": item.submitter_id if author else None,
        "submitter": item.submitter.name if author else None,
        "support_count": item.support_count, "queued": item.queued_at is not None,
        "responsible": item.responsible, "deadline": item.deadline_on, "rating": item.rating,
        "created_at": item.created_at, "closed_at": item.closed_at,
    }


def history(item: Request) -> list[RequestEvent]:
    """An item's full history, oldest first — one query (the actors' names joined)."""
    return list(db.session.scalars(select(RequestEvent).options(joinedload(RequestEvent.actor)).where(
        RequestEvent.request_id == item.id).order_by(RequestEvent.created_at, RequestEvent.id)))


def photos_of(item: Request) -> list[RequestPhoto]:
    """An item's photos — one query."""
    return list(db.session.scalars(select(RequestPhoto).where(RequestPhoto.request_id == item.id)
                                   .order_by(RequestPhoto.id)))


def event_actor_name(actor, item: Request, event: RequestEvent) -> str:
    """Who made a step: handlers by name; the author's own steps only when their name may be shown."""
    if event.actor_id is None or event.actor is None:
        return ""
    if event.actor_id == item.submitter_id and not may_see_author(actor, item):
        return _("The resident who raised it")
    return event.actor.name


EXPORT_COLUMNS = ("id", "kind", "title", "category", "community", "status", "support_count", "created_at",
                  "responsible", "deadline", "closed_at", "rating", "submitter")


def export_rows(actor, **filters) -> Iterator[tuple]:
    """The board as rows for a spreadsheet (every export of items goes through here): the board's filters, limited
    to the communities the actor handles, streamed (one query, read in batches). The author's name only on a
    public item still shown: a file leaves the platform, so handlers' wider view of authors stays on the pages."""
    statement = board_query(actor, **filters)
    condition = scope_condition(actor, "request.handle", "community", Request.community_id)
    if condition is not None:
        statement = statement.where(condition)
    result = db.session.execute(statement.execution_options(yield_per=500))
    for item in result.scalars():
        out = item_out(None, item)  # as a stranger sees it: never a private or hidden item's author
        out["submitter"] = item.submitter.name if item.is_public and not item.is_hidden else None
        yield tuple(out[column] for column in EXPORT_COLUMNS)
