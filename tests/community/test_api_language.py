"""The /api/v1 core: Chinese text round trips and English messages on request."""
from __future__ import annotations

from app import db
from community.people.models import Person
from tests.community.api_support import API, person_body
from tests.factories import make_person

# ---------------------------------------------------------------- language and Chinese text


def test_chinese_round_trips_unchanged(client, places, east_admin):
    _admin, headers = east_admin
    response = client.post(f"{API}/people", json=person_body(places["east"], name="李晓", hukou_place="贵州省毕节市",
                                                            hometown="毕节", employer="爵溪针织厂"), headers=headers)
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = client.get(f"{API}/people/{response.json['id']}", headers=headers).json
    assert body["name"] == "李晓"
    assert body["hukou_place"] == "贵州省毕节市"
    assert body["hometown"] == "毕节" and body["employer"] == "爵溪针织厂"
    assert body["is_migrant"] is True
    db.session.expire_all()
    assert db.session.get(Person, body["id"]).name == "李晓"


def test_accept_language_en_gives_english_messages(client, places, east_admin):
    _admin, headers = east_admin
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert client.get(f"{API}/me", headers=english).json["error"]["message"] == "A valid bearer token is required."
    error = client.post(f"{API}/people", json=person_body(places["east"], extra=1),
                        headers=headers | english).json["error"]
    assert error["fields"]["extra"] == "Unknown field."
    assert error["message"] == "Some fields are missing or malformed."
    make_person(places["east"], phone="13812345678")
    error = client.post(f"{API}/people", json=person_body(places["east"]), headers=headers | english).json["error"]
    assert error["message"] == "A person with this phone number already exists."
    chinese = client.get(f"{API}/me").json["error"]["message"]
    assert chinese  # the default language answers too
