"""`flask bench-data`: 100,000 activities over two years and 5,000,000 ledger entries (50 participants an
activity, from its community), then each person's totals (`points_account`) and month and year boards
(`points_period`) summed from those entries in SQL, so that they agree with the ledger by construction, as
`flask integrity check` verifies. The check-ins behind the entries are not stored (the ledger is what the
benchmarked pages read)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from app import db
from community.bench_data import Loader, resident_count, residents
from volunteers.activities import CATEGORIES
from volunteers.ledger import LedgerEntry

TITLES = {"volunteer_service": "敬老院陪伴服务", "waste_sorting": "垃圾分类督导", "civic_campaign": "文明交通劝导",
          "disaster_relief": "防台防汛值守", "blood_donation": "无偿献血宣传", "other": "社区环境整治"}
PER_ACTIVITY = 50
POINTS_PER_HOUR = 10


def load_activities(loader: Loader) -> None:
    from volunteers.activities import Activity

    rng, communities = loader.rng, loader.context["communities"]
    total = loader.n(100_000, 4)
    organiser = loader.context["staff"][3]
    loader.context["activities"] = activities = []  # (id, community, ends_at, hours, category)

    def rows():
        for aid in range(1, total + 1):
            community, category = 1 + aid % communities, CATEGORIES[aid % len(CATEGORIES)]
            hours = rng.choice((1, 2, 2, 3, 4))
            starts = loader.now - timedelta(days=730) + timedelta(minutes=aid * (730 * 1440 - 2880) // total)
            ends = starts + timedelta(hours=hours)
            activities.append((aid, community, ends, hours, category))
            yield (aid, TITLES[category], category, community, organiser if community == 1 else None,
                   f"第{community}社区党群服务中心", "报名后按时签到，活动结束签退计时。", starts, ends, 60, 0,
                   "per_hour", POINTS_PER_HOUR, "open", ends + timedelta(hours=2),
                   organiser if community == 1 else None, starts - timedelta(days=7))
    loader.write(Activity.__table__, ("id", "title", "category", "community_id", "organiser_id", "place",
                                      "description", "starts_at", "ends_at", "capacity", "taken", "points_rule",
                                      "points", "status", "confirmed_at", "confirmed_by_id", "created_at"), rows())


def load_ledger(loader: Loader) -> None:
    rng = loader.rng
    per_activity = max(1, min(PER_ACTIVITY, loader.n(5_000_000) // max(len(loader.context["activities"]), 1)))

    def rows():
        entry = 0
        for aid, community, ends, hours, category in loader.context["activities"]:
            size = resident_count(loader, community)
            offset = rng.randrange(size)
            posted = ends + timedelta(hours=2)
            for j in range(min(per_activity, size)):
                entry += 1
                yield (entry, residents(loader, community, offset + j), hours * POINTS_PER_HOUR, "activity",
                       category, Decimal(hours), "activity", aid, None, None, "", posted)
    loader.write(LedgerEntry.__table__, ("id", "person_id", "amount", "kind", "category", "hours", "source_type",
                                         "source_id", "organisation_id", "granted_by_id", "reason", "created_at"),
                 rows())
    del loader.context["activities"]


def load_totals(loader: Loader) -> None:
    """points_account and points_period as the sums of the entries (every entry here is earned)."""
    now = {"now": loader.now}
    db.session.execute(text("INSERT INTO points_account (person_id, balance, earned, hours, updated_at) "
                            "SELECT person_id, SUM(amount), SUM(amount), SUM(hours), :now FROM ledger_entry "
                            "GROUP BY person_id"), now)
    if loader.postgres:
        month = "to_char(e.created_at AT TIME ZONE 'Asia/Shanghai', '{}')"
    else:  # stored as UTC text; Asia/Shanghai is UTC+8 all year
        month = "strftime('{}', e.created_at, '+8 hours')"
    for pattern in (("YYYY-MM", "%Y-%m"), ("YYYY", "%Y")):
        period = month.format(pattern[0] if loader.postgres else pattern[1])
        db.session.execute(text(f"INSERT INTO points_period (person_id, period, community_id, earned, hours) "  # nosec B608: a fixed date pattern, no input
                                f"SELECT e.person_id, {period}, p.community_id, SUM(e.amount), SUM(e.hours) "
                                f"FROM ledger_entry e JOIN person p ON p.id = e.person_id "
                                f"GROUP BY e.person_id, {period}, p.community_id"))
