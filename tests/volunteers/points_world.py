"""The points tests' world: a street with two communities, scoring organisations, scorers and residents.

`build()` for the points tests; `build_matrix(street, community, who)` adds the access matrix's "scorer",
"other_scorer" and "organiser" identities and the ids its rows name (KEYS).
"""
from __future__ import annotations

import pytest

from app import db
from community.database import utcnow
from tests.factories import grant, make_community, make_person, make_street
from volunteers.points_models import Organisation, OrganisationMember, Quota

KEYS = frozenset({"organisation", "enterprise", "organisation_member", "quota", "ledger_entry", "points_person"})


def make_organisation(community, name: str, kind: str) -> Organisation:
    organisation = Organisation(name=name, kind=kind, community_id=community.id)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_quota(organisation, points: int, period: str | None = None) -> Quota:
    """A quota for this year (or `period`) of the organisation."""
    from volunteers.organisations import parse_period

    period, starts_on, ends_on = parse_period(period or f"{utcnow().year}")
    quota = Quota(organisation_id=organisation.id, period=period, starts_on=starts_on, ends_on=ends_on,
                  points=points, used=0)
    db.session.add(quota)
    db.session.commit()
    return quota


def add_members(organisation, people) -> None:
    db.session.add_all([OrganisationMember(organisation_id=organisation.id, person_id=p.id) for p in people])
    db.session.commit()


def build() -> dict:
    """Street 爵溪 with communities A (东门) and B (西门); A's community organisation (quota 500) and an
    enterprise of A (quota 200) whose member is 蔡丽 of B; a scorer of each; residents ann, bob of A."""
    street = make_street()
    a, b = make_community(street, "东门社区"), make_community(street, "西门社区")
    admin = make_person(a, name="街道管理员")
    grant(admin, "street_admin", "street", street.id)
    town = make_organisation(a, "东门社区居委会", "community")
    firm = make_organisation(a, "爵溪针织厂", "enterprise")
    scorer, firm_scorer = make_person(a, name="社区赋分员"), make_person(a, name="企业赋分员")
    grant(scorer, "scorer", "organisation", town.id)
    grant(firm_scorer, "scorer", "organisation", firm.id)
    cai = make_person(b, name="蔡丽")
    add_members(firm, [cai])
    return {"street": street, "a": a, "b": b, "street_admin": admin, "town": town, "firm": firm,
            "scorer": scorer, "firm_scorer": firm_scorer, "town_quota": make_quota(town, 500),
            "firm_quota": make_quota(firm, 200), "ann": make_person(a, name="安娜"),
            "bob": make_person(a, name="鲍勃"), "cai": cai}


@pytest.fixture
def points_world():
    """The points world, built once per test."""
    return build()


def build_matrix(street, community, who: dict) -> dict:
    """For the access matrix: {organisation} (community A's, with a quota) whose "scorer" granted points to
    {points_person} ({ledger_entry}), {enterprise} of A, the "organiser" identity (organiser in A) and
    "other_scorer", the scorer of another organisation of A (with its own quota)."""
    from volunteers.grants import make_grant

    organisation = make_organisation(community, "东门社区赋分点", "community")
    enterprise = make_organisation(community, "东门物业公司", "enterprise")
    # The scorer and the organiser live in no community (like the secretary): residents' own rights in A
    # (its elections' rolls) are not what their rows are about.
    scorer, organiser = make_person(None, name="矩阵赋分员"), make_person(None, name="矩阵组织者")
    points_person = make_person(community, name="矩阵志愿者")
    grant(scorer, "scorer", "organisation", organisation.id)
    grant(organiser, "organiser", "community", community.id)
    other = make_organisation(community, "东门社区网格赋分点", "grid")  # same community, another organisation
    other_scorer = make_person(None, name="另一赋分员")
    grant(other_scorer, "scorer", "organisation", other.id)
    make_quota(other, 1000)
    quota = make_quota(organisation, 1000)
    entry = make_grant(scorer, organisation, points_person, 5, "volunteer_service", "矩阵")
    member = OrganisationMember(organisation_id=enterprise.id, person_id=organiser.id)
    db.session.add(member)
    db.session.commit()
    who.update({"scorer": scorer, "other_scorer": other_scorer, "organiser": organiser})
    return {"organisation": organisation.id, "enterprise": enterprise.id, "organisation_member": member.id,
            "quota": quota.id,
            "ledger_entry": entry.id, "points_person": points_person.id}
