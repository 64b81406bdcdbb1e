"""Demo branches for `flask seed-demo`: Juexi's six mobile party branches, their home-side organisations in
Guizhou, Anhui, Jiangxi and Hunan, members (12 of the 18 representatives elected in 2019 among them),
secretaries and committee members."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import db
from branches.models import Branch, BranchHomeOrganisation, BranchMember, HomeOrganisation, Position
from branches.roster import probation_end
from community.people.models import Person
from community.roles.models import RoleGrant

HOMES = [("遵义市播州区鸭溪镇党委", "贵州省遵义市"), ("毕节市七星关区党委组织部", "贵州省毕节市"),
         ("阜阳市临泉县城关街道党工委", "安徽省阜阳市"), ("上饶市鄱阳县饶州街道党工委", "江西省上饶市"),
         ("邵阳市邵东市两市塘街道党工委", "湖南省邵阳市")]
# name, kind, units, opening hours, services, home organisations (indexes into HOMES), home province
BRANCHES = [
    ("贵州流动党支部", "mobile", [], "", "", (0, 1), "贵州"),
    ("安徽流动党支部", "mobile", [], "", "", (2,), "安徽"),
    ("江西流动党支部", "mobile", [], "", "", (3,), "江西"),
    ("湖南流动党支部", "mobile", [], "", "", (4,), "湖南"),
    ("爵溪渔业企业联合党支部", "joint", ["爵溪水产公司", "东门冷库", "海星渔具厂"], "", "", (0, 2), ""),
    ("爵溪党群服务站流动党支部", "station", [], "每周一至周六 8:30–20:00",
     "组织关系转接咨询、党费缴纳、政策宣讲、就业和子女入学帮办", (1, 3, 4), ""),
]


def seed_branches(context: dict) -> None:
    """Add the branches (called by `flask seed-demo` after the elections, whose 2019 winners they include)."""
    street, rng, admin = context["street"], context["rng"], context["admin"]
    homes = [HomeOrganisation(name=name, region=region) for name, region in HOMES]
    db.session.add_all(homes)
    branches = [Branch(street_id=street.id, name=name, kind=kind, units=units, opening_hours=hours,
                       services=services) for name, kind, units, hours, services, _h, _p in BRANCHES]
    db.session.add_all(branches)
    db.session.flush()
    for branch, spec in zip(branches, BRANCHES, strict=True):
        db.session.add_all([BranchHomeOrganisation(branch_id=branch.id, home_organisation_id=homes[i].id)
                            for i in spec[5]])
    # The 2019 representatives who came from elsewhere were mobile party members (爵溪: 12 of 18).
    from community.elections.models import Candidate, Election

    elected_migrants = db.session.scalars(
        select(Person).join(Candidate, Candidate.person_id == Person.id).join(Election)
        .where(Election.term == "2019", Candidate.is_elected.is_(True), Person.is_migrant.is_(True))
        .order_by(Person.id)).all()[:12]
    migrants = [p for p in context["people"] if p.is_migrant and p not in elected_migrants]
    taken = set()

    def province_of(person: Person, n: int) -> int:
        if n >= 12 and n % 6 in (1, 4):  # some work in the fishery firms or meet at the station
            return 4 + n % 2
        for index, spec in enumerate(BRANCHES[:4]):
            if spec[6] in (person.hukou_place or ""):
                return index
        return 4 + rng.randint(0, 1)  # from elsewhere: the joint branch or the station

    chosen = list(elected_migrants) + rng.sample(migrants, min(len(migrants), 60))
    for n, person in enumerate(chosen):
        if person.id in taken:
            continue
        taken.add(person.id)
        index = province_of(person, n)
        spec, branch = BRANCHES[index], branches[index]
        home = homes[rng.choice(spec[5])]
        card = rng.random() < 0.6
        probationary = n % 11 == 5
        voted = date(2025, rng.randint(1, 12), rng.randint(1, 28))
        member = BranchMember(
            branch_id=branch.id, person_id=person.id, home_organisation_id=home.id,
            status="probationary" if probationary else "full",
            probation_ends_on=probation_end(voted) if probationary else None,
            relationship="card" if card else "transferred",
            card_number=f"流字{rng.randint(10**7, 10**8 - 1)}" if card else None,
            joined_party_on=date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28)),
            employer=person.employer or "", joined_branch_on=date(rng.randint(2016, 2025), 3, 1))
        if n % 9 == 0:
            member.positions = [Position(title=rng.choice(["大管家", "网格员", "楼道长"]),
                                         place=rng.choice(["爵溪街道东门社区", "爵溪街道南岙村", "爵溪街道下沙社区"]),
                                         since=date(2023, 4, 1))]
        db.session.add(member)
    db.session.flush()
    _officers(context, branches, admin)


def _officers(context: dict, branches: list[Branch], admin: Person) -> None:
    """Secretary Wang (a demo login) runs the Guizhou branch; every branch gets a secretary and a committee."""
    community = context["communities"][0]
    wang = Person(name="王书记", phone="13800000041", password_hash=context["password_hash"],
                  hukou_place="贵州省遵义市播州区", community_id=community.id, gender="M", born_on=date(1979, 8, 1),
                  living_since_on=date(2012, 5, 1), hometown="遵义", is_migrant=True)
    db.session.add(wang)
    db.session.flush()
    db.session.add(BranchMember(branch_id=branches[0].id, person_id=wang.id, status="full",
                                relationship="transferred", joined_party_on=date(2001, 7, 1), employer="爵溪水产公司",
                                joined_branch_on=date(2016, 3, 1)))
    grants = [RoleGrant(person_id=wang.id, role="secretary", scope_type="branch", scope_id=branches[0].id,
                        granted_by_id=admin.id)]
    members = db.session.execute(select(BranchMember.branch_id, BranchMember.person_id)
                                 .where(BranchMember.branch_id.in_([b.id for b in branches[1:]]))
                                 .order_by(BranchMember.id)).all()
    by_branch: dict[int, list[int]] = {}
    for branch_id, person_id in members:
        by_branch.setdefault(branch_id, []).append(person_id)
    for branch in branches[1:]:
        people = by_branch.get(branch.id, [])
        if people:
            grants.append(RoleGrant(person_id=people[0], role="secretary", scope_type="branch", scope_id=branch.id,
                                    granted_by_id=admin.id))
        grants += [RoleGrant(person_id=p, role="branch_committee", scope_type="branch", scope_id=branch.id,
                             granted_by_id=admin.id) for p in people[1:3]]
    db.session.add_all(grants)
    context["demo_logins"].append(("支部书记 branch secretary", wang))
