"""Pages of requests and proposals: the public board, the phone-first submission form, an item with its history,
and its photos (served through a permission check, never from static/). The forms' posts are in
requests_actions.py."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from community.authz import can
from community.database import id_or_none, valid_id
from community.discussions import board as B
from community.discussions import photos as photo_files
from community.discussions import requests_submit as S
from community.discussions.models import CATEGORIES, STATUSES, RequestPhoto
from community.discussions.requests import NEXT, RATING_LABELS, STATUS_LABELS, threshold
from community.errors import DomainError
from community.pages import FormFailure, redirect_to_section
from community.places.models import Community

bp = Blueprint("requests", __name__, url_prefix="/requests")
CATEGORY_LABELS = {
    "wages": _l("Wages owed"), "schooling": _l("Children's schooling"), "housing": _l("Housing and rentals"),
    "health": _l("Health"), "safety": _l("Safety"), "neighbours": _l("Neighbours"),
    "environment": _l("Environment"), "jobs": _l("Jobs"), "other": _l("Other"),
}
KIND_LABELS = {"request": _l("Request"), "proposal": _l("Proposal")}


def _communities() -> list[tuple[int, str]]:
    return list(db.session.execute(select(Community.id, Community.name).order_by(Community.name)).all())


def labels() -> dict:
    """The labels every page of requests uses."""
    return {"categories": CATEGORY_LABELS, "statuses": STATUS_LABELS, "kinds": KIND_LABELS,
            "ratings": RATING_LABELS}


@bp.route("/")
@login_required
def board():
    """The public board: filters by community, category, status and search; a page of items at a time."""
    filters = {"community_id": id_or_none(request.args.get("community_id", type=int)),
               "category": request.args.get("category") if request.args.get("category") in CATEGORIES else None,
               "status": request.args.get("status") if request.args.get("status") in STATUSES else None,
               "q": (request.args.get("q") or "").strip()[:B.QUERY_MAX]}
    items, cursor = B.board_page(current_user, after=request.args.get("after"), **filters)
    rows = [B.item_out(current_user, item) for item in items]
    chosen = {k: v for k, v in filters.items() if v}
    next_url = url_for("requests.board", **chosen, after=cursor) if cursor else ""
    return render_template("discussions/requests/board.html", rows=rows, filters=filters, next_url=next_url,
                           newest_url=url_for("requests.board", **chosen),
                           communities=_communities(), first_page=not request.args.get("after"),
                           may_export=can(current_user, "request.handle"), **labels())


def _new_page(values: dict, failure: FormFailure | None = None, status: int = 200):
    return render_template("discussions/requests/new.html", values=values, failure=failure or FormFailure(),
                           communities=_communities(), max_photos=photo_files.MAX_PHOTOS,
                           max_mb=photo_files.MAX_BYTES // (1024 * 1024), **labels()), status


@bp.route("/new")
@login_required
def new():
    """The submission form: few fields, category chips, optional photos — under a minute on a phone."""
    return _new_page({"kind": "request", "community_id": current_user.community_id, "is_public": True,
                      "category": request.args.get("category", "")})


@bp.route("/new", methods=["POST"])
@login_required
def create():
    """Raise the item (post/redirect/get); a refusal shows the form again with the errors and what was typed."""
    values = {"kind": request.form.get("kind", "request"), "title": request.form.get("title", ""),
              "body": request.form.get("body", ""), "category": request.form.get("category", ""),
              "community_id": request.form.get("community_id", ""),
              "is_public": request.form.get("is_public") == "1"}
    try:
        item = S.submit(current_user, values, request.files.getlist("photos"))
    except DomainError as error:
        if error.status in (403, 404):
            raise
        return _new_page(values, FormFailure("new", error, values), 400 if error.status == 400 else 422)
    from flask import flash

    flash(_("Your item is on the board. You will be told of every step."), "success")
    return redirect_to_section(url_for("requests.detail", request_id=item.id))


def detail_page(item, failure: FormFailure | None = None, status: int = 200):
    """An item's page: content (or why it is hidden), photos, supports, history and the forms its reader may use."""
    readable = B.may_read(current_user, item)
    may_handle = can(current_user, "request.handle", item)
    steps = sorted(NEXT[item.status], key=STATUSES.index)
    if item.status == "submitted" and item.queued_at is not None:
        steps.append("on_agenda")
    if item.status == "done" and item.rating == "unsatisfied" and not item.has_reopened:
        steps.append("in_progress")
    return render_template(
        "discussions/requests/detail.html", item=item, out=B.item_out(current_user, item), readable=readable,
        events=[(e, B.event_actor_name(current_user, item, e)) for e in B.history(item)] if readable else [],
        photos=B.photos_of(item) if readable else [], supported=current_user.id in S.supporters_of(item),
        may_handle=may_handle, may_moderate=can(current_user, "request.moderate", item), steps=steps,
        may_rate=item.submitter_id == current_user.id and item.status == "done" and item.rating is None,
        threshold=threshold(), failure=failure or FormFailure(), **labels()), status


@bp.route("/<int:request_id>")
@login_required
def detail(request_id: int):
    """One item with its full history."""
    return detail_page(S.get_request(request_id))


@bp.route("/<int:request_id>/photos/<int:photo_id>")
@login_required
def photo(request_id: int, photo_id: int):
    """A photo, only to those who may read its item; never cached by shared caches."""
    if not (valid_id(request_id) and valid_id(photo_id)):
        abort(404)
    item = S.get_request(request_id)
    found = db.session.get(RequestPhoto, photo_id)
    if found is None or found.request_id != item.id or not B.may_read(current_user, item):
        abort(404)
    path = photo_files.path_of(found.stored_name)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=found.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def home_cards(person) -> list[dict]:
    """A handler's home card: the new items of their communities waiting for an answer (one query, none for
    people without a community-scoped handling role)."""
    from sqlalchemy import func

    from community.authz import grants_of
    from community.discussions import HANDLERS
    from community.discussions.models import Request

    if not getattr(person, "id", None):
        return []
    communities = sorted({g.scope_id for g in grants_of(person) if g.role in HANDLERS and g.scope_type == "community"})
    if not communities:
        return []
    rows = db.session.execute(select(Request.community_id, func.count()).where(
        Request.community_id.in_(communities), Request.status == "submitted", Request.is_hidden.is_(False))
        .group_by(Request.community_id)).all()
    names = dict(_communities())
    return [{"title": ngettext("%(num)d new request to answer", "%(num)d new requests to answer", count),
             "body": _("%(community)s: accept or decline each, with a note.", community=names.get(cid, "")),
             "url": url_for("requests.board", community_id=cid, status="submitted")} for cid, count in rows if count]
