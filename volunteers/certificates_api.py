"""JSON API of volunteer service certificates: ask for one (made on the task queue), list one's own, the PDF, and
the public verification by the token its QR code carries."""
from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_babel import gettext as _

from community.apitools import (
    PageArgs,
    api_blueprint,
    bearer_required,
    current_actor,
    document_errors,
    page_of,
    page_schema,
)
from community.errors import NotFound
from volunteers import certificates as C

blp = api_blueprint("volunteer_certificates_api", "Volunteer service certificates (志愿服务证明) and their "
                    "public verification")
F = ma.fields


class CertificateOut(ma.Schema):
    id = F.Integer()
    number = F.String()
    name = F.String()
    id_masked = F.String(metadata={"description": "the ID-card number, masked"})
    hours = F.Decimal(as_string=True, places=2)
    content = F.String()
    issuer = F.String()
    contact = F.String()
    issued_on = F.Date()
    state = F.String(metadata={"description": "queued (being made), ready, failed"})
    verify_url = F.Function(lambda c: C.verify_url(c))


class VerifiedOut(ma.Schema):
    number = F.String()
    name = F.String()
    id_masked = F.String()
    hours = F.Decimal(as_string=True, places=2)
    content = F.String()
    issuer = F.String()
    contact = F.String()
    issued_on = F.Date()


@blp.route("/certificates")
@bearer_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(CertificateOut, "CertificatePage"))
@document_errors(blp, 400, 401)
def mine(args):
    """One's own certificates, newest first."""
    return page_of(C.mine_query(current_actor().id), args)


@blp.route("/certificates", methods=["POST"])
@bearer_required
@blp.response(201, CertificateOut)
@document_errors(blp, 401, 403, 422)
def ask():
    """Ask for a certificate of one's confirmed hours so far (422 with none); the PDF follows on the task queue."""
    return C.request_certificate(current_actor(), current_actor())


@blp.route("/certificates/<int:certificate_id>.pdf")
@bearer_required
@blp.response(200, content_type="application/pdf")
@document_errors(blp, 401, 404)
def pdf(certificate_id):
    """The certificate as a PDF once it is made (404 before)."""
    certificate = C.get_certificate(current_actor(), certificate_id)
    if certificate.state != "ready" or not certificate.pdf:
        raise NotFound(_("The certificate is still being made."))
    return Response(certificate.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=certificate-{certificate.number}.pdf"})


@blp.route("/certificates/verify/<token>")
@blp.response(200, VerifiedOut)
@document_errors(blp, 404)
def verify(token):
    """Public: what the certificate with this verification code states (404: no such certificate)."""
    certificate = C.by_token(token)
    return certificate
