"""JSON API of requests and proposals (shared/API.md): submit, the board, one item with its history, supports,
status changes and the rating. Every answer goes through board.item_out, so an author's name never leaves
when it must not."""
from __future__ import annotations

import marshmallow as ma

from app import db
from community.apitools import (
    Id,
    PageArgs,
    StrictBoolean,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_body,
    page_schema,
)
from community.authz import require
from community.discussions import board as B
from community.discussions import moderation
from community.discussions import requests as R
from community.discussions import requests_submit as S
from community.discussions.models import CATEGORIES, KINDS, RATINGS, STATUSES
from community.listing import paginate
from community.people.models import Person

blp = api_blueprint("requests_api", "Requests and proposals (诉求 / 建言), supports (附议), follow-up")
F = ma.fields


class RequestIn(ma.Schema):
    kind = F.String(load_default="request", metadata={"description": "request or proposal", "enum": list(KINDS)})
    title = F.String(required=True, metadata={"description": "at most 80 characters"})
    body = F.String(required=True, metadata={"description": "at most 2000 characters"})
    category = F.String(required=True, metadata={"enum": list(CATEGORIES)})
    community_id = Id(required=True, strict=True)
    public = StrictBoolean(load_default=True, metadata={
        "description": "false: on the board without the author's name (handlers still see who)"})


class RequestOut(ma.Schema):
    id = F.Integer()
    kind = F.String()
    category = F.String()
    status = F.String(metadata={"enum": list(STATUSES)})
    community_id = F.Integer()
    community = F.String()
    title = F.String(metadata={"description": "empty while hidden by an administrator (to all but the author "
                                              "and handlers)"})
    body = F.String()
    public = F.Boolean()
    hidden = F.Boolean()
    hidden_reason = F.String()
    submitter_id = F.Integer(allow_none=True, metadata={"description": "null when the author is not shown"})
    submitter = F.String(allow_none=True)
    support_count = F.Integer()
    queued = F.Boolean(metadata={"description": "in the queue for the next meeting"})
    responsible = F.String()
    deadline = F.Date(allow_none=True)
    rating = F.String(allow_none=True)
    created_at = F.DateTime()
    closed_at = F.DateTime(allow_none=True)


class RequestEventOut(ma.Schema):
    from_status = F.String(allow_none=True)
    to_status = F.String()
    note = F.String()
    actor = F.String(metadata={"description": "who made the step (empty for the system)"})
    created_at = F.DateTime()


class RequestDetailOut(RequestOut):
    history = F.List(F.Nested(RequestEventOut))
    photo_urls = F.List(F.String())


class RequestBoardArgs(PageArgs):
    community_id = Id()
    status = F.String(validate=ma.validate.OneOf(list(STATUSES)))
    category = F.String(validate=ma.validate.OneOf(list(CATEGORIES)))
    q = F.String(metadata={"description": "words anywhere in the title or text (Chinese needs no spaces)"})


BoardOut = page_schema(RequestOut, "RequestBoard")


class RequestSupportOut(ma.Schema):
    support_count = F.Integer()
    queued = F.Boolean()


class RequestStatusIn(ma.Schema):
    status = F.String(required=True, metadata={"enum": list(STATUSES)})
    note = F.String(load_default="", metadata={"description": "required to decline and to reopen"})
    responsible = F.String(load_default="", metadata={"description": "deciding: the responsible unit or person"})
    responsible_person_id = Id(strict=True, load_default=None, allow_none=True)
    deadline = F.Date(load_default=None, allow_none=True)


class RequestRatingIn(ma.Schema):
    rating = F.String(required=True, metadata={"enum": list(RATINGS)})
    reopen = StrictBoolean(load_default=False, metadata={"description": "unsatisfied only: reopen it (once)"})
    note = F.String(load_default="")


class RequestHideIn(ma.Schema):
    reason = F.String(required=True)


