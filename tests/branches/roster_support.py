"""A street with two branches, their secretaries, a home-side organisation and its liaison, for the roster tests."""
from __future__ import annotations

import pytest

from app import db
from branches.models import Branch, HomeOrganisation
from tests.factories import grant, make_community, make_people, make_person, make_street


@pytest.fixture
def juexi():
    street, other_street = make_street("爵溪街道"), make_street("丹东街道")
    a = make_community(street, "东门社区")
    c = make_community(other_street, "城东社区")
    guizhou, anhui = (Branch(street_id=street.id, name="贵州流动党支部", kind="mobile"),
                      Branch(street_id=street.id, name="安徽流动党支部", kind="mobile"))
    zunyi, fuyang = (HomeOrganisation(name="鸭溪镇党委", region="贵州省遵义市"),
                     HomeOrganisation(name="城关街道党工委", region="安徽省阜阳市"))
    db.session.add_all([guizhou, anhui, zunyi, fuyang])
    db.session.commit()
    wang, li = make_person(a, name="王书记"), make_person(a, name="李书记")
    grant(wang, "secretary", "branch", guizhou.id)
    grant(li, "secretary", "branch", anhui.id)
    liaison = make_person(None, name="遵义联络员")
    grant(liaison, "liaison", "home_organisation", zunyi.id)
    admin = make_person(a, name="郑主任")
    grant(admin, "street_admin", "street", street.id)
    resident = make_person(a, name="李晓")
    people = make_people(a, 30, "党员")
    stranger = make_person(c, name="外街居民")
    return {"street": street, "other_street": other_street, "a": a, "guizhou": guizhou, "anhui": anhui,
            "zunyi": zunyi, "fuyang": fuyang, "wang": wang, "li": li, "liaison": liaison, "admin": admin,
            "resident": resident, "people": people, "stranger": stranger}
