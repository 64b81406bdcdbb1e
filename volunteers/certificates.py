"""Volunteer service certificates (志愿服务证明): issued on request, made as a Chinese PDF on the task queue.

A certificate states the volunteer's name, masked ID number, service hours (the ledger's hours() when it was
asked for), the content (service by category and the number of activities), the issuer (the street), a
contact, its number and date, and a QR code and link to the public verification page. That page is reached
by an unguessable token (secrets.token_urlsafe: 128 bits), not by the printed number, so nobody can walk the
numbers; it shows only what the certificate itself states. The PDF is kept in the row, so every web worker
can serve it, and it is made once, by the task, never inside a request.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, Numeric, String, Text, func, select
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import db
from community.audit.services import record
from community.authz import can, require
from community.database import UTCDateTime, as_local, transactional, unit_of_work, utcnow, valid_id
from community.errors import DomainError, NotFound
from community.people.models import Person

STATES = {"queued": _l("Being made"), "ready": _l("Ready"), "failed": _l("Could not be made")}
CATEGORY_WORDS = {"volunteer_service": "志愿服务", "waste_sorting": "垃圾分类", "civic_campaign": "文明创建",
                  "disaster_relief": "抢险救灾", "blood_donation": "无偿献血", "other": "其他服务"}
TASK = "volunteers.certificate"


class Certificate(db.Model):
    """One issued certificate: what it states (a snapshot at issue), its verification token and its PDF."""

    __tablename__ = "volunteer_certificate"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'ready', 'failed')", name="state_known"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        Index("ix_volunteer_certificate_person_created", "person_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    id_masked: Mapped[str] = mapped_column(String(18), default="")
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    content: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()

    @property
    def authz_scope(self):
        return ("community", self.person.community_id) if self.person.community_id else ("platform", 0)

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


def service_content(person_id: int) -> str:
    """What the service was, in the certificate's words: hours by category and the number of activities."""
    from volunteers.ledger import LedgerEntry

    rows = db.session.execute(
        select(LedgerEntry.category, func.sum(LedgerEntry.hours))
        .where(LedgerEntry.person_id == person_id).group_by(LedgerEntry.category)).all()
    activities = db.session.scalar(
        select(func.count(func.distinct(LedgerEntry.source_id)))
        .where(LedgerEntry.person_id == person_id, LedgerEntry.source_type == "activity",
               LedgerEntry.reverses_id.is_(None))) or 0
    parts = [f"{CATEGORY_WORDS.get(category or 'other', category)}{_hours_text(hours)}小时"
             for category, hours in sorted(rows, key=lambda r: -(r[1] or 0)) if hours and hours > 0]
    text = f"参加志愿服务活动{activities}次" if activities else "参加志愿服务"
    return text + ("：" + "，".join(parts) if parts else "") + "。"


def _hours_text(hours) -> str:
    value = Decimal(hours or 0).quantize(Decimal("0.01"))
    return f"{value.normalize():f}"  # 52.50 → 52.5, 8.00 → 8


@transactional
def request_certificate(actor, person: Person) -> Certificate:
    """The volunteer asks for a certificate of their hours so far; the PDF is made on the task queue."""
    from community.background import start_job
    from volunteers.ledger import hours

    require(actor, "certificate.request", person)
    total = Decimal(hours(person.id) or 0)
    if total <= 0:
        raise DomainError(_("There are no confirmed service hours to certify yet."), code="no_hours")
    community = person.community
    street = community.street if community else None
    contact = current_app.config.get("CERTIFICATE_CONTACT") or (
        f"{community.name}居民委员会" if community else "")
    certificate = Certificate(person_id=person.id, token=secrets.token_urlsafe(16), name=person.name,
                              id_masked=person.id_number_masked or "", hours=total,
                              content=service_content(person.id), contact=contact,
                              issuer=f"{street.name}志愿服务中心" if street else "同心圆志愿服务平台",
                              issued_on=as_local(utcnow()).date())
    db.session.add(certificate)
    db.session.flush()
    certificate.number = f"ZYFW{certificate.issued_on:%Y%m%d}{certificate.id:06d}"
    record(actor, "certificate.request", person, summary=certificate.number,
           detail={"hours": str(total), "certificate_id": certificate.id})
    start_job(actor.id, TASK, certificate.id, _site())
    return certificate


