"""The notices of the uses of points: a redemption decided, an objection answered (community.reminders kinds)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import db
from community.reminders import Message, ReminderKind

REDEMPTION = "volunteers_redemption_decision"
OBJECTION = "volunteers_objection_answer"
LIST = "volunteers_allocation_list"


def render_redemptions(reminders: list) -> dict[int, Message]:
    """Word the decisions: one query for the batch."""
    from volunteers.redemptions import Redemption

    ids = {int((r.payload or {}).get("redemption_id") or 0) for r in reminders}
    found = {r.id: r for r in db.session.scalars(select(Redemption).where(Redemption.id.in_(ids))
                                                 .options(joinedload(Redemption.item)))}
    messages = {}
    for reminder in reminders:
        redemption = found.get(int((reminder.payload or {}).get("redemption_id") or 0))
        if redemption is None or redemption.state not in ("approved", "declined"):
            continue
        if redemption.state == "approved":
            messages[reminder.id] = Message(
                _("Approved: %(item)s", item=redemption.item.name),
                ngettext("%(num)d point was deducted from your balance.",
                         "%(num)d points were deducted from your balance.", redemption.points),
                "/volunteers/redeem")
        else:
            messages[reminder.id] = Message(
                _("Declined: %(item)s", item=redemption.item.name),
                _("The reason: %(reason)s", reason=redemption.reason), "/volunteers/redeem")
    return messages


def render_objections(reminders: list) -> dict[int, Message]:
    """Word the answers: one query for the batch."""
    from volunteers.allocation import Allocation

    ids = {int((r.payload or {}).get("allocation_id") or 0) for r in reminders}
    found = {a.id: a for a in db.session.scalars(select(Allocation).where(Allocation.id.in_(ids)))}
    messages = {}
    for reminder in reminders:
        allocation = found.get(int((reminder.payload or {}).get("allocation_id") or 0))
        if allocation is not None:
            messages[reminder.id] = Message(_("Your objection was answered"),
                                            _("About the list of %(title)s.", title=allocation.title),
                                            f"/volunteers/allocations/{allocation.id}#objections")
    return messages


def render_lists(reminders: list) -> dict[int, Message]:
    """Word "the list is published" / "the list is final": one query for the batch."""
    from volunteers.allocation import Allocation, _local

    ids = {int((r.payload or {}).get("allocation_id") or 0) for r in reminders}
    found = {a.id: a for a in db.session.scalars(select(Allocation).where(Allocation.id.in_(ids)))}
    messages = {}
    for reminder in reminders:
        allocation = found.get(int((reminder.payload or {}).get("allocation_id") or 0))
        if allocation is None:
            continue
        url = f"/volunteers/allocations/{allocation.id}#list"
        if reminder.occasion == "notice":
            messages[reminder.id] = Message(
                _("The list of %(title)s is published", title=allocation.title),
                _("See your rank; if something is wrong, object before %(until)s.",
                  until=_local(allocation.notice_until)), url)
        else:
            messages[reminder.id] = Message(_("The list of %(title)s is final", title=allocation.title),
                                            _("See whether you were given a place."), url)
    return messages


LIST_KIND = ReminderKind(label=_l("Allocation list published or final"), render=render_lists,
                         description=_l("When a list you applied for is published (公示) and when it is final."))
REDEMPTION_KIND = ReminderKind(label=_l("Answer to a redemption"), render=render_redemptions,
                               description=_l("When an administrator approves or declines your redemption."))
OBJECTION_KIND = ReminderKind(label=_l("Answer to an objection"), render=render_objections,
                              description=_l("When the street answers your objection to an allocation list."))
