"""The access matrix: every route of `app.url_map`, called as each identity, gives the answer its row expects.

Rows live beside the packages that own the routes (`ACCESS_ROWS` in community/access.py,
community/elections/access.py, …); `collect_rows()` below finds every package's `access` module.
One test per identity builds the world once and calls every row, so a failure lists every route that
answered that identity wrongly; routes without a row fail `test_every_route_has_a_row`, which says
what to add and where. Rows marked `xfail_reason` are known holes being fixed elsewhere: they run as strict
expected failures in `test_known_hole`, which fails once the hole is fixed so that the mark is dropped.
"""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import update

from app import db
from community.access import IDENTITIES, SIGNED_IN, Row
from community.accounts.services import issue_token
from community.database import utcnow
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, recall, roll, voting
from community.people.models import Person
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import grant, make_admin, make_community, make_person, make_street

PACKAGES = ("community", "branches", "volunteers")  # where routes come from; each may hold `access` modules
NOT_ROUTES = {"static"}                             # served files, no authorisation involved


def collect_rows() -> list[Row]:
    """Every package's ACCESS_ROWS: any module named `access` under the application's packages."""
    rows = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        modules = [name + ".access"] + [info.name for info in pkgutil.walk_packages(package.__path__, name + ".")
                                        if info.name.endswith(".access") and info.name != name + ".access"]
        for module_name in modules:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name == module_name:
                    continue
                raise
            rows += getattr(module, "ACCESS_ROWS", [])
    return rows


ROWS = collect_rows()
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# ---------------------------------------------------------------------------------------------- the world
@dataclass
class World:
    ids: dict        # placeholder -> value
    people: dict     # identity -> person id


def build_world() -> World:
    """Street 1 with communities A and B, street 2 with C; the identities; elections in A in three states."""
    street_1, street_2 = make_street("爵溪街道"), make_street("丹东街道")
    a, b = make_community(street_1, "东门社区"), make_community(street_1, "西门社区")
    c = make_community(street_2, "城东社区")
    who = {
        "resident": make_person(a, name="居民"),
        "admin_a": make_admin("community_admin", ("community", a.id), a),
        "admin_b": make_admin("community_admin", ("community", b.id), b),
        "street_admin": make_admin("street_admin", ("street", street_1.id), a),
        "other_street_admin": make_admin("street_admin", ("street", street_2.id), c),
        "platform_admin": make_admin(),
        "committee": make_person(a, name="选举委员"),
        "counter": make_person(a, name="计票人"),
        "other_committee": make_person(c, name="城东委员"),
    }
    admin, resident = who["admin_a"], who["resident"]
    person, spare, voter = make_person(a, name="被查看人"), make_person(a, name="备用人"), make_person(a, name="选民")

    def officials(election):
        grant(who["committee"], "election_committee", "election", election.id)
        grant(who["counter"], "counter", "election", election.id)

    # {election}: open for voting, one ballot cast.
    election = make_election(a, admin=admin, title="东门社区居民代表推选")
    voters = make_voters(election, a, 6)
    for someone in (resident, voter):
        roll.add_voter(admin, election, someone)
    standing = [cands.add_candidate(admin, election, v) for v in voters[:3]]
    officials(election)
    lifecycle.change_status(admin, election, "voting")
    receipt = voting.cast_ballot(voters[0], election, [standing[0].id])

    # {nominating}: taking nominations, with one joint nomination and one objection to the roll.
    nominating = make_election(a, admin=admin, title="东门社区补选", term="2031",
                               voting_opens_at=utcnow() + timedelta(days=10),
                               voting_closes_at=utcnow() + timedelta(days=11))
    n_voters = make_voters(nominating, a, 2)
    for someone in (resident, voter):
        roll.add_voter(admin, nominating, someone)
    officials(nominating)
    lifecycle.change_status(admin, nominating, "nominating")
    nomination = cands.nominate(n_voters[0], nominating, n_voters[1], "voters")
    objection = roll.file_objection(n_voters[0], nominating, "漏登了一户")

    # {published}: results out, one representative elected and a recall proposed.
    published = make_election(a, admin=admin, title="东门社区上届推选", seats=1, term="2021")
    p_voters = make_voters(published, a, 3)
    roll.add_voter(admin, published, resident)
    elected, _other = (cands.add_candidate(admin, published, v) for v in p_voters[:2])
    lifecycle.change_status(admin, published, "voting")
    for v in p_voters:
        voting.cast_ballot(v, published, [elected.id])
    later = utcnow() + timedelta(days=2)
    for step in ("closed", "counted", "published"):
        lifecycle.change_status(admin, published, step, now=later)
    proposal = recall.propose_recall(p_voters[1], published, elected, "长期不履职")

    # The other street's election and its committee member.
    other = make_election(c, admin=make_admin("community_admin", ("community", c.id), c), committee=0, title="城东推选")
    grant(who["other_committee"], "election_committee", "election", other.id)

    from community.background import start_job
    from community.people import excel

    job = start_job(admin.id, "export", excel.export_people, admin.id, {})
    ids = {
        "street_1": street_1.id, "street_2": street_2.id, "community_a": a.id, "community_b": b.id,
        "community_c": c.id, "person": person.id, "spare": spare.id, "voter": voter.id,
        "person_phone": person.phone, "voter_phone": voter.phone, "resident_phone": resident.phone,
        "election": election.id, "nominating": nominating.id, "published": published.id, "receipt": receipt,
        "candidate": standing[2].id, "elected": elected.id, "recall": proposal.id, "nomination": nomination.id,
        "objection": objection.id, "voter_3": voters[3].id, "voter_4": voters[4].id, "voter_5": voters[5].id,
        "spare_grant": grant(spare, "discussion_member", "community", a.id).id,
        "spare_grant_2": grant(spare, "organiser", "community", a.id).id, "job": job,
        "other_election": other.id,
        **{name: p.id for name, p in who.items()},
    }
    return World(ids, {name: p.id for name, p in who.items()})


