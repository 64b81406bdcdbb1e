"""People: the migrant rule, updating people and (de)activating their accounts."""
from __future__ import annotations

import pytest

from app import db
from community.errors import Conflict, Forbidden, Invalid
from community.people import services
from community.people.models import Person
from tests.community.people_support import audit_rows, base_data, id_number
from tests.factories import login, make_admin, make_community, make_person, make_street

# ---------------------------------------------------------------- migrants


@pytest.mark.parametrize("hukou,migrant", [
    ("贵州省毕节市", True),
    ("浙江省宁波市象山县", False),
    ("浙江省宁波市象山县爵溪街道", False),
    ("浙江省宁波市鄞州区", True),
])
def test_migrant_is_derived_from_the_streets_county(places, admin, hukou, migrant):
    person, _ = services.create_person(admin, base_data(places["east"], hukou_place=hukou))
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_migrant is migrant


def test_street_without_county_has_no_migrants(today):
    street = make_street("无县街道", county="")
    community = make_community(street, "某社区")
    admin = make_admin("street_admin", ("street", street.id))
    person, _ = services.create_person(admin, base_data(community, hukou_place="贵州省毕节市"))
    assert person.is_migrant is False


def test_moving_to_another_county_rederives_migrant(places):
    other = make_street("丹西街道", county="宁海县")
    other_community = make_community(other, "丹城社区")
    admin = make_admin()
    person = make_person(places["east"], hukou_place="浙江省宁波市象山县")
    assert person.is_migrant is False
    services.update_person(admin, person, {"community_id": other_community.id})
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_migrant is True


# ---------------------------------------------------------------- updating and deactivating


def test_update_person_changes_fields_and_audits(places, admin):
    person = make_person(places["east"], hukou_place="浙江省宁波市象山县", employer=None)
    services.update_person(admin, person, {"hukou_place": "安徽省阜阳市临泉县", "employer": "爵溪针织厂"})
    db.session.expire_all()
    row = db.session.get(Person, person.id)
    assert row.hukou_place == "安徽省阜阳市临泉县"
    assert row.employer == "爵溪针织厂"
    assert row.is_migrant is True
    entry = audit_rows("person.update")[-1]
    assert entry.object_id == person.id and entry.actor_id == admin.id
    assert set(entry.detail["fields"]) == {"hukou_place", "employer"}


def test_update_validates_and_checks_conflicts(places, admin):
    person = make_person(places["east"])
    other = make_person(places["east"])
    with pytest.raises(Invalid) as caught:
        services.update_person(admin, person, {"phone": "999"})
    assert "phone" in caught.value.fields
    with pytest.raises(Conflict):
        services.update_person(admin, person, {"phone": other.phone})
    with pytest.raises(Invalid):
        services.update_person(admin, person, {"name": ""})
    db.session.expire_all()
    assert db.session.get(Person, person.id).phone != other.phone
    assert audit_rows("person.update") == []


def test_update_with_id_number_of_someone_else_conflicts(places, admin):
    number = id_number()
    make_person(places["east"], id_number=number)
    person = make_person(places["east"], born_on=None)
    with pytest.raises(Conflict) as caught:
        services.update_person(admin, person, {"id_number": number})
    assert "id_number" in caught.value.fields


def test_update_out_of_scope_and_moving_out_of_scope_are_forbidden(places, admin):
    west_person = make_person(places["west"])
    with pytest.raises(Forbidden):
        services.update_person(admin, west_person, {"name": "新名字"})
    east_person = make_person(places["east"])
    with pytest.raises(Forbidden):
        services.update_person(admin, east_person, {"community_id": places["west"].id})
    db.session.expire_all()
    assert db.session.get(Person, east_person.id).community_id == places["east"].id


def test_deactivate_and_reactivate(client, places, admin):
    person = make_person(places["east"])
    services.set_active(admin, person, False)
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_active_account is False
    assert len(audit_rows("person.deactivate")) == 1
    assert login(client, person).status_code == 200  # refused: the form shows again
    assert client.get("/me").status_code == 302
    services.set_active(admin, person, True)
    assert len(audit_rows("person.activate")) == 1
    assert login(client, person).status_code == 302


def test_deactivation_ends_an_open_session(client, places, admin):
    person = make_person(places["east"])
    login(client, person)
    assert client.get("/me").status_code == 200
    services.set_active(admin, person, False)
    response = client.get("/me")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivate_page_toggles_and_is_scoped(client, places, admin):
    person = make_person(places["east"])
    west_person = make_person(places["west"])
    login(client, admin)
    assert client.post(f"/admin/people/{person.id}/active", data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).is_active_account is False
    assert client.post(f"/admin/people/{west_person.id}/active").status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, west_person.id).is_active_account is True
    assert len(audit_rows("person.deactivate")) == 1
