"""Factories for tests: small functions with overridable defaults."""
from __future__ import annotations

import itertools
from datetime import date

from app import db
from community.accounts.services import hash_password
from community.people.models import Person
from community.people.services import derive_migrant
from community.places.models import Community, Grid, Street
from community.roles.models import RoleGrant

PASSWORD = "secret123"
_HASH = None
_phones = itertools.count(1)


def _password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def make_street(name: str = "爵溪街道", county: str = "象山县") -> Street:
    street = Street(name=name, county=county)
    db.session.add(street)
    db.session.commit()
    return street


def make_community(street: Street, name: str = "东门社区") -> Community:
    community = Community(street_id=street.id, name=name)
    db.session.add(community)
    db.session.commit()
    return community


def make_grid(community: Community, name: str = "第一网格") -> Grid:
    grid = Grid(community_id=community.id, name=name)
    db.session.add(grid)
    db.session.commit()
    return grid


def make_person(community: Community | None = None, *, id_number: str | None = None, **overrides) -> Person:
    """A resident with a password (PASSWORD); locals unless hukou_place says otherwise; `id_number` is kept
    as the services keep it (Person.set_id_number)."""
    values = {
        "name": "测试居民", "phone": f"137{next(_phones):08d}", "password_hash": _password_hash(),
        "hukou_place": "浙江省宁波市象山县", "born_on": date(1990, 1, 1), "gender": "F",
        "living_since_on": date(2015, 1, 1), "community_id": community.id if community else None,
    }
    values.update(overrides)
    person = Person(**values)
    if id_number:
        person.set_id_number(id_number)
    db.session.add(person)
    db.session.flush()
    derive_migrant(person)
    db.session.commit()
    return person


def grant(person: Person, role: str, scope_type: str = "platform", scope_id: int = 0) -> RoleGrant:
    row = RoleGrant(person_id=person.id, role=role, scope_type=scope_type, scope_id=scope_id)
    db.session.add(row)
    db.session.commit()
    return row


def make_admin(role: str = "platform_admin", scope=("platform", 0), community: Community | None = None) -> Person:
    person = make_person(community, name="管理员")
    grant(person, role, *scope)
    return person


def login(client, person: Person, password: str = PASSWORD):
    return client.post("/login", data={"phone": person.phone, "password": password})


def token_for(client, person: Person, password: str = PASSWORD) -> dict:
    """Authorization headers for the API."""
    response = client.post("/api/v1/auth/token", json={"phone": person.phone, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def count_statements(client, url: str) -> tuple[int, str]:
    """GET `url` and return (SQL statements it ran, page text); the page must answer 200."""
    from sqlalchemy import event

    statements = []

    def listener(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements), response.get_data(as_text=True)


def make_people(community: Community | None, n: int, name: str = "居民", **overrides) -> list[Person]:
    """n residents added in one commit (for worlds with many people, e.g. the access matrix)."""
    people = []
    for i in range(n):
        values = {
            "name": f"{name}{i}", "phone": f"137{next(_phones):08d}", "password_hash": _password_hash(),
            "hukou_place": "浙江省宁波市象山县", "born_on": date(1990, 1, 1), "gender": "F",
            "living_since_on": date(2015, 1, 1), "community_id": community.id if community else None, **overrides,
        }
        people.append(Person(**values))
    db.session.add_all(people)
    db.session.flush()
    for person in people:
        derive_migrant(person)
    db.session.commit()
    return people


def grant_all(people, role: str, scope_type: str, scope_id: int) -> None:
    """The same role for several people, in one commit."""
    db.session.add_all([RoleGrant(person_id=p.id, role=role, scope_type=scope_type, scope_id=scope_id)
                        for p in people])
    db.session.commit()


def put_on_roll(election, people, by: Person) -> None:
    """Register local residents on an election's roll in one commit, without the roll service's checks
    (for worlds where the roll is scenery, e.g. the access matrix; tests of the roll use roll.add_voter)."""
    from community.database import utcnow
    from community.elections.models import VoterRecord

    db.session.add_all([VoterRecord(election_id=election.id, person_id=p.id, term=election.term, status="registered",
                                    is_migrant=p.is_migrant, added_by_id=by.id, added_at=utcnow()) for p in people])
    db.session.commit()
