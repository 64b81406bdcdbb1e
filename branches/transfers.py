"""Transfers of the organisational relationship (组织关系转接): letters out and in, and their receipts.

A letter goes from a branch of the platform, or from an outside organisation named in text (a letter brought
in on paper), to a branch of the platform or to an outside organisation. The issuer chooses its validity, at
most three calendar months from the day of issue; it states the month the member's dues are paid up to
("党费交至 YYYY年MM月", from the dues when the member is on the platform). The receipt (回执) closes it: the
receiving branch's secretary records it (or, for a letter to an outside organisation, the issuing secretary,
to whom the receipt returns); the member leaves the old branch and joins the new one as `transferred`, in one
transaction. A letter received after its validity is refused with a clear message and nothing written.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db
from branches.dues import add_months, month_start, paid_up_to, parse_month
from branches.models import Branch, BranchMember
from community.audit.services import record
from community.authz import can, require, scope_condition
from community.database import UTCDateTime, flush_or_conflict, transactional, utcnow, valid_id
from community.errors import Conflict, DomainError, Invalid, NotFound
from community.people.models import Person

MAX_VALIDITY_MONTHS = 3
STATES = {"issued": _l("Issued, waiting for the receipt"), "received": _l("Received (closed)"),
          "cancelled": _l("Cancelled")}


class Transfer(db.Model):
    """A transfer letter (介绍信) with its stub (存根) and receipt (回执)."""

    __tablename__ = "transfer"
    __table_args__ = (
        CheckConstraint("valid_until >= issued_on", name="transfer_validity_after_issue"),
        CheckConstraint("from_branch_id IS NOT NULL OR from_organisation <> ''", name="transfer_has_origin"),
        CheckConstraint("to_branch_id IS NOT NULL OR to_organisation <> ''", name="transfer_has_destination"),
        Index("ix_transfer_from_branch", "from_branch_id", "issued_on"),
        Index("ix_transfer_to_branch", "to_branch_id", "issued_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("branch_member.id", ondelete="SET NULL"))
    from_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"))
    from_organisation: Mapped[str] = mapped_column(String(100), default="")
    to_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"))
    to_organisation: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    dues_paid_up_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="issued")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    received_on: Mapped[date | None] = mapped_column(Date)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    from_branch: Mapped[Branch | None] = relationship(foreign_keys=[from_branch_id])
    to_branch: Mapped[Branch | None] = relationship(foreign_keys=[to_branch_id])

    @property
    def authz_scopes(self):
        return [("branch", b) for b in (self.from_branch_id, self.to_branch_id) if b]

    @property
    def letter_no(self) -> str:
        """The letter's number as printed: 转字〔year〕No."""
        return f"〔{self.issued_on.year}〕第{self.id:05d}号"

    @property
    def origin(self) -> str:
        return self.from_branch.name if self.from_branch else self.from_organisation

    @property
    def destination(self) -> str:
        return self.to_branch.name if self.to_branch else self.to_organisation

    @property
    def issuing_branch(self) -> Branch | None:
        """The platform branch that answers for the letter: its origin, else (a paper letter in) its destination."""
        return self.from_branch or self.to_branch

    @property
    def receiving_branch(self) -> Branch | None:
        """Who records the receipt: the destination branch, else (a letter to the outside) the issuer."""
        return self.to_branch or self.from_branch

    def is_expired(self, today: date) -> bool:
        return today > self.valid_until


def latest_validity(issued_on: date) -> date:
    """Three calendar months from the day of issue (31 Nov → 28/29 Feb: the month's last day)."""
    first = add_months(month_start(issued_on), MAX_VALIDITY_MONTHS)
    last_day = (add_months(first, 1) - first).days
    return first.replace(day=min(issued_on.day, last_day))


def _branch(branch_id, field: str) -> Branch:
    branch = db.session.get(Branch, branch_id) if valid_id(branch_id) else None
    if branch is None:
        message = _("There is no such branch on the platform. For an organisation outside it, type its name.")
        raise DomainError(message, code="unknown_branch", fields={field: message})
    return branch


def _text(data: dict, name: str) -> str:
    return " ".join(str(data.get(name) or "").split())[:100]


