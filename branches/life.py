"""Organisational life (三会一课 and more): each branch's calendar planned from the required frequencies.

The meetings themselves are `community.meetings` meetings of the branch kinds (branches/meetings.py). A kind
counts as held in a period by a meeting of that kind in the branch, not cancelled, whose start has passed and
which has attendance (someone present) or minutes recorded. Per kind and branch: when it was last held, when it
is next due, and whether it is overdue, which means that the whole previous period went by without one (the
themed party day is also overdue once its day of this month has passed). Everything here is a few queries for
any number of branches: the street board at 200 branches costs what it costs at 2.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, and_, exists, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.database import LOCAL_ZONE, as_local, transactional, utcnow

# The kinds in the order the pages show them, with their required frequency (shared/DOMAIN.md).
FREQUENCIES = {"general_meeting": "quarterly", "committee": "monthly", "group": "monthly", "lesson": "quarterly",
               "party_day": "monthly", "life_meeting": "yearly"}
KINDS = tuple(FREQUENCIES)
LESSON_FREQUENCIES = ("monthly", "quarterly", "yearly")
DEFAULT_PARTY_DAY = 15  # the themed party day: this day of the month unless the branch chose another
STATE_LABELS = {"done": _l("Held this period"), "due": _l("Due"), "overdue": _l("Overdue")}


class LifeSettings(db.Model):
    """A branch's choices for its calendar: how often its party lesson is held and its themed party day."""

    __tablename__ = "branch_life_settings"
    __table_args__ = (
        CheckConstraint("lesson_frequency IN ('monthly', 'quarterly', 'yearly')", name="lesson_frequency_known"),
        CheckConstraint("party_day BETWEEN 1 AND 31", name="party_day_in_month"),
    )
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True)
    lesson_frequency: Mapped[str] = mapped_column(String(10), default="quarterly", server_default="quarterly")
    party_day: Mapped[int] = mapped_column(Integer, default=DEFAULT_PARTY_DAY, server_default=str(DEFAULT_PARTY_DAY))


@dataclass(frozen=True)
class Period:
    """One period of a frequency: its first and last day, and a key for reminders ("2026-12", "2026-Q4")."""

    start: date
    end: date
    key: str


def period_of(frequency: str, day: date) -> Period:
    """The month, quarter or year that contains `day`."""
    if frequency == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(day.replace(day=1), day.replace(day=last), f"{day.year}-{day.month:02d}")
    if frequency == "quarterly":
        quarter = (day.month - 1) // 3
        start = date(day.year, 3 * quarter + 1, 1)
        end_month = 3 * quarter + 3
        return Period(start, date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]),
                      f"{day.year}-Q{quarter + 1}")
    return Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))


def party_day_in(month_start: date, party_day: int) -> date:
    """The branch's themed party day in a month (its 31st is the 30th in a month of 30 days)."""
    return month_start.replace(day=min(party_day, calendar.monthrange(month_start.year, month_start.month)[1]))


def frequency_for(kind: str, settings: LifeSettings | None) -> str:
    """The required frequency of a kind for a branch (the party lesson's is the branch's choice)."""
    if kind == "lesson" and settings is not None:
        return settings.lesson_frequency
    return FREQUENCIES[kind]


def _end_of(day: date) -> datetime:
    """The UTC moment at which the Shanghai day `day` ends: meetings held "by today" start before it."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_ZONE)


def held_condition(meeting, invitee_model, until: datetime):
    """SQL: the meeting was held by `until`: not cancelled, started, with minutes or someone present."""
    present = exists().where(invitee_model.meeting_id == meeting.id, invitee_model.attendance == "present")
    return and_(meeting.status != "cancelled", meeting.starts_at < until,
                or_(meeting.minutes_at.is_not(None), present))


def last_held(branch_ids: list[int], today: date) -> dict[tuple[int, str], date]:
    """{(branch_id, kind): the local date of the latest meeting held} — one query for every branch."""
    from community.meetings.models import Meeting, MeetingInvitee

    if not branch_ids:
        return {}
    rows = db.session.execute(
        select(Meeting.scope_id, Meeting.kind, func.max(Meeting.starts_at))
        .where(Meeting.scope_type == "branch", Meeting.scope_id.in_(branch_ids), Meeting.kind.in_(KINDS),
               held_condition(Meeting, MeetingInvitee, _end_of(today)))
        .group_by(Meeting.scope_id, Meeting.kind)).all()
    return {(branch_id, kind): as_local(moment).date() for branch_id, kind, moment in rows}


def settings_of(branch_ids: list[int]) -> dict[int, LifeSettings]:
    """Each branch's settings (absent: the defaults) — one query."""
    if not branch_ids:
        return {}
    return {s.branch_id: s for s in db.session.scalars(select(LifeSettings).where(
        LifeSettings.branch_id.in_(branch_ids)))}


