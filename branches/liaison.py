"""Two-place management (两地管): what a home-side organisation's liaison sees of its own members.

Every query filters on `BranchMember.home_organisation_id` in SQL, so nothing of the other members of the
branches they sit in is ever read. The figures of a page come from a few grouped queries whatever the number
of members: dues (`branches.dues.paid_up_to`), attendance (`branches.life.attendance`), flags
(`branches.flags.open_flags`), the last few meetings attended (`recent_attendance`, one windowed query) and
the meetings held by their branches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import db
from branches.dues import add_months, month_start, paid_up_to
from branches.models import Branch, BranchHomeOrganisation, BranchMember, HomeOrganisation
from community.errors import NotFound
from community.meetings.models import Meeting, MeetingInvitee
from community.people.models import Person

# A member not heard from for this many months shows amber (the out-of-contact flag itself comes at 6).
AMBER_MONTHS = 5
BRANCH_MEETING_KINDS = ("general_meeting", "committee", "group", "lesson", "party_day", "life_meeting")
RECENT_MEETINGS = 3  # the liaison sees each member's last three meetings attended


@dataclass
class RecentMeeting:
    """A meeting of organisational life a member attended: its kind, title and local date."""

    kind: str
    title: str
    on: date


@dataclass
class MemberLine:
    """One member of the organisation as the liaison sees them."""

    member_id: int
    person_id: int
    name: str
    branch_id: int
    branch: str
    status: str
    attended: int = 0
    invited: int = 0
    paid_up_to: date | None = None
    months_silent: int | None = None
    flags: list = field(default_factory=list)
    last_meeting: str = ""
    last_meeting_on: date | None = None
    recent: list = field(default_factory=list)  # [RecentMeeting], newest first

    @property
    def is_amber(self) -> bool:
        """Not heard from for AMBER_MONTHS months or more (or never recorded), unless the out-of-contact flag
        (branches/flags.py, at 6 months) already says so."""
        if any(getattr(flag, "kind", "") == "out_of_contact" for flag in self.flags):
            return False
        return self.months_silent is None or self.months_silent >= AMBER_MONTHS


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (3 March → 2 August is 4)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def get_organisation(organisation_id: int) -> HomeOrganisation:
    """The organisation, or NotFound (call after the permission check)."""
    organisation = db.session.get(HomeOrganisation, organisation_id)
    if organisation is None:
        raise NotFound(_("This home-side organisation does not exist."))
    return organisation


def paired_organisations(branch_id: int) -> list[HomeOrganisation]:
    """The home-side organisations paired with a branch, by name."""
    return list(db.session.scalars(
        select(HomeOrganisation).join(BranchHomeOrganisation,
                                      BranchHomeOrganisation.home_organisation_id == HomeOrganisation.id)
        .where(BranchHomeOrganisation.branch_id == branch_id).order_by(HomeOrganisation.name)))


def members_statement(organisation_id: int, branch_id: int | None = None):
    """The organisation's current members (of one branch when given), by name: the filter is in SQL."""
    statement = (select(BranchMember.id, BranchMember.person_id, Person.name, BranchMember.branch_id,
                        Branch.name, BranchMember.status, BranchMember.last_contact_on)
                 .join(Person, Person.id == BranchMember.person_id).join(Branch, Branch.id == BranchMember.branch_id)
                 .where(BranchMember.home_organisation_id == organisation_id, BranchMember.left_on.is_(None))
                 .order_by(Person.name_key, BranchMember.id))
    if branch_id is not None:
        statement = statement.where(BranchMember.branch_id == branch_id)
    return statement


def count_members(organisation_id: int, branch_id: int | None = None) -> int:
    """How many current members the organisation has (in one branch when given)."""
    statement = members_statement(organisation_id, branch_id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def counts_in_branch(branch_id: int) -> dict[int, int]:
    """{home organisation id: its current members in the branch} for every organisation with one: one grouped
    query however many organisations the branch is paired with."""
    return dict(db.session.execute(
        select(BranchMember.home_organisation_id, func.count(BranchMember.id))
        .where(BranchMember.branch_id == branch_id, BranchMember.left_on.is_(None),
               BranchMember.home_organisation_id.is_not(None))
        .group_by(BranchMember.home_organisation_id)).all())


def _attendance(member_ids: list[int], since: date, until: date | None = None) -> dict[int, tuple[int, int]]:
    """(attended, invited) per member from `since` to `until` (today by default), both days included: life's
    function when it is there, else the same count here."""
    try:
        from branches.life import attendance
    except ImportError:
        attendance = None
    if attendance is not None:
        return attendance(member_ids, since, until)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) - timedelta(hours=8)
    rows = db.session.execute(
        select(BranchMember.id, func.count(MeetingInvitee.id),
               func.count(MeetingInvitee.id).filter(MeetingInvitee.attendance == "present"))
        .join(MeetingInvitee, MeetingInvitee.person_id == BranchMember.person_id)
        .join(Meeting, Meeting.id == MeetingInvitee.meeting_id)
        .where(BranchMember.id.in_(member_ids), Meeting.scope_type == "branch",
               Meeting.scope_id == BranchMember.branch_id, Meeting.status != "cancelled", Meeting.starts_at >= start)
        .group_by(BranchMember.id))
    found = dict.fromkeys(member_ids, (0, 0))
    found.update({member_id: (attended, invited) for member_id, invited, attended in rows})
    return found