def _site() -> str:
    """The site's address for the printed link: PUBLIC_URL, else the address this request came to (the task runs
    without a request, and a QR code with a bare path cannot be opened by a phone's camera)."""
    from flask import has_request_context, request

    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/")


def verify_url(certificate: Certificate, site: str | None = None) -> str:
    """The verification page's address, absolute when the site's address is known (printed under the QR code)."""
    return f"{(site if site is not None else _site())}/verify/{certificate.token}"


def make_certificate(_job_id, certificate_id: int, site: str = "") -> None:
    """The task: draw the PDF and keep it in the row (state ready); a failure marks it failed."""
    from community.background import set_progress

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        return
    try:
        data = certificate_pdf(certificate, site)
    except Exception:
        db.session.rollback()
        with unit_of_work():
            db.session.get(Certificate, certificate_id).state = "failed"
        raise
    with unit_of_work():
        certificate.pdf, certificate.state = data, "ready"
    if _job_id:
        set_progress(_job_id, done=1, total=1, state="done")


def _qr_image(url: str):
    import qrcode
    from reportlab.lib.utils import ImageReader

    image = qrcode.make(url, box_size=6, border=2)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def certificate_pdf(certificate: Certificate, site: str = "") -> bytes:
    """志愿服务证明 on one A4 page: the statement, the fields, issuer and date, and the QR code with its link."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from community.elections.documents import _font

    font = _font()
    width, height = A4
    margin = 25 * mm
    title = ParagraphStyle("t", fontName=font, fontSize=24, leading=32, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=13, leading=24, firstLineIndent=26)
    plain = ParagraphStyle("p", fontName=font, fontSize=12, leading=20)
    right = ParagraphStyle("r", fontName=font, fontSize=13, leading=22, alignment=2)
    name = escape(certificate.name)
    day = certificate.issued_on
    url = verify_url(certificate, site)
    lines = [
        (Paragraph("志愿服务证明", title), 10 * mm),
        (Paragraph(f"证书编号：{escape(certificate.number or '')}", right), 6 * mm),
        (Paragraph(f"兹证明{name}同志（身份证号：{escape(certificate.id_masked or '未登记')}）"
                   f"累计参加志愿服务{_hours_text(certificate.hours)}小时。", body), 3 * mm),
        (Paragraph(f"服务内容：{escape(certificate.content)}", body), 3 * mm),
        (Paragraph("以上服务时长经活动组织方确认并记入志愿积分台账，特此证明。", body), 12 * mm),
        (Paragraph(f"出具单位：{escape(certificate.issuer)}", right), 2 * mm),
        (Paragraph(f"联系方式：{escape(certificate.contact or '—')}", right), 2 * mm),
        (Paragraph(f"{day.year}年{day.month}月{day.day}日", right), 10 * mm),
    ]
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{certificate.name} 志愿服务证明 {certificate.number}")
    y = height - margin
    for paragraph, gap in lines:
        _w, h = paragraph.wrap(width - 2 * margin, height)
        paragraph.drawOn(canvas, margin, y - h)
        y -= h + gap
    size = 38 * mm
    canvas.drawImage(_qr_image(url), margin, y - size, size, size)
    note = Paragraph(f"扫描二维码或访问以下网址核验本证明：<br/>{escape(url)}", plain)
    _w, h = note.wrap(width - 2 * margin - size - 8 * mm, size)
    note.drawOn(canvas, margin + size + 8 * mm, y - size / 2 - h / 2)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- reading
def mine_query(person_id: int):
    """A person's certificates, newest first (without the PDFs)."""
    return (select(Certificate).where(Certificate.person_id == person_id)
            .order_by(Certificate.created_at.desc(), Certificate.id.desc()))


def get_certificate(actor, certificate_id) -> Certificate:
    """A certificate its holder (or an administrator over them) may see; else NotFound."""
    certificate = db.session.get(Certificate, certificate_id) if valid_id(certificate_id) else None
    if certificate is None or not can(actor, "certificate.view", certificate):
        raise NotFound(_("There is no such certificate."))
    return certificate


def by_token(token: str) -> Certificate:
    """The certificate a verification link names, or NotFound (a wrong or made-up token learns nothing)."""
    certificate = None
    if isinstance(token, str) and 10 <= len(token) <= 40:
        certificate = db.session.scalar(select(Certificate).where(Certificate.token == token))
    if certificate is None:
        raise NotFound(_("No certificate has this verification code. The certificate may be forged."))
    return certificate