def plan(kind: str, frequency: str, held_on: date | None, today: date, party_day: int = DEFAULT_PARTY_DAY) -> dict:
    """One kind's line: last held, next due, overdue, and the state the pages colour (done, due, overdue)."""
    current = period_of(frequency, today)
    previous = period_of(frequency, current.start - timedelta(days=1))
    if held_on is not None and held_on >= current.start:
        following = period_of(frequency, current.end + timedelta(days=1))
        next_due = party_day_in(following.start, party_day) if kind == "party_day" else following.end
        return {"kind": kind, "frequency": frequency, "last_held_on": held_on, "next_due_on": next_due,
                "is_overdue": False, "state": "done", "period": current.key}
    missed_previous = held_on is None or held_on < previous.start
    next_due = party_day_in(current.start, party_day) if kind == "party_day" else current.end
    overdue = missed_previous or today > next_due
    return {"kind": kind, "frequency": frequency, "last_held_on": held_on, "next_due_on": next_due,
            "is_overdue": overdue, "state": "overdue" if overdue else "due", "period": current.key}


def compliance(branch_ids, today: date) -> dict[int, list[dict]]:
    """{branch_id: [{kind, frequency, last_held_on, next_due_on, is_overdue, state, period}]} in KINDS order,
    for any number of branches in two queries."""
    branch_ids = list(dict.fromkeys(branch_ids))
    held, settings = last_held(branch_ids, today), settings_of(branch_ids)
    answer = {}
    for branch_id in branch_ids:
        chosen = settings.get(branch_id)
        day = chosen.party_day if chosen else DEFAULT_PARTY_DAY
        answer[branch_id] = [plan(kind, frequency_for(kind, chosen), held.get((branch_id, kind)), today, day)
                             for kind in KINDS]
    return answer


def colour(lines: list[dict]) -> str:
    """A branch's colour on the board: red when a kind is overdue, amber when one is due, else green."""
    states = {line["state"] for line in lines}
    return "red" if "overdue" in states else "amber" if "due" in states else "green"


def attendance(member_ids, since: date, today: date | None = None) -> dict[int, tuple[int, int]]:
    """{member_id: (meetings attended, meetings invited to)} among the held branch meetings from `since`, for
    any number of members in one query (members never invited are (0, 0))."""
    from branches.models import BranchMember
    from community.meetings.models import Meeting, MeetingInvitee

    member_ids = list(dict.fromkeys(member_ids))
    if not member_ids:
        return {}
    until = _end_of(today or as_local(utcnow()).date())
    rows = db.session.execute(
        select(BranchMember.id, func.count(MeetingInvitee.id),
               func.count(MeetingInvitee.id).filter(MeetingInvitee.attendance == "present"))
        .join(MeetingInvitee, MeetingInvitee.person_id == BranchMember.person_id)
        .join(Meeting, and_(Meeting.id == MeetingInvitee.meeting_id, Meeting.scope_type == "branch",
                            Meeting.scope_id == BranchMember.branch_id))
        .where(BranchMember.id.in_(member_ids), Meeting.kind.in_(KINDS),
               Meeting.starts_at >= datetime.combine(since, time(0), tzinfo=LOCAL_ZONE),
               Meeting.status != "cancelled", Meeting.starts_at < until)
        .group_by(BranchMember.id)).all()
    answer = {member_id: (0, 0) for member_id in member_ids}
    answer.update({member_id: (present, invited) for member_id, invited, present in rows})
    return answer


@transactional
def set_settings(actor, branch_id: int, lesson_frequency, party_day) -> LifeSettings:
    """The secretary (or the street) sets how often the branch holds its party lesson and its party day."""
    from flask_babel import gettext as _

    from community.audit.services import record
    from community.authz import require
    from community.errors import Invalid
    from community.reminders.services import insert_ignoring_duplicates

    require(actor, "branch_life.manage", ("branch", branch_id))
    problems = {}
    if lesson_frequency not in LESSON_FREQUENCIES:
        problems["lesson_frequency"] = _("Choose monthly, quarterly or yearly.")
    day = int(party_day) if isinstance(party_day, str) and party_day.strip().isdigit() else party_day
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
        problems["party_day"] = _("A day of the month, 1 to 31.")
    if problems:
        raise Invalid(next(iter(problems.values())), fields=problems)
    # One row per branch: two secretaries saving at once both land on it (the first insert wins, both update).
    db.session.execute(insert_ignoring_duplicates(LifeSettings.__table__, ["branch_id"]).values(
        branch_id=branch_id, lesson_frequency=lesson_frequency, party_day=day))
    settings = db.session.get(LifeSettings, branch_id, populate_existing=True)
    settings.lesson_frequency, settings.party_day = lesson_frequency, day
    record(actor, "branch_life.settings", None, f"{lesson_frequency} {day}", object_type="branch",
           object_id=branch_id)
    return settings
