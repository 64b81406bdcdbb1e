"""Pages of the key ceremony: a vote supervisor's share, shown once; the count page where k of them open
the sealed ballots. Phone-first; every problem with a typed share is shown beside that share."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from community.authz import can, require
from community.elections.manage_views import bp
from community.elections.services import ballot_key
from community.elections.services.common import current_round, get_election
from community.errors import DomainError, Invalid, NotFound


def _qr_svg(text: str) -> Markup:
    """The share as an inline SVG QR code (made here, from our own text)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return Markup(image.to_string(encoding="unicode"))  # noqa: S704  # nosec B704: our own SVG, no user markup


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:election_id>/ballot-key/share", methods=["GET", "POST"])
@login_required
def my_share(election_id: int):
    """A supervisor's share of the round's key: shown once, after pressing the button, then erased."""
    election = get_election(election_id)
    row = ballot_key.my_share(current_user, election)
    if row is None:
        raise NotFound(_("You hold no share of this round's ballot key."))
    shown = None
    if request.method == "POST":
        try:
            shown = ballot_key.reveal_share(current_user, election)
        except DomainError as error:
            if error.status == 404:
                raise
            return _no_store(make_response(render_template("elections/key_share.html", election=election, row=row,
                                                           shown=None, error=error.message), 409))
    page = render_template("elections/key_share.html", election=election, row=row, shown=shown, error=None,
                           qr=_qr_svg(shown["share"]) if shown else None)
    return _no_store(make_response(page))


@bp.route("/<int:election_id>/ballot-key/open", methods=["GET", "POST"])
@login_required
def open_ballots(election_id: int):
    """The count page: k supervisors type their shares; the sealed ballots are opened for the count."""
    election = get_election(election_id)
    if not can(current_user, "election.open_ballots", election):
        require(current_user, "election.manage", election)
    status = ballot_key.key_status(election)
    if status is None:
        raise NotFound(_("This round has no ballot key."))
    round_ = current_round(election)
    typed = [request.form.get(f"share_{n}", "") for n in range(status["threshold"])]
    errors, message = {}, None
    if request.method == "POST":
        try:
            result = ballot_key.open_ballots(current_user, election, typed, field="share_{}")
        except Invalid as error:
            errors, message = error.fields or {}, error.message
        except DomainError as error:
            if error.status in (403, 404):
                raise
            message = error.message
        else:
            from flask import flash

            flash(ngettext("%(num)d sealed ballot was opened; the round can now be counted.",
                           "%(num)d sealed ballots were opened; the round can now be counted.", result["opened"]),
                  "success")
            back = "elections_manage.manage" if can(current_user, "election.manage", election) else "elections.detail"
            return redirect(url_for(back, election_id=election.id))
    page = render_template("elections/open_ballots.html", election=election, status=status, round=round_,
                           errors=errors, message=message, typed=typed if errors else [""] * len(typed))
    return _no_store(make_response(page, 400 if errors else 422 if message else 200))