# ---------------------------------------------------------------------------------------------- calling
def fill(value, ids: dict):
    """Put the world's ids into a path or body; a value that is one placeholder becomes that id itself."""
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and isinstance(ids[whole.group(1)], int):
            return ids[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(ids[m.group(1)]), value)
    return value


def call(client, r: Row, world: World, identity: str):
    """One request as `identity`: a fresh bearer token for the API, a signed-in session for pages."""
    path = fill(r.path, world.ids)
    person_id = world.people.get(identity)
    kwargs = {}
    if path.startswith("/api/"):
        if person_id:
            token, _row = issue_token(db.session.get(Person, person_id))
            kwargs["headers"] = {"Authorization": f"Bearer {token}"}
        if r.method != "GET":
            kwargs["json"] = fill(r.json or {}, world.ids)
    else:
        with client.session_transaction() as session:
            session.clear()
            if person_id:
                session.update({"_user_id": str(person_id), "_fresh": True})
        if r.method != "GET":
            kwargs["data"] = {k: str(v) for k, v in fill(r.form or {}, world.ids).items()}
    response = client.open(path, method=r.method, **kwargs)
    if person_id and r.method != "GET":  # resetting one's own password must not lock the next pages
        db.session.execute(update(Person).where(Person.id == person_id).values(
            must_change_password=False, is_active_account=True))
        db.session.commit()
    return response


def verdict(r: Row, identity: str, response) -> str | None:
    """None when the answer is what the row expects, else what went wrong."""
    expected, status = r.expected(identity), response.status_code
    location = urlparse(response.headers.get("Location", "")).path
    to_login = 300 <= status < 400 and location == "/login"
    if status >= 500:
        ok = False
    elif expected == "allowed":
        ok = (status < 400 and (bool(r.public) or not to_login)) or status in (400, 409, 422)
    elif expected == "login":
        ok = status == 401 if r.path.startswith("/api/") else to_login
    else:
        ok = status == (404 if expected == "hidden" else 403)
    if ok:
        return None
    got = f"{status} → {location}" if location else str(status)
    return f"{r.route:<70} as {identity}: expected {expected}, got {got}"


def check(client, world: World, rows, identities) -> list[str]:
    problems = []
    for r in sorted(rows, key=lambda r: r.method != "GET"):  # reads first: writes may change the world
        for identity in identities:
            problem = verdict(r, identity, call(client, r, world, identity))
            if problem:
                problems.append(problem)
    return problems


# ---------------------------------------------------------------------------------------------- the tests
@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch):
    """Resets and new people hash passwords; the matrix is about who gets through, not Argon2's cost."""
    from argon2 import PasswordHasher

    from community.accounts import services

    monkeypatch.setattr(services, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_access_matrix(app, identity):
    world = build_world()
    rows = [r for r in ROWS if identity not in r.xfail_for]
    problems = check(app.test_client(), world, rows, [identity])
    assert not problems, f"{len(problems)} routes answered {identity} wrongly:\n" + "\n".join(problems)


@pytest.mark.parametrize("known", [
    pytest.param(r, id=f"{r.route} as {'/'.join(sorted(r.xfail_for))}",
                 marks=pytest.mark.xfail(reason=r.xfail_reason, strict=True))
    for r in ROWS if r.xfail_reason])
def test_known_hole(app, known):
    """A known hole is fixed on another branch; when this passes, drop the row's xfail_reason."""
    problems = check(app.test_client(), build_world(), [known], sorted(known.xfail_for))
    assert not problems, "\n".join(problems)


def _suggestion(app, endpoint: str, method: str, rule) -> str:
    """What to add, and where: the innermost package of the view that has (or should have) an access module."""
    parts = app.view_functions[endpoint].__module__.split(".")
    owners = [".".join(parts[:depth]) + ".access" for depth in range(len(parts) - 1, 0, -1)]
    owner = next((name for name in owners if importlib.util.find_spec(name) is not None), owners[-1])
    path = re.sub(r"<(?:\w+:)?(\w+?)(?:_id)?>", r"{\1}", rule.rule)
    return (f"  {method} {rule.rule} ({endpoint}): add to ACCESS_ROWS in {owner.replace('.', '/')}.py:\n"
            f"      row(\"{method} {path}\", <allowed identities>),")


def test_every_route_has_a_row(app):
    """Every route × method of the URL map has a row; every row names a real route and known identities."""
    adapter = app.url_map.bind("localhost")
    dummy = {name: "1" for r in ROWS for name in PLACEHOLDER.findall(r.route)}
    covered, stale = set(), []
    for r in ROWS:
        assert r.allow | r.hide | r.xfail_for <= SIGNED_IN, f"{r.route}: unknown identity"
        try:
            endpoint, _args = adapter.match(fill(r.path, dummy), method=r.method)
        except Exception as error:  # noqa: BLE001  (NotFound, MethodNotAllowed, RequestRedirect)
            stale.append(f"  {r.route}: {type(error).__name__}")
            continue
        covered.add((endpoint, r.method))
    missing = [_suggestion(app, rule.endpoint, method, rule)
               for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
               if rule.endpoint not in NOT_ROUTES
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if (rule.endpoint, method) not in covered]
    message = ""
    if missing:
        message += (f"{len(missing)} routes have no row in the access matrix (identities: "
                    f"{', '.join(IDENTITIES)}; see community/access.py):\n" + "\n".join(missing) + "\n")
    if stale:
        message += "Rows that match no route:\n" + "\n".join(stale)
    assert not message, message
