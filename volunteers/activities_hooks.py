"""What the activities bring to the home page and to the 09:00 approvals digest."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import db
from community.database import as_local, utcnow
from volunteers.activities import Activity, Checkin, Declaration, Signup


def home_cards(person) -> list[dict]:
    """The person's next activities (up to three) and, for an organiser, rosters waiting for confirmation
    (two queries)."""
    if not getattr(person, "id", None):
        return []
    now = utcnow()
    cards = []
    coming = db.session.execute(select(Activity, Signup.state).join(Signup, Signup.activity_id == Activity.id)
                                .where(Signup.person_id == person.id, Signup.state != "cancelled",
                                       Activity.status == "open", Activity.ends_at >= now)
                                .order_by(Activity.starts_at).limit(3)).all()
    for activity, state in coming:
        when = as_local(activity.starts_at).strftime("%m-%d %H:%M")
        cards.append({"title": activity.title, "url": f"/activities/{activity.id}",
                      "body": (_("You have a place: %(when)s, %(place)s.", when=when, place=activity.place)
                               if state == "signed_up" else
                               _("On the waiting list: %(when)s, %(place)s.", when=when, place=activity.place))})
    waiting = db.session.execute(select(Activity.id, Activity.title).where(
        Activity.organiser_id == person.id, Activity.ends_at < now, Activity.ends_at > now - timedelta(days=30),
        select(Checkin.id).where(Checkin.activity_id == Activity.id, Checkin.posted_at.is_(None))
        .exists()).order_by(Activity.ends_at.desc()).limit(3)).all()
    for activity_id, title in waiting:
        cards.append({"title": _("Confirm the roster: %(title)s", title=title),
                      "url": f"/activities/{activity_id}#roster",
                      "body": _("Check the roster and confirm it: the volunteers' points are posted then.")})
    return cards


def approvals_waiting() -> list[tuple[int, str, int, str]]:
    """For the digest: declarations waiting in each organiser's or community administrator's community, and
    rosters of finished activities waiting for their organiser's confirmation (two grouped queries)."""
    from community.roles.models import RoleGrant

    waiting = []
    rows = db.session.execute(
        select(RoleGrant.person_id, func.count(Declaration.id))
        .join(Declaration, (Declaration.community_id == RoleGrant.scope_id) & (RoleGrant.scope_type == "community"))
        .where(RoleGrant.role.in_(("organiser", "community_admin")), Declaration.state == "pending")
        .group_by(RoleGrant.person_id)).all()
    waiting += [(person_id, _("declarations of volunteer service"), count, "/activities/declarations")
                for person_id, count in rows if count]
    rows = db.session.execute(
        select(Activity.organiser_id, func.count(func.distinct(Activity.id)))
        .join(Checkin, Checkin.activity_id == Activity.id)
        .where(Activity.organiser_id.is_not(None), Activity.ends_at < utcnow(), Checkin.posted_at.is_(None),
               Checkin.checked_out_at.is_not(None))
        .group_by(Activity.organiser_id)).all()
    waiting += [(person_id, _("activity rosters to confirm"), count, "/activities/organised")
                for person_id, count in rows if count]
    return waiting
