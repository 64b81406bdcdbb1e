"""Flags for humans (shared/DOMAIN.md): a member out of contact for over 6 months (失联), or 6 consecutive months
without organisational life, dues or assigned work. A flag is raised by the daily job `raise_flags(today)` and
shown to the member's secretary and liaison; only a person resolves it, with a note. Nothing is ever removed
or changed in the roster automatically.

The database keeps one open flag per member and kind (a partial unique index), and the job inserts with
ON CONFLICT DO NOTHING, so running it twice, or two schedulers at once, raises each flag once.
"""
from __future__ import annotations

import calendar
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app import db
from branches.models import BranchMember
from community.database import UTCDateTime, transactional, utcnow, valid_id
from community.errors import DomainError, Invalid, NotFound

FLAG_KINDS = ("out_of_contact", "no_life", "no_dues", "no_work")
KIND_LABELS = {"out_of_contact": _l("Out of contact"), "no_life": _l("No organisational life"),
               "no_dues": _l("No dues paid"), "no_work": _l("No assigned work")}
MONTHS = 6  # the threshold of every kind (shared/DOMAIN.md)


class Flag(db.Model):
    """A flag on a member for a human to look at; open while `resolved_on` is null."""

    __tablename__ = "branch_flag"
    __table_args__ = (
        Index("uq_branch_flag_open", "member_id", "kind", unique=True,
              sqlite_where=text("resolved_on IS NULL"), postgresql_where=text("resolved_on IS NULL")),
        CheckConstraint("kind IN ('out_of_contact', 'no_life', 'no_dues', 'no_work')", name="kind_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("branch_member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    raised_on: Mapped[date] = mapped_column(Date)
    # The date the reason counts from (last contact, last life, dues paid up to): the pages say "5个月未联系".
    since_on: Mapped[date | None] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    resolved_at = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    member: Mapped[BranchMember] = relationship()

    @property
    def authz_scopes(self):
        return self.member.authz_scopes

    def reason(self, today: date) -> str:
        """The reason in words, with the months it has lasted ("7个月未联系")."""
        if self.since_on is None:
            return {"out_of_contact": _("Never contacted"), "no_life": _("No organisational life on record"),
                    "no_dues": _("No dues on record"), "no_work": _("No assigned work on record")}[self.kind]
        months = months_between(self.since_on, today)
        words = {"out_of_contact": ngettext("Not contacted for %(num)d month", "Not contacted for %(num)d months",
                                            months),
                 "no_life": ngettext("No organisational life for %(num)d month",
                                     "No organisational life for %(num)d months", months),
                 "no_dues": ngettext("No dues for %(num)d month", "No dues for %(num)d months", months),
                 "no_work": ngettext("No assigned work for %(num)d month", "No assigned work for %(num)d months",
                                     months)}
        return words[self.kind]


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


# ------------------------------------------------------------------------------- what each kind looks at
def _current_members(branch_ids=None) -> list[BranchMember]:
    statement = select(BranchMember).where(BranchMember.left_on.is_(None))
    if branch_ids is not None:
        statement = statement.where(BranchMember.branch_id.in_(list(branch_ids)))
    return db.session.scalars(statement).all()


def _last_present(members: list[BranchMember]) -> dict[int, date]:
    """{member_id: local date of the last branch meeting they were present at} — one query."""
    from sqlalchemy import and_, func

    from branches.life import KINDS
    from community.database import as_local
    from community.meetings.models import Meeting, MeetingInvitee

    if not members:
        return {}
    rows = db.session.execute(
        select(BranchMember.id, func.max(Meeting.starts_at))
        .join(MeetingInvitee, MeetingInvitee.person_id == BranchMember.person_id)
        .join(Meeting, and_(Meeting.id == MeetingInvitee.meeting_id, Meeting.scope_type == "branch",
                            Meeting.scope_id == BranchMember.branch_id))
        .where(BranchMember.id.in_([m.id for m in members]), MeetingInvitee.attendance == "present",
               Meeting.kind.in_(KINDS), Meeting.status != "cancelled")
        .group_by(BranchMember.id)).all()
    return {member_id: as_local(moment).date() for member_id, moment in rows}


def dues_paid_up_to(member_ids: list[int]) -> dict[int, date | None] | None:
    """The month each member has paid dues up to, from `branches.dues.paid_up_to` (helper `dues`); None while
    that module is not there, and then no dues flag is raised."""
    try:
        from branches.dues import paid_up_to
    except ImportError:
        return None
    return paid_up_to(member_ids)


def _last_work(members: list[BranchMember]) -> dict[int, date]:
    """{member_id: the start of their latest part-time position (assigned work)} — one query."""
    from sqlalchemy import func

    from branches.models import Position

    if not members:
        return {}
    rows = db.session.execute(select(Position.member_id, func.max(func.coalesce(Position.since, date(1970, 1, 1))))
                              .where(Position.member_id.in_([m.id for m in members]))
                              .group_by(Position.member_id)).all()
    return dict(rows)


def due_flags(today: date, branch_ids=None) -> list[tuple[BranchMember, str, date | None]]:
    """(member, kind, since) for every current member who crossed a threshold; members who joined the branch
    less than 6 months ago are left alone. A few queries for any number of members (the members are loaded in
    one go: the daily job of a city is some tens of thousands of rows)."""
    limit = months_before(today, MONTHS)
    members = [m for m in _current_members(branch_ids) if m.joined_branch_on is None or m.joined_branch_on <= limit]
    present, work = _last_present(members), _last_work(members)
    dues = dues_paid_up_to([m.id for m in members])
    # A flag a person resolved less than 6 months ago is not raised again meanwhile: they looked into it.
    looked_at = set(db.session.execute(select(Flag.member_id, Flag.kind).where(
        Flag.member_id.in_([m.id for m in members]), Flag.resolved_on >= limit)).all()) if members else set()
    found = []
    for member in members:
        contact = member.last_contact_on or member.joined_branch_on
        if contact is not None and contact < limit:
            found.append((member, "out_of_contact", contact))
        life = present.get(member.id)
        if life is None or life < limit:
            found.append((member, "no_life", life))
        if member.id not in work:
            found.append((member, "no_work", member.joined_branch_on))
        if dues is not None:
            paid = dues.get(member.id)
            if paid is None or paid < limit.replace(day=1):
                found.append((member, "no_dues", paid))
    return [(member, kind, since) for member, kind, since in found if (member.id, kind) not in looked_at]


@transactional
def raise_flags(today: date, branch_ids=None) -> list[int]:
    """The daily job: raise each due flag once (ON CONFLICT DO NOTHING on the open-flag index) and tell the
    secretary and the liaison of each new one. Returns the new flags' ids; never resolves or removes any."""
    from branches import life_reminders

    found = due_flags(today, branch_ids)
    if not found:
        return []
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Flag.__table__
    statement = (insert(table).on_conflict_do_nothing(index_elements=["member_id", "kind"],
                                                      index_where=text("resolved_on IS NULL"))
                 .returning(table.c.id))
    new = list(db.session.scalars(statement, [
        {"member_id": member.id, "kind": kind, "raised_on": today, "since_on": since, "note": ""}
        for member, kind, since in found]))
    if new:
        life_reminders.tell_flags(new)
    return new


def open_flags(member_ids) -> dict[int, list[Flag]]:
    """{member_id: [open Flag]} for any number of members — one query."""
    member_ids = list(dict.fromkeys(member_ids))
    if not member_ids:
        return {}
    answer: dict[int, list[Flag]] = {}
    for flag in db.session.scalars(select(Flag).where(Flag.member_id.in_(member_ids), Flag.resolved_on.is_(None))
                                   .order_by(Flag.member_id, Flag.id)):
        answer.setdefault(flag.member_id, []).append(flag)
    return answer


def flags_query(actor, *, open_only: bool = True):
    """The flags the actor may see: those of members in their branch or their home-side organisation (SQL)."""
    from community.authz import any_scope_condition
    from community.people.models import Person

    statement = (select(Flag).join(Flag.member).join(BranchMember.person)
                 .options(joinedload(Flag.member).joinedload(BranchMember.person),
                          joinedload(Flag.member).joinedload(BranchMember.branch))
                 .order_by(Person.name_key, Flag.id))
    if open_only:
        statement = statement.where(Flag.resolved_on.is_(None))
    allowed = any_scope_condition(actor, "branch_flag.view", BranchMember.authz_columns())
    return statement if allowed is None else statement.where(allowed)


@transactional
def resolve_flag(actor, flag_id, note: str, *, today: date | None = None) -> Flag:
    """A secretary or liaison closes a flag with a note saying what they found and did."""
    from community.authz import require

    require(actor, "branch_flag.resolve")
    flag = db.session.get(Flag, flag_id) if valid_id(flag_id) else None
    if flag is None:
        raise NotFound(_("No such flag: %(id)s.", id=flag_id))
    require(actor, "branch_flag.resolve", flag.member)
    note = (note or "").strip() if isinstance(note, str) else ""
    if not note:
        message = _("Say what you found and did.")
        raise Invalid(message, fields={"note": message})
    if len(note) > 1000:
        message = _("At most %(count)s characters.", count=1000)
        raise Invalid(message, fields={"note": message})
    if flag.resolved_on is not None:
        raise DomainError(_("This flag is already resolved."), code="resolved")
    now = utcnow()
    flag.resolved_on, flag.resolved_by_id, flag.resolved_at, flag.note = today or now.date(), actor.id, now, note
    from community.audit.services import record

    record(actor, "branch_flag.resolve", flag.member, note, {"flag_id": flag.id, "kind": flag.kind})
    return flag