def _detail(actor, item) -> dict:
    from flask import url_for

    out = B.item_out(actor, item)
    out["history"] = [{"from_status": e.from_status, "to_status": e.to_status, "note": e.note,
                       "actor": B.event_actor_name(actor, item, e), "created_at": e.created_at}
                      for e in B.history(item)] if B.may_read(actor, item) else []
    out["photo_urls"] = [url_for("requests.photo", request_id=item.id, photo_id=p.id)
                         for p in B.photos_of(item)] if B.may_read(actor, item) else []
    return out


@blp.route("/requests", methods=["POST"])
@bearer_required
@blp.arguments(RequestIn)
@blp.response(201, RequestOut)
@document_errors(blp, 400, 401, 403)
def submit(data):
    """Raise a request or proposal (photos: on the page /requests/new)."""
    actor = current_actor()
    item = S.submit(actor, {**data, "is_public": data.pop("public")})
    return B.item_out(actor, item)


@blp.route("/requests")
@bearer_required
@blp.arguments(RequestBoardArgs, location="query")
@blp.response(200, BoardOut)
@document_errors(blp, 400, 401)
def board(args):
    """The public board: filters by community, category, status and Chinese search, newest first."""
    actor = current_actor()
    statement = B.board_query(actor, community_id=args.get("community_id"), category=args.get("category"),
                              status=args.get("status"), q=args.get("q"))
    page = paginate(db.session, statement, args["page"], args["per_page"], cursor=args.get("cursor"))
    return {"items": [B.item_out(actor, i) for i in page.items], **page_body(page)}


@blp.route("/requests/<int:request_id>")
@bearer_required
@blp.response(200, RequestDetailOut)
@document_errors(blp, 401, 404)
def detail(request_id):
    """One item with its full history and its photos' addresses."""
    actor = current_actor()
    R.require_signed_in(actor)
    return _detail(actor, S.get_request(request_id))


@blp.route("/requests/<int:request_id>/supports", methods=["POST"])
@bearer_required
@blp.response(201, RequestSupportOut)
@document_errors(blp, 401, 404, 409, 422)
def support(request_id):
    """Support an item once: 409 a second time; 422 one's own or a closed item."""
    actor = current_actor()
    R.require_signed_in(actor)
    item = S.get_request(request_id)
    count = S.support(actor, item)
    return {"support_count": count, "queued": item.queued_at is not None}


@blp.route("/requests/<int:request_id>/status", methods=["POST"])
@bearer_required
@blp.arguments(RequestStatusIn)
@blp.response(200, RequestDetailOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def change_status(data, request_id):
    """Move an item one step (discussion members and administrators); notifies the submitter and supporters."""
    actor = current_actor()
    require(actor, "request.handle")  # a handler somewhere, before the lookup says anything
    item = S.get_request(request_id)
    require(actor, "request.handle", item)
    person = db.session.get(Person, data["responsible_person_id"]) if data["responsible_person_id"] else None
    R.change_status(actor, item, data["status"], data["note"], responsible=data["responsible"],
                    deadline=data["deadline"], responsible_person=person)
    return _detail(actor, item)


@blp.route("/requests/<int:request_id>/rating", methods=["POST"])
@bearer_required
@blp.arguments(RequestRatingIn)
@blp.response(200, RequestDetailOut)
@document_errors(blp, 400, 401, 403, 404, 409, 422)
def rate(data, request_id):
    """The submitter rates a closed item once (409 a second time; 422 before closure)."""
    actor = current_actor()
    R.require_signed_in(actor)
    item = S.get_request(request_id)
    R.rate(actor, item, data["rating"], reopen=data["reopen"], note=data["note"])
    return _detail(actor, item)


@blp.route("/requests/<int:request_id>/hide", methods=["POST"])
@bearer_required
@blp.arguments(RequestHideIn)
@blp.response(200, RequestOut)
@document_errors(blp, 400, 401, 403, 404, 422)
def hide(data, request_id):
    """An administrator hides abusive content with a reason; the author is told; nothing is deleted."""
    actor = current_actor()
    require(actor, "request.moderate")
    item = S.get_request(request_id)
    require(actor, "request.moderate", item)
    moderation.hide(actor, item, data["reason"])
    return B.item_out(actor, item)