def _open_flags(member_ids: list[int]) -> dict[int, list]:
    """Open flags per member, from branches.flags once it is there."""
    try:
        from branches.flags import open_flags
    except ImportError:
        return {}
    return open_flags(member_ids)


def recent_attendance(member_ids: list[int], until: datetime, per_member: int = RECENT_MEETINGS) -> dict[int, list]:
    """{member_id: [(kind, title, starts_at), …]}: the last `per_member` organisational-life meetings of their
    branch each member attended (present), newest first, begun before `until` and not cancelled — one query for
    the whole page (a window function numbers each member's meetings; both databases have them)."""
    if not member_ids:
        return {}
    number = func.row_number().over(partition_by=BranchMember.id,
                                    order_by=(Meeting.starts_at.desc(), Meeting.id.desc())).label("n")
    ranked = (select(BranchMember.id.label("member_id"), Meeting.kind, Meeting.title, Meeting.starts_at, number)
              .join(MeetingInvitee, MeetingInvitee.person_id == BranchMember.person_id)
              .join(Meeting, Meeting.id == MeetingInvitee.meeting_id)
              .where(BranchMember.id.in_(member_ids), MeetingInvitee.attendance == "present",
                     Meeting.scope_type == "branch", Meeting.scope_id == BranchMember.branch_id,
                     Meeting.kind.in_(BRANCH_MEETING_KINDS), Meeting.status != "cancelled",
                     Meeting.starts_at < until).subquery())
    found: dict[int, list] = {}
    for member_id, kind, title, starts_at, _n in db.session.execute(
            select(ranked).where(ranked.c.n <= per_member).order_by(ranked.c.member_id, ranked.c.n)):
        found.setdefault(member_id, []).append((kind, title, starts_at))
    return found


def member_lines(rows, today: date, since: date | None = None) -> list[MemberLine]:
    """The lines of a page of members, with dues, attendance from `since` (a year by default) to `today`, flags
    and the last meeting attended: a few queries for the whole page."""
    lines = [MemberLine(member_id=r[0], person_id=r[1], name=r[2], branch_id=r[3], branch=r[4], status=r[5],
                        months_silent=months_between(r[6], today) if r[6] else None) for r in rows]
    ids = [line.member_id for line in lines]
    if not ids:
        return lines
    since = since or add_months(month_start(today), -11)
    dues, attendance = paid_up_to(ids), _attendance(ids, since, today)
    from community.database import LOCAL_ZONE, as_local

    until = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL_ZONE)
    flags, recent = _open_flags(ids), recent_attendance(ids, until)
    for line in lines:
        line.paid_up_to = dues.get(line.member_id)
        line.attended, line.invited = attendance.get(line.member_id, (0, 0))
        line.flags = list(flags.get(line.member_id, []))
        line.recent = [RecentMeeting(kind, title, as_local(starts_at).date())
                       for kind, title, starts_at in recent.get(line.member_id, [])]
        if line.recent:
            line.last_meeting, line.last_meeting_on = line.recent[0].title, line.recent[0].on
    return lines


def members_page(organisation_id: int, today: date, page: int = 1, per_page: int = 50,
                 branch_id: int | None = None) -> tuple[list[MemberLine], int]:
    """One page of the organisation's members with their figures, and the total."""
    statement = members_statement(organisation_id, branch_id).limit(per_page).offset((page - 1) * per_page)
    return member_lines(db.session.execute(statement).all(), today), count_members(organisation_id, branch_id)


def meetings_held(branch_ids: list[int], start: date, end: date) -> list:
    """The organisational-life meetings held by the branches in [start, end), oldest first."""
    if not branch_ids:
        return []
    low = datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(hours=8)
    high = datetime(end.year, end.month, end.day, tzinfo=UTC) - timedelta(hours=8)
    return list(db.session.execute(
        select(Meeting.scope_id, Branch.name, Meeting.kind, Meeting.title, Meeting.starts_at)
        .join(Branch, Branch.id == Meeting.scope_id)
        .where(Meeting.scope_type == "branch", Meeting.scope_id.in_(branch_ids),
               Meeting.kind.in_(BRANCH_MEETING_KINDS), Meeting.status != "cancelled",
               Meeting.starts_at >= low, Meeting.starts_at < high)
        .order_by(Meeting.starts_at, Meeting.id)))
