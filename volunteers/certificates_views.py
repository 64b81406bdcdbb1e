"""Pages of certificates: "my certificates" (large touch targets: the kiosk links here), asking for one, its PDF,
and the public verification page its QR code opens."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import db
from community.errors import DomainError
from community.pages import FormFailure, redirect_to_section
from volunteers import certificates as C
from volunteers.ledger import hours, stars

bp = Blueprint("volunteer_certificates", __name__, url_prefix="/volunteers/certificates")
verify_bp = Blueprint("certificate_verify", __name__)


@bp.route("/")
@login_required
def mine(failure: FormFailure | None = None):
    """The volunteer's certificates (newest first), their hours so far, and the button to ask for one."""
    found = db.session.scalars(C.mine_query(current_user.id).limit(50)).all()
    total = hours(current_user.id)
    return render_template("volunteers/certificates/mine.html", certificates=found, hours=total,
                           stars=stars(total), states=C.STATES, failure=failure or FormFailure())


@bp.route("/", methods=["POST"])
@login_required
def ask():
    """Ask for a certificate of one's hours so far; it is made in the background."""
    try:
        certificate = C.request_certificate(current_user, current_user)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        return mine(FormFailure("ask", error, {})), error.status
    flash(_("Certificate %(number)s is being made; it appears here when ready.", number=certificate.number),
          "success")
    return redirect_to_section(url_for("volunteer_certificates.mine"), "certificates")


@bp.route("/<int:certificate_id>.pdf")
@login_required
def pdf(certificate_id: int):
    """The certificate's PDF, for its holder (and administrators over them), once it is made."""
    certificate = C.get_certificate(current_user, certificate_id)
    if certificate.state != "ready" or not certificate.pdf:
        abort(404)
    return Response(certificate.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=certificate-{certificate.number}.pdf",
        "Cache-Control": "private, no-store"})


@verify_bp.route("/verify/<token>")
def verify(token: str):
    """Public: what the certificate states, when the code is genuine; a clear warning when it is not."""
    try:
        certificate = C.by_token(token)
    except DomainError:
        return render_template("volunteers/certificates/verify.html", certificate=None), 404
    return render_template("volunteers/certificates/verify.html", certificate=certificate,
                           hours_text=C._hours_text(certificate.hours))
