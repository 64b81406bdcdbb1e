"""Ranked allocation of scarce services (school places, public rental housing) by points.

An `Allocation` of a street has places and an application window. Residents of the street apply within the
window. After it closes the street administrator ranks the applications and publishes the public list (公示)
for 7 days (`notice_until`); during the notice an applicant may object, and every objection is recorded and
answered. After the notice, with every objection answered, the list becomes final.

The ranking (stated on the page, and tested): points balance at the window's close, highest first; on equal
points, more service hours at the close; then the earlier application; then the lower application number.
The first `places` applications are offered a place. Balances and hours at the close are sums of the ledger
entries made up to the close, so a grant after the window changes nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app import db
from community.audit.services import record
from community.authz import require
from community.database import UTCDateTime, flush_or_conflict, transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.people.models import Person
from community.places.models import Street

KINDS = {"school_place": _l("School place"), "public_housing": _l("Public rental housing"), "other": _l("Other")}
STATES = {"open": _l("Taking applications"), "notice": _l("Public notice (公示)"), "final": _l("Final list")}
NOTICE_DAYS = 7
MAX_PLACES = 10000
TIE_BREAKER = _l("Ranked by points balance at the close of the window, highest first; on equal points, more "
                 "service hours at the close; then the earlier application; then the lower application number.")


class Allocation(db.Model):
    """Places of a scarce service, given by points: window, ranking, public notice with objections, final list."""

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("closes_at > opens_at", name="window_ordered"),
        CheckConstraint("state IN ('open', 'notice', 'final')", name="state_known"),
        CheckConstraint("kind IN ('school_place', 'public_housing', 'other')", name="kind_known"),
        Index("ix_allocation_street_closes", "street_id", "closes_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="school_place")
    description: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int] = mapped_column()
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="open")
    ranked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    street: Mapped[Street] = relationship()

    @property
    def authz_scope(self):
        return ("street", self.street_id)

    def is_window_open(self, now: datetime) -> bool:
        return self.state == "open" and self.opens_at <= now < self.closes_at


class AllocationApplication(db.Model):
    """One resident's application; once ranked, the points and hours at the close, the rank and the outcome."""

    __tablename__ = "allocation_application"
    __table_args__ = (
        UniqueConstraint("allocation_id", "person_id", name="uq_allocation_application_person"),
        Index("ix_allocation_application_rank", "allocation_id", "rank"),
        Index("ix_allocation_application_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    points_at_close: Mapped[int | None] = mapped_column()
    hours_at_close: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rank: Mapped[int | None] = mapped_column()
    is_offered: Mapped[bool] = mapped_column(default=False)

    allocation: Mapped[Allocation] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def authz_scope(self):
        return self.allocation.authz_scope

    @property
    def authz_owner_id(self) -> int:
        return self.person_id


class AllocationObjection(db.Model):
    """An applicant's objection to the public list, and the administrator's answer."""

    __tablename__ = "allocation_objection"
    __table_args__ = (Index("ix_allocation_objection_open", "allocation_id", "answered_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("allocation_application.id", ondelete="CASCADE"),
                                                index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    allocation: Mapped[Allocation] = relationship()
    application: Mapped[AllocationApplication] = relationship()

    @property
    def authz_scope(self):
        return ("street", self.allocation.street_id)

    @property
    def authz_owner_id(self) -> int:
        return self.application.person_id


# ---------------------------------------------------------------------------------------------- the steps
def _text(value, field: str, limit: int, message: str) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        raise Invalid(message, fields={field: message})
    return text


@transactional
def create_allocation(actor, street: Street, data: dict) -> Allocation:
    """A street administrator opens an allocation: title, kind, places and the application window."""
    from volunteers.redemptions import whole_number

    require(actor, "allocation.manage", ("street", street.id))
    kind = data.get("kind") or "school_place"
    if kind not in KINDS:
        raise Invalid(_("Choose what is allocated."), fields={"kind": _("Choose what is allocated.")})
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if not isinstance(opens_at, datetime) or not isinstance(closes_at, datetime) or closes_at <= opens_at:
        message = _("The window closes after it opens.")
        raise Invalid(message, fields={"closes_at": message})
    allocation = Allocation(
        street_id=street.id, kind=kind, opens_at=opens_at, closes_at=closes_at, created_by_id=actor.id,
        title=_text(data.get("title"), "title", 100, _("Give it a title (at most 100 characters).")),
        description=str(data.get("description") or "").strip()[:2000],
        places=whole_number(data.get("places"), "places", 1, MAX_PLACES,
                            _("The places are a whole number from 1 to %(n)s.", n=MAX_PLACES)))
    db.session.add(allocation)
    db.session.flush()
    record(actor, "allocation.create", allocation, summary=allocation.title, detail={"places": allocation.places})
    return allocation


@transactional
def apply(actor, allocation: Allocation, note: str = "", now: datetime | None = None) -> AllocationApplication:
    """A resident of the street applies, within the window, once."""
    require(actor, "allocation.apply", actor)
    now = now or utcnow()
    if getattr(actor.community, "street_id", None) != allocation.street_id:
        raise DomainError(_("Only residents of %(street)s may apply.", street=allocation.street.name),
                          code="not_resident")
    if not allocation.is_window_open(now):
        raise DomainError(_("Applications are taken only while the window is open."), code="window_closed")
    application = AllocationApplication(allocation_id=allocation.id, person_id=actor.id,
                                        note=str(note or "").strip()[:300], created_at=now)
    flush_or_conflict(application, _("You have already applied."), code="already_applied")
    record(actor, "allocation.apply", allocation, summary=allocation.title)
    return application


def standings(allocation: Allocation, person_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Each person's (points, hours) summed over their ledger entries made up to the window's close: one query."""
    from volunteers.ledger import LedgerEntry

    found = {}
    for start in range(0, len(person_ids), 900):
        rows = db.session.execute(
            select(LedgerEntry.person_id, func.coalesce(func.sum(LedgerEntry.amount), 0),
                   func.coalesce(func.sum(LedgerEntry.hours), 0))
            .where(LedgerEntry.person_id.in_(person_ids[start:start + 900]),
                   LedgerEntry.created_at <= allocation.closes_at)
            .group_by(LedgerEntry.person_id))
        found.update({p: (int(points), Decimal(hours or 0)) for p, points, hours in rows})
    return found


def rank_key(points: int, hours: Decimal, applied_at: datetime, application_id: int):
    """The stated order: more points, then more hours, then earlier application, then lower number."""
    return (-points, -Decimal(hours), applied_at, application_id)


@transactional
def publish_ranking(actor, allocation: Allocation, now: datetime | None = None) -> Allocation:
    """After the window: rank every application and publish the list for 7 days (公示)."""
    require(actor, "allocation.manage", allocation)
    now = now or utcnow()
    if allocation.state != "open":
        raise Conflict(_("The list has already been published."), code="already_ranked")
    if now < allocation.closes_at:
        raise DomainError(_("The list is ranked once the application window has closed."), code="window_open")
    done = db.session.execute(update(Allocation).where(Allocation.id == allocation.id, Allocation.state == "open")
                              .values(state="notice", ranked_at=now,
                                      notice_until=now + timedelta(days=NOTICE_DAYS)))
    if done.rowcount != 1:
        raise Conflict(_("The list has already been published."), code="already_ranked")
    applications = db.session.scalars(select(AllocationApplication)
                                      .where(AllocationApplication.allocation_id == allocation.id)).all()
    found = standings(allocation, [a.person_id for a in applications])
    for a in applications:
        a.points_at_close, a.hours_at_close = found.get(a.person_id, (0, Decimal("0")))
    ordered = sorted(applications, key=lambda a: rank_key(a.points_at_close, a.hours_at_close, a.created_at, a.id))
    for number, a in enumerate(ordered, 1):
        a.rank, a.is_offered = number, number <= allocation.places
    db.session.flush()
    db.session.refresh(allocation)
    _tell_applicants(allocation, [a.person_id for a in ordered])
    record(actor, "allocation.publish", allocation, summary=allocation.title,
           detail={"applications": len(ordered), "places": allocation.places})
    return allocation


def _own_application(actor, allocation: Allocation) -> AllocationApplication | None:
    return db.session.scalar(select(AllocationApplication).where(
        AllocationApplication.allocation_id == allocation.id, AllocationApplication.person_id == actor.id))


@transactional
def object_to(actor, allocation: Allocation, text: str, now: datetime | None = None) -> AllocationObjection:
    """An applicant objects to the public list, during the notice."""
    require(actor, "allocation.apply", actor)
    now = now or utcnow()
    application = _own_application(actor, allocation)
    if application is None:
        raise DomainError(_("Only applicants may object to the list."), code="not_applicant")
    if allocation.state != "notice" or now >= allocation.notice_until:
        raise DomainError(_("Objections are taken only during the public notice."), code="notice_over")
    objection = AllocationObjection(allocation_id=allocation.id, application_id=application.id, created_at=now,
                                    text=_text(text, "text", 2000, _("Say what is wrong (at most 2000 "
                                                                     "characters).")))
    db.session.add(objection)
    db.session.flush()
    record(actor, "allocation.object", allocation, summary=allocation.title)
    return objection


@transactional
def answer_objection(actor, objection: AllocationObjection, answer: str) -> AllocationObjection:
    """The street administrator answers an objection (once); the objector is told."""
    require(actor, "allocation.manage", objection.allocation)
    answer = _text(answer, "answer", 2000, _("Write the answer (at most 2000 characters)."))
    done = db.session.execute(update(AllocationObjection).where(AllocationObjection.id == objection.id,
                                                                AllocationObjection.answered_at.is_(None))
                              .values(answer=answer, answered_by_id=actor.id, answered_at=utcnow()))
    if done.rowcount != 1:
        raise Conflict(_("This objection has already been answered."), code="already_answered")
    db.session.refresh(objection)
    from community.reminders.services import notify

    notify(OBJECTION_NOTICE, f"allocation_objection:{objection.id}", "answered", [objection.application.person_id],
           payload={"allocation_id": objection.allocation_id})
    record(actor, "allocation.answer", objection.allocation, summary=objection.allocation.title)
    return objection


OBJECTION_NOTICE = "volunteers_objection_answer"


def open_objections(allocation_id: int) -> int:
    return db.session.scalar(select(func.count(AllocationObjection.id)).where(
        AllocationObjection.allocation_id == allocation_id, AllocationObjection.answered_at.is_(None))) or 0


@transactional
def finalise(actor, allocation: Allocation, now: datetime | None = None) -> Allocation:
    """After the 7-day notice, with every objection answered, the list becomes final."""
    require(actor, "allocation.manage", allocation)
    now = now or utcnow()
    if allocation.state != "notice":
        raise Conflict(_("Only a list in public notice can be made final."), code="not_in_notice")
    if now < allocation.notice_until:
        raise DomainError(_("The public notice runs until %(until)s.", until=_local(allocation.notice_until)),
                          code="notice_running")
    waiting = open_objections(allocation.id)
    if waiting:
        raise DomainError(ngettext("Answer the objection waiting first.",
                                   "Answer the %(num)d objections waiting first.", waiting), code="objections_open")
    done = db.session.execute(update(Allocation).where(Allocation.id == allocation.id, Allocation.state == "notice")
                              .values(state="final", finalised_at=now))
    if done.rowcount != 1:
        raise Conflict(_("Only a list in public notice can be made final."), code="not_in_notice")
    db.session.refresh(allocation)
    _tell_applicants(allocation, list(db.session.scalars(select(AllocationApplication.person_id).where(
        AllocationApplication.allocation_id == allocation.id))))
    record(actor, "allocation.finalise", allocation, summary=allocation.title)
    return allocation


LIST_NOTICE = "volunteers_allocation_list"


def _tell_applicants(allocation: Allocation, person_ids: list[int]) -> None:
    """Every applicant is told when the list is published (公示) and when it is final (community.reminders)."""
    from community.reminders.services import notify

    notify(LIST_NOTICE, f"allocation:{allocation.id}", allocation.state, person_ids,
           payload={"allocation_id": allocation.id})


def _local(moment: datetime) -> str:
    from community.database import as_local

    return as_local(moment).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------------------------- reading
def get_allocation(allocation_id) -> Allocation:
    """An allocation by id (their lists are public to the signed-in), or NotFound."""
    allocation = db.session.get(Allocation, allocation_id) if valid_id(allocation_id) else None
    if allocation is None:
        raise NotFound(_("There is no such allocation."))
    return allocation


def get_objection(objection_id) -> AllocationObjection:
    objection = db.session.get(AllocationObjection, objection_id) if valid_id(objection_id) else None
    if objection is None:
        raise NotFound(_("There is no such objection."))
    return objection


def visible_street_ids(actor) -> list[int] | None:
    """The streets whose allocations the actor reads: their own and those they manage (None: every street)."""
    from community.authz import can, scope_ids

    managed = scope_ids(actor, "allocation.manage", "street") if can(actor, "allocation.manage") else set()
    if managed is None:
        return None
    own = {actor.community.street_id} if actor.community else set()
    return sorted(own | managed)


def list_query(street_ids: list[int] | None):
    """Allocations of some streets (None: all), newest window first."""
    statement = select(Allocation).order_by(Allocation.closes_at.desc(), Allocation.id.desc())
    if street_ids is not None:
        statement = statement.where(Allocation.street_id.in_(street_ids or [-1]))
    return statement


def ranked_query(allocation_id: int):
    """The applications in rank order (before ranking: in order of application), with their people."""
    return (select(AllocationApplication).where(AllocationApplication.allocation_id == allocation_id)
            .options(joinedload(AllocationApplication.person))
            .order_by(AllocationApplication.rank.is_(None), AllocationApplication.rank,
                      AllocationApplication.created_at, AllocationApplication.id))


def objections_query(allocation_id: int):
    return (select(AllocationObjection).where(AllocationObjection.allocation_id == allocation_id)
            .options(joinedload(AllocationObjection.application).joinedload(AllocationApplication.person))
            .order_by(AllocationObjection.created_at, AllocationObjection.id))


def masked_name(name: str) -> str:
    """A name on the public list: the surname and a star per other character (张**)."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""
