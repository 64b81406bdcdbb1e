"""Demo meetings for `flask seed-demo`: a discussion meeting (a 乡音说事 session) in Juexi's 东门社区."""
from __future__ import annotations

from datetime import datetime, timedelta

from community.database import LOCAL_ZONE, utcnow


def next_weekday_at(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A moment `days_ahead` days from now at a local hour (Asia/Shanghai), in UTC."""
    local = (utcnow() + timedelta(days=days_ahead)).astimezone(LOCAL_ZONE)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def seed_discussion_meeting(context: dict) -> None:
    """The discussion group of 东门社区 meets next week about the requests in its queue."""
    from community.meetings.records import invite, invite_members
    from community.meetings.services import create_meeting

    admin, dongmen = context["admin"], context["communities"][0]
    starts = next_weekday_at(6, 19)
    meeting = create_meeting(admin, "discussion", dongmen.id, {
        "title": "东门社区“同心圆”议事会（乡音说事·贵州专场）", "starts_at": starts,
        "ends_at": starts + timedelta(hours=1, minutes=30), "place": "东门社区党群服务中心二楼议事厅",
        "hometown": "贵州", "agenda": ["出租房消防通道堵塞", "外来务工子女入学咨询", "夜市噪音扰民"]})
    invite_members(admin, meeting)
    for _label, person in context["demo_logins"]:
        if person.community_id == dongmen.id:
            invite(admin, meeting, person.id)
    context["discussion_meeting"] = meeting
