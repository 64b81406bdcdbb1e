"""Demo activities for `flask seed-demo`: a year of volunteer activities in Juexi (beach clean-ups, waste sorting,
civic campaigns, a typhoon clean-up, blood donation days), organised by 陈老师 (an organiser of Dongmen, demo login
13800000071) and the community administrators; the past ones with their check-ins and confirmed points, the
coming ones open for sign-up (one of them full, with a waiting list)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app import db
from community.database import LOCAL_ZONE, utcnow
from community.people.models import Person
from community.roles.models import RoleGrant
from volunteers.activities import Activity, Checkin, Signup
from volunteers.activities_confirm import points_for

KINDS = [  # title, category, place, start hour, hours, points rule, points
    ("爵溪海滩清洁", "volunteer_service", "爵溪海滩南段", 8, 3, "per_hour", 10),
    ("垃圾分类督导", "waste_sorting", "小区垃圾投放点", 18, 2, "per_hour", 8),
    ("文明城市宣传", "civic_campaign", "街道文化广场", 9, 2, "fixed", 15),
    ("敬老院陪伴", "volunteer_service", "爵溪敬老院", 14, 2, "per_hour", 10),
    ("流动人口子女课业辅导", "volunteer_service", "党群服务站", 19, 2, "per_hour", 12),
    ("无偿献血日", "blood_donation", "爵溪街道卫生院", 9, 1, "fixed", 30),
]


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def seed_activities(context: dict) -> None:
    """Add the demo activities, sign-ups, check-ins and their ledger entries (a year up to a month ahead)."""
    from volunteers.ledger import post_entry

    rng, communities = context["rng"], context["communities"]
    organiser = Person(name="陈老师", phone="13800000071", password_hash=context["password_hash"],
                       hukou_place="浙江省宁波市象山县", community_id=communities[0].id, gender="F",
                       born_on=date(1978, 3, 8), living_since_on=date(2000, 1, 1))
    db.session.add(organiser)
    db.session.flush()
    db.session.add(RoleGrant(person_id=organiser.id, role="organiser", scope_type="community",
                             scope_id=communities[0].id, granted_by_id=context["admin"].id))
    context.setdefault("demo_logins", []).append(("活动组织者 organiser", organiser))
    by_community: dict[int, list[Person]] = {}
    for person in context["people"]:
        by_community.setdefault(person.community_id, []).append(person)
    today = utcnow().astimezone(LOCAL_ZONE).date()
    now = utcnow()
    activities = []
    for week in range(-50, 5):
        for index, community in enumerate(communities):
            if (week + index) % 4:
                continue  # each community every fourth week: some 70 activities in the year (the demo seeds
                # the tests' walkthroughs too: each posted entry costs a savepoint and two upserts)
            title, category, place, hour, hours, rule, points = KINDS[(week + index) % len(KINDS)]
            day = today + timedelta(weeks=week, days=(index * 3) % 7 - 3)
            starts = _local(day, hour)
            activities.append(Activity(
                title=f"{community.name}{title}", category=category, community_id=community.id,
                organiser_id=organiser.id if index == 0 else None, place=place, starts_at=starts,
                ends_at=starts + timedelta(hours=hours), capacity=rng.choice([10, 15, 20, 30]),
                points_rule=rule, points=points, description="请穿方便活动的衣服，自带水杯。", created_at=now))
    if activities:  # the typhoon: a disaster-relief day in September
        typhoon = _local(date(today.year if today.month > 9 else today.year - 1, 9, 16), 7)
        if typhoon < now:
            activities.append(Activity(title="台风过后清障", category="disaster_relief", community_id=communities[0].id,
                                       organiser_id=organiser.id, place="爵溪渔港", starts_at=typhoon,
                                       ends_at=typhoon + timedelta(hours=5), capacity=40, points_rule="per_hour",
                                       points=15, created_at=now))
    db.session.add_all(activities)
    db.session.flush()
    for activity in activities:
        pool = by_community.get(activity.community_id, [])
        wanted = activity.capacity + 3 if activity is activities[-2] else rng.randint(3, activity.capacity)
        chosen = rng.sample(pool, min(len(pool), wanted))
        past = activity.ends_at < now
        for order, person in enumerate(chosen):
            state = "signed_up" if order < activity.capacity else "waiting"
            db.session.add(Signup(activity_id=activity.id, person_id=person.id, state=state,
                                  created_at=activity.starts_at - timedelta(days=3, minutes=order),
                                  updated_at=activity.starts_at - timedelta(days=3, minutes=order)))
        activity.taken = min(len(chosen), activity.capacity)
        if not past:
            continue
        db.session.flush()
        checkins = []
        for person in chosen[:activity.capacity]:
            if rng.random() < 0.15:
                continue  # signed up and did not come
            came = activity.starts_at + timedelta(minutes=rng.randint(-10, 15))
            left = activity.ends_at + timedelta(minutes=rng.randint(-30, 10))
            checkins.append(Checkin(activity_id=activity.id, person_id=person.id, checked_in_at=came,
                                    checked_out_at=left, method="code", posted_at=activity.ends_at))
        db.session.add_all(checkins)
        db.session.flush()
        for checkin in checkins:
            amount = points_for(activity, checkin.hours)
            if amount > 0:
                post_entry(checkin.person_id, amount, "activity", source_type="activity_checkin",
                           source_id=checkin.id, category=activity.category, hours=checkin.hours,
                           granted_by_id=activity.organiser_id, reason=activity.title,
                           at=activity.ends_at + timedelta(hours=1))  # confirmed after the activity
        activity.confirmed_at, activity.confirmed_by_id = activity.ends_at, activity.organiser_id
    db.session.flush()
