"""Demo points for `flask seed-demo`: Juexi's scoring organisations (a community, an enterprise, a grid), their
quotas for last year and this year, demo scorers, and a year of grants made through the grant service."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import db
from community.database import utcnow
from community.people.models import Person
from community.places.models import Grid
from community.roles.models import RoleGrant
from volunteers.grants import make_grant
from volunteers.points_models import Organisation, OrganisationMember, Quota

REASONS = {
    "volunteer_service": ["社区敬老院陪护", "爵溪老街导览志愿服务", "海鲜市场秩序引导"],
    "waste_sorting": ["垃圾分类桶边督导", "楼道垃圾分类宣传"],
    "civic_campaign": ["文明城市创建劝导", "交通路口文明劝导"],
    "disaster_relief": ["台风“梅花”转移安置协助", "防汛沙袋装运"],
    "blood_donation": ["参加无偿献血"],
    "other": ["协助人口普查入户登记"],
}
GRANTS = 120


def _quota(organisation: Organisation, year: int, points: int, admin: Person) -> None:
    db.session.add(Quota(organisation_id=organisation.id, period=str(year), starts_on=datetime(year, 1, 1).date(),
                         ends_on=datetime(year, 12, 31).date(), points=points, used=0, set_by_id=admin.id))


def seed_points(context: dict) -> None:
    """Organisations, members, quotas, three demo scorers and a year of grants (after the people exist)."""
    rng, admin = context["rng"], context["admin"]
    dongmen, second = context["communities"][0], context["communities"][1]
    town = Organisation(name="东门社区居委会", kind="community", community_id=dongmen.id)
    village = Organisation(name=f"{second.name}村（居）委会", kind="community", community_id=second.id)
    firm = Organisation(name="爵溪针织厂", kind="enterprise", community_id=dongmen.id)
    grid_org = Organisation(name="东门社区第一网格", kind="grid", community_id=dongmen.id)
    organisations = [town, village, firm, grid_org]
    db.session.add_all(organisations)
    db.session.flush()
    now = utcnow()
    for organisation in organisations:
        for year in (now.year - 1, now.year):
            _quota(organisation, year, 3000, admin)
    people = context["people"]
    workers = [p for p in people if p.employer == "爵溪针织厂"][:40]
    first_grid = db.session.scalar(select(Grid).where(Grid.community_id == dongmen.id).order_by(Grid.name))
    households = [p for p in people if p.grid_id == first_grid.id][:40]
    db.session.add_all([OrganisationMember(organisation_id=firm.id, person_id=p.id, added_by_id=admin.id)
                        for p in workers])
    db.session.add_all([OrganisationMember(organisation_id=grid_org.id, person_id=p.id, added_by_id=admin.id)
                        for p in households])
    scorers = []
    for label, name, phone, organisation in (("社区赋分员 scorer (community)", "陈赋分", "13800000051", town),
                                              ("企业赋分员 scorer (enterprise)", "吴厂长", "13800000052", firm),
                                              ("网格赋分员 scorer (grid)", "周网格", "13800000053", grid_org)):
        scorer = Person(name=name, phone=phone, password_hash=context["password_hash"],
                        hukou_place="浙江省宁波市象山县", community_id=dongmen.id, gender="F",
                        living_since_on=datetime(2010, 1, 1).date())
        db.session.add(scorer)
        db.session.flush()
        db.session.add(RoleGrant(person_id=scorer.id, role="scorer", scope_type="organisation",
                                 scope_id=organisation.id, granted_by_id=admin.id))
        scorers.append((scorer, organisation))
        context["demo_logins"].append((label, scorer))
    village_scorer = Person(name="郑赋分", phone="13800000054", password_hash=context["password_hash"],
                            hukou_place="浙江省宁波市象山县", community_id=second.id, gender="M")
    db.session.add(village_scorer)
    db.session.flush()
    db.session.add(RoleGrant(person_id=village_scorer.id, role="scorer", scope_type="organisation",
                             scope_id=village.id, granted_by_id=admin.id))
    db.session.flush()
    scope = {town.id: [p for p in people if p.community_id == dongmen.id],
             village.id: [p for p in people if p.community_id == second.id], firm.id: workers, grid_org.id: households}
    demo_resident = next((p for _label, p in context["demo_logins"] if p.phone == "13800000004"), None)
    if demo_resident is not None:
        scope[town.id].append(demo_resident)  # the demo resident (李晓) has points to look at
    actors = scorers + [(village_scorer, village)]
    start = now - timedelta(days=365)
    for n in range(GRANTS):
        scorer, organisation = actors[n % len(actors)]
        if not scope[organisation.id]:
            continue
        person = demo_resident if demo_resident and n % 9 == 0 and organisation is town else \
            rng.choice(scope[organisation.id])
        category = rng.choice(list(REASONS))
        moment = start + timedelta(days=rng.randint(0, 364), hours=rng.randint(1, 10))
        moment = datetime(moment.year, moment.month, moment.day, moment.hour, tzinfo=UTC)
        make_grant(scorer, organisation, person, rng.choice([5, 5, 10, 10, 15, 20, 30]), category,
                   rng.choice(REASONS[category]), now=min(moment, now))