@transactional
def issue_transfer(actor, data: dict, *, today: date | None = None) -> Transfer:
    """Issue a letter out of a branch (its secretary), or record a paper letter coming in from outside (the
    receiving branch's secretary). `data`: member_id (out) or person_id (in from outside), to_branch_id or
    to_organisation, from_organisation (in), valid_until (≤ 3 months), dues_paid_up_to (in), note."""
    today = today or utcnow().date()
    fields = {}
    from_branch = member = None
    if data.get("member_id") is not None:
        member = db.session.get(BranchMember, data["member_id"]) if valid_id(data["member_id"]) else None
        if member is None:
            raise NotFound(_("The requested object (#%(id)s) does not exist.", id=data["member_id"]))
        require(actor, "transfer.issue", member.branch)  # before anything about the destination is looked up
        from_branch = member.branch
        if member.left_on is not None:
            raise Invalid(_("This person is no longer a member of the branch."), fields={"member_id": "left"})
    to_branch = None
    to_organisation = _text(data, "to_organisation")
    if data.get("to_branch_id") not in (None, "", 0):
        if member is None:  # a paper letter in: the receiving secretary records it
            to_branch = _branch(data["to_branch_id"], "to_branch_id")
            require(actor, "transfer.issue", to_branch)
        else:
            to_branch = _branch(data["to_branch_id"], "to_branch_id")
        to_organisation = ""
    elif member is None:
        message = _("Choose the member, or the branch a letter from outside is addressed to.")
        raise Invalid(message, fields={"to_branch_id": message})
    elif not to_organisation:
        fields["to_organisation"] = _("Choose a branch of the platform or type the name of the organisation.")
    from_organisation = "" if member else _text(data, "from_organisation")
    if member is None and not from_organisation:
        fields["from_organisation"] = _("Type the name of the organisation that issued the letter.")
    if to_branch is not None and from_branch is not None and to_branch.id == from_branch.id:
        fields["to_branch_id"] = _("A member cannot be transferred to the branch they are in.")
    person = member.person if member else None
    if member is None:
        person = db.session.get(Person, data.get("person_id")) if valid_id(data.get("person_id")) else None
        if person is None:
            fields["person_id"] = _("Choose the person the letter is for.")
    # A letter out is issued today; a paper letter in carries its own date of issue.
    issued_on = today if member is not None else (data.get("issued_on") or today)
    valid_until = data.get("valid_until") or latest_validity(issued_on)
    if isinstance(valid_until, str):
        try:
            valid_until = date.fromisoformat(valid_until)
        except ValueError:
            fields["valid_until"] = _("Give the date as YYYY-MM-DD.")
    if isinstance(valid_until, date) and "valid_until" not in fields:
        if valid_until < issued_on:
            fields["valid_until"] = _("The letter cannot expire before it is issued.")
        elif valid_until > latest_validity(issued_on):
            fields["valid_until"] = _("A transfer letter is valid for at most three months (until %(day)s).",
                                      day=latest_validity(issued_on).isoformat())
    if fields:
        raise Invalid(next(iter(fields.values())), fields=fields)
    if member is None and valid_until < today:  # a paper letter brought in after its validity
        message = _("This letter expired on %(day)s: it can no longer be received. The issuing organisation must "
                    "issue a new one.", day=valid_until.isoformat())
        raise DomainError(message, code="letter_expired", fields={"valid_until": message})
    if member is not None:
        dues_to = paid_up_to([member.id])[member.id]
        if db.session.scalar(select(Transfer.id).where(Transfer.member_id == member.id,
                                                       Transfer.state == "issued")):
            raise Conflict(_("A letter for this member is already waiting for its receipt."),
                           code="transfer_pending")
    else:
        dues_to = parse_month(data["dues_paid_up_to"], "dues_paid_up_to") if data.get("dues_paid_up_to") else None
    transfer = Transfer(person_id=person.id, member_id=member.id if member else None,
                        from_branch_id=from_branch.id if from_branch else None, from_organisation=from_organisation,
                        to_branch_id=to_branch.id if to_branch else None, to_organisation=to_organisation,
                        issued_on=issued_on, valid_until=valid_until, dues_paid_up_to=dues_to,
                        note=str(data.get("note") or "")[:1000], issued_by_id=actor.id)
    db.session.add(transfer)
    db.session.flush()
    record(actor, "transfer.issue", transfer, detail={"person_id": person.id, "to": transfer.destination})
    return transfer


