"""The posts of an item's page: support, a step of the follow-up, the rating, hiding and showing. Each redirects
back to its section on success (post/redirect/get); a refusal renders the page again with the error beside the
field and what was typed."""
from __future__ import annotations

from datetime import date

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import db
from community.authz import require
from community.discussions import moderation
from community.discussions import requests as R
from community.discussions import requests_submit as S
from community.discussions.requests_views import bp, detail_page
from community.errors import DomainError, Invalid
from community.pages import FormFailure, redirect_to_section
from community.people.picker import picked_person


def _back(item, section: str):
    return redirect_to_section(url_for("requests.detail", request_id=item.id), section)


def _refused(item, form: str, error: DomainError, values: dict):
    if error.status in (403, 404):
        raise error
    failure = FormFailure(form, error, values)
    return detail_page(item, failure, 409 if error.status == 409 else (400 if error.status == 400 else 422))


@bp.route("/<int:request_id>/support", methods=["POST"])
@login_required
def support(request_id: int):
    """Support the item (once)."""
    item = S.get_request(request_id)
    try:
        count = S.support(current_user, item)
    except DomainError as error:
        return _refused(item, "support", error, {})
    flash(ngettext("You support this item (%(num)d support).", "You support this item (%(num)d supports).", count),
          "success")
    return _back(item, "supports")


def _deadline(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Enter a date."), fields={"deadline": _("Enter a date.")}) from None


@bp.route("/<int:request_id>/status", methods=["POST"])
@login_required
def change_status(request_id: int):
    """A handler moves the item one step, with a note."""
    require(current_user, "request.handle")  # before the lookup says anything
    item = S.get_request(request_id)
    require(current_user, "request.handle", item)
    values = {key: request.form.get(key, "") for key in ("status", "note", "responsible", "deadline",
                                                           "responsible_person", "responsible_person_id")}
    try:
        person = None
        if values["responsible_person"].strip():  # chosen with the person picker, among the community's people
            person = picked_person(current_user, request.form, ("community", item.community_id), "request.handle",
                                   "responsible_person")
        R.change_status(current_user, item, values["status"], values["note"], responsible=values["responsible"],
                        deadline=_deadline(values["deadline"]), responsible_person=person)
    except DomainError as error:
        db.session.rollback()
        return _refused(db.session.get(type(item), item.id), "status", error, values)
    flash(_("The item is now: %(status)s. Its submitter and supporters are told.",
            status=R.STATUS_LABELS[item.status]), "success")
    return _back(item, "follow-up")


@bp.route("/<int:request_id>/rating", methods=["POST"])
@login_required
def rate(request_id: int):
    """The submitter rates the closed item once (an unsatisfied rating may reopen it once)."""
    item = S.get_request(request_id)
    values = {"rating": request.form.get("rating", ""), "reopen": request.form.get("reopen") == "1",
              "note": request.form.get("note", "")}
    try:
        R.rate(current_user, item, values["rating"], reopen=values["reopen"], note=values["note"])
    except DomainError as error:
        db.session.rollback()
        return _refused(db.session.get(type(item), item.id), "rating", error, values)
    flash(_("Thank you: your rating is recorded.") if item.status == "done"
          else _("Your rating is recorded and the item is reopened."), "success")
    return _back(item, "rating")


@bp.route("/<int:request_id>/hide", methods=["POST"])
@login_required
def hide(request_id: int):
    """An administrator hides the item with a reason; its author is told."""
    require(current_user, "request.moderate")  # before the lookup says anything
    item = S.get_request(request_id)
    require(current_user, "request.moderate", item)
    values = {"reason": request.form.get("reason", "")}
    try:
        moderation.hide(current_user, item, values["reason"])
    except DomainError as error:
        db.session.rollback()
        return _refused(db.session.get(type(item), item.id), "hide", error, values)
    flash(_("The item is hidden from the board; its author is told why."), "success")
    return _back(item, "moderation")


@bp.route("/<int:request_id>/show", methods=["POST"])
@login_required
def show(request_id: int):
    """An administrator shows a hidden item again."""
    require(current_user, "request.moderate")  # before the lookup says anything
    item = S.get_request(request_id)
    require(current_user, "request.moderate", item)
    try:
        moderation.show(current_user, item)
    except DomainError as error:
        return _refused(item, "hide", error, {})
    flash(_("The item is on the board again."), "success")
    return _back(item, "moderation")