def _join(transfer: Transfer, old: BranchMember | None, today: date) -> BranchMember | None:
    """The member's new place in the receiving branch, as `transferred` (the old row stays as history)."""
    if transfer.to_branch_id is None:
        return None
    copied = {name: getattr(old, name) for name in ("status", "joined_party_on", "probation_ends_on",
                                                    "home_organisation_id", "employer")} if old else {}
    member = BranchMember(branch_id=transfer.to_branch_id, person_id=transfer.person_id,
                          relationship="transferred", joined_branch_on=today, **copied)
    flush_or_conflict(member, _("This person is already a current member of a branch: the receipt was not "
                                "recorded."), code="already_member")
    return member


@transactional
def receive_transfer(actor, transfer: Transfer, *, today: date | None = None) -> Transfer:
    """Record the receipt (回执): closes the letter; the member leaves the old branch and joins the new one. A
    letter past its validity is refused and nothing is written."""
    today = today or utcnow().date()
    require(actor, "transfer.receive", transfer.receiving_branch)
    if transfer.state != "issued":
        raise Conflict(_("This letter has already been closed."), code="transfer_closed")
    if transfer.is_expired(today):
        raise DomainError(_("This letter expired on %(day)s: it can no longer be received. The issuing "
                            "organisation must issue a new one.", day=transfer.valid_until.isoformat()),
                          code="letter_expired", fields={"valid_until": transfer.valid_until.isoformat()})
    # Closing is a conditional update: two receipts at once close it once.
    closed = db.session.execute(
        update(Transfer).where(Transfer.id == transfer.id, Transfer.state == "issued")
        .values(state="received", received_on=today, received_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    if closed != 1:
        raise Conflict(_("This letter has already been closed."), code="transfer_closed")
    old = db.session.get(BranchMember, transfer.member_id) if transfer.member_id else None
    if old is not None:
        old.left_on = today
    db.session.flush()  # the old membership ends before the new one starts (one current branch per person)
    new = _join(transfer, old, today)
    db.session.refresh(transfer)
    record(actor, "transfer.receive", transfer, detail={"new_member_id": new.id if new else None})
    return transfer


def branch_transfers(actor, branch: Branch):
    """The letters out of and into a branch, newest first (its secretary, committee, street administrators),
    each with its person (in the same query)."""
    from sqlalchemy.orm import joinedload

    require(actor, "transfer.list", branch)
    return (select(Transfer).where(or_(Transfer.from_branch_id == branch.id, Transfer.to_branch_id == branch.id))
            .options(joinedload(Transfer.person)).order_by(Transfer.issued_on.desc(), Transfer.id.desc()))


def get_transfer(actor, transfer_id, action: str = "transfer.view") -> Transfer:
    """The letter, if the actor may see it: 404 for those who may not (a letter names a person)."""
    transfer = db.session.get(Transfer, transfer_id) if valid_id(transfer_id) else None
    if transfer is None or not any(can(actor, action, branch)
                                   for branch in (transfer.from_branch, transfer.to_branch) if branch):
        raise NotFound(_("The requested object (#%(id)s) does not exist.", id=transfer_id))
    return transfer


def status_text(transfer: Transfer) -> str:
    """"正式党员" or "预备党员", as the letter states it (from the member's roster entry)."""
    member = db.session.get(BranchMember, transfer.member_id) if transfer.member_id else None
    return "预备党员" if member is not None and member.status == "probationary" else "正式党员"


def branches_for(actor, action: str = "transfer.issue"):
    """The branches where the actor may issue letters (for the form's choice)."""
    allowed = scope_condition(actor, action, "branch", Branch.id)
    statement = select(Branch).order_by(Branch.name, Branch.id)
    return statement if allowed is None else statement.where(allowed)
