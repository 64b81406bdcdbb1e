"""The access matrix: every route of `app.url_map`, called as each identity, gives the answer its row expects.

Rows live beside the packages that own the routes (`ACCESS_ROWS` in community/access.py,
community/elections/access.py, branches/access.py…), and each package registers them with the app's registry
(`registry.access(ACCESS_ROWS)` in its init_app); the tests read them from there.
One test per identity builds the world once and calls every row, so a failure lists every route that
answered that identity wrongly; routes without a row fail `test_every_route_has_a_row`, which says
what to add and where. Rows marked `xfail_reason` are known holes being fixed elsewhere: strict expected failures
(the identity's test is reported xfailed while they misbehave, and fails once one is fixed so that the mark is
dropped).
"""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select, update

from app import db
from community.access import IDENTITIES, SIGNED_IN, Row
from community.accounts.services import issue_token
from community.accounts.views import SESSION_KEY
from community.database import utcnow
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, recall, roll, voting
from community.people.models import Person
from tests.branches import dues_world, liaison_world, life_access_world, roster_world
from tests.community.discussions import mediation_world, requests_world
from tests.community.elections.conftest import count, make_election
from tests.factories import grant, grant_all, make_community, make_people, make_street, put_on_roll
from tests.volunteers import activities_world, points_world, uses_world

NOT_ROUTES = {"static"}                             # served files, no authorisation involved


def app_rows(app) -> list[Row]:
    """Every package's access rows, as the packages registered them with the app (community.registry)."""
    from community.registry import registry

    return list(registry(app).access_rows)


PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a row's path and body may name (build_world provides each); identities name their person's id.
WORLD_KEYS = frozenset({
    "street_1", "street_2", "community_a", "community_b", "community_c", "person", "spare", "voter",
    "person_phone", "voter_phone", "resident_phone", "election", "nominating", "published", "other_election",
    "receipt", "candidate", "elected", "recall", "nomination", "objection", "voter_3", "voter_4", "voter_5",
    "spare_grant", "spare_grant_2", "job", "notification", "reminder", "feed_token", "meeting", *SIGNED_IN,
    *roster_world.KEYS, *life_access_world.KEYS, *dues_world.KEYS, *liaison_world.KEYS, *requests_world.KEYS,
    *uses_world.KEYS, *points_world.KEYS, *activities_world.KEYS,
    *mediation_world.KEYS})


# ---------------------------------------------------------------------------------------------- the world
@dataclass
class World:
    ids: dict                                   # placeholder -> value
    people: dict                                # identity -> person id
    tokens: dict = field(default_factory=dict)  # person id -> bearer token
    sessions: dict = field(default_factory=dict)  # person id -> server-side sign-in session key


def build_world() -> World:
    """Street 1 with communities A and B, street 2 with C; the identities; elections in A in three states."""
    street_1, street_2 = make_street("爵溪街道"), make_street("丹东街道")
    a, b = make_community(street_1, "东门社区"), make_community(street_1, "西门社区")
    c = make_community(street_2, "城东社区")
    (resident, admin_a, street_admin, committee, counter, person, spare, voter, *more) = make_people(a, 26)
    members, v, n_voters, p_voters = more[:7], more[7:13], more[13:15], more[15:18]
    admin_b, = make_people(b, 1, "西门管理员")
    other_street_admin, other_committee, admin_c = make_people(c, 3, "城东")
    platform_admin, = make_people(None, 1, "平台管理员")
    who = {"resident": resident, "admin_a": admin_a, "admin_b": admin_b, "street_admin": street_admin,
           "other_street_admin": other_street_admin, "platform_admin": platform_admin, "committee": committee,
           "counter": counter, "other_committee": other_committee}
    for holder, role, scope in ((admin_a, "community_admin", a), (admin_b, "community_admin", b),
                                (admin_c, "community_admin", c), (street_admin, "street_admin", street_1),
                                (other_street_admin, "street_admin", street_2)):
        grant_all([holder], role, scope.__tablename__, scope.id)
    grant_all([platform_admin], "platform_admin", "platform", 0)

    def officials(election, *extra):
        grant_all([*members, *extra], "election_committee", "election", election.id)  # 7–9 members

    # {election}: open for voting, one ballot cast.
    election = make_election(a, admin=admin_a, committee=0, title="东门社区居民代表推选")
    put_on_roll(election, [*v, resident, voter], admin_a)
    standing = [cands.add_candidate(admin_a, election, someone) for someone in v[:3]]
    officials(election, committee)
    grant(counter, "counter", "election", election.id)
    lifecycle.change_status(admin_a, election, "voting")
    receipt = voting.cast_ballot(v[0], election, [standing[0].id])

    # {nominating}: taking nominations, with one joint nomination and one objection to the roll.
    nominating = make_election(a, admin=admin_a, committee=0, title="东门社区补选", term="2031",
                               voting_opens_at=utcnow() + timedelta(days=10),
                               voting_closes_at=utcnow() + timedelta(days=11))
    put_on_roll(nominating, [*n_voters, resident, voter], admin_a)
    officials(nominating, committee)
    grant(counter, "counter", "election", nominating.id)
    lifecycle.change_status(admin_a, nominating, "nominating")
    nomination = cands.nominate(n_voters[0], nominating, n_voters[1], "voters")
    objection = roll.file_objection(n_voters[0], nominating, "漏登了一户")

    # {published}: results out, one representative elected and a recall proposed; "committee" and
    # "counter" do not serve in it.
    published = make_election(a, admin=admin_a, committee=0, title="东门社区上届推选", seats=1, term="2021")
    put_on_roll(published, [*p_voters, resident], admin_a)
    officials(published)
    elected, _other = (cands.add_candidate(admin_a, published, someone) for someone in p_voters[:2])
    lifecycle.change_status(admin_a, published, "voting")
    for someone in p_voters:
        voting.cast_ballot(someone, published, [elected.id])
    later = utcnow() + timedelta(days=2)
    published.test_admin = admin_a
    count(published, now=later)  # closed, the sealed ballots opened with k supervisors' shares, counted
    lifecycle.change_status(admin_a, published, "published", now=later)
    proposal = recall.propose_recall(p_voters[1], published, elected, "长期不履职")

    # The other street's election and its committee member.
    other = make_election(c, admin=admin_c, committee=0, title="城东推选")
    grant(other_committee, "election_committee", "election", other.id)

    from community.background import start_job

    job = start_job(admin_a.id, "export", admin_a.id, {})
    notification, reminder, feed_token = _reminders_world(resident)
    # {meeting}: a discussion meeting of A organised by admin_a, the resident and the voter invited.
    from community.meetings.records import invite
    from community.meetings.services import create_meeting

    meeting = create_meeting(admin_a, "discussion", a.id, {
        "title": "东门社区议事会", "starts_at": utcnow() + timedelta(days=3),
        "ends_at": utcnow() + timedelta(days=3, hours=1), "place": "东门社区议事厅"})
    for someone in (resident, voter):
        invite(admin_a, meeting, someone.id)
    branch_part = roster_world.build(street_1, a, who)
    ids = {
        "street_1": street_1.id, "street_2": street_2.id, "community_a": a.id, "community_b": b.id,
        "community_c": c.id, "person": person.id, "spare": spare.id, "voter": voter.id,
        "person_phone": person.phone, "voter_phone": voter.phone, "resident_phone": resident.phone,
        "election": election.id, "nominating": nominating.id, "published": published.id, "receipt": receipt,
        "candidate": standing[2].id, "elected": elected.id, "recall": proposal.id, "nomination": nomination.id,
        "objection": objection.id, "voter_3": v[3].id, "voter_4": v[4].id, "voter_5": v[5].id,
        "spare_grant": grant(spare, "discussion_member", "community", a.id).id,
        "spare_grant_2": grant(spare, "organiser", "community", a.id).id, "job": job,
        "other_election": other.id, "notification": notification, "reminder": reminder, "feed_token": feed_token,
        "meeting": meeting.id,
        **branch_part, **life_access_world.build(branch_part["branch_member"]),
        **dues_world.build(street_1, a, who), **liaison_world.build(branch_part, who), **requests_world.build(a, who),
        **uses_world.build(street_1, a, who),  # redemptions, allocations, certificates (volunteers)
        **points_world.build_matrix(street_1, a, who),
        **activities_world.build(a, admin_a, resident),
        **mediation_world.build(a, who, meeting.id),
    }
    ids.update({name: p.id for name, p in who.items()})
    assert ids.keys() == WORLD_KEYS
    return World(ids, {name: p.id for name, p in who.items()})


def _reminders_world(resident) -> tuple[int, int, str]:
    """A message in the resident's inbox, a failed reminder to them, and their private calendar link."""
    from community.reminders.feed import renew_feed
    from community.reminders.models import Notification, Reminder

    now = utcnow()
    notification = Notification(person_id=resident.id, kind="election_voting_open", title="投票开始", url="/")
    reminder = Reminder(key=f"election_voting_open|world|1|{resident.id}|email", kind="election_voting_open",
                        subject="world", occasion="1", recipient_id=resident.id, channel="email", due_at=now,
                        state="failed", attempts=5, last_error="SMTP refused")
    db.session.add_all([notification, reminder])
    db.session.commit()
    return notification.id, reminder.id, renew_feed(resident)


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


def _bearer(world: World, person_id: int) -> dict:
    """A bearer token for the person, issued once and again only after a request revoked it."""
    from community.accounts.services import person_for_token

    token = world.tokens.get(person_id)
    if token is None or person_for_token(token) is None:
        token = world.tokens[person_id] = issue_token(db.session.get(Person, person_id))[0]
    return {"Authorization": f"Bearer {token}"}


def _session_key(world: World, person_id: int) -> str:
    """A live server-side sign-in session for the person, started again only after a request ended it."""
    from community.accounts.services import person_for_session, start_session

    key = world.sessions.get(person_id)
    if key is None or person_for_session(str(person_id), key) is None:
        key = world.sessions[person_id] = start_session(db.session.get(Person, person_id))
    return key


def call(client, r: Row, world: World, identity: str):
    """One request as `identity`: a bearer token for the API, a signed-in session for pages."""
    path = fill(r.path, world.ids)
    person_id = world.people.get(identity)
    kwargs = {}
    if path.startswith("/api/"):
        if person_id:
            kwargs["headers"] = _bearer(world, person_id)
        if r.method != "GET":
            kwargs["json"] = fill(r.json or {}, world.ids)
    else:
        with client.session_transaction() as session:
            session.clear()
            if person_id:
                session.update({"_user_id": str(person_id), "_fresh": True,
                                SESSION_KEY: _session_key(world, person_id)})
        if r.method != "GET":
            kwargs["data"] = {k: str(v) for k, v in fill(r.form or {}, world.ids).items()}
    response = client.open(path, method=r.method, **kwargs)
    if person_id and r.method != "GET":  # resetting one's own password must not lock the next pages
        locked = (Person.must_change_password.is_(True)) | (Person.is_active_account.is_(False))
        if db.session.scalar(select(Person.id).where(Person.id == person_id, locked)):
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


def check(client, world: World, rows, identities) -> list[tuple[Row, str]]:
    """(row, what went wrong) for every row and identity whose answer is not the expected one."""
    problems = []
    for r in sorted(rows, key=lambda r: r.method != "GET"):  # reads first: writes may change the world
        for identity in identities:
            problem = verdict(r, identity, call(client, r, world, identity))
            if problem:
                problems.append((r, problem))
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
    """Every row as one identity. Rows marked `xfail_reason` for it are known holes fixed on another branch:
    strict expected failures, so the test fails as soon as one answers as its row says (drop the mark then)."""
    world, client, rows = build_world(), app.test_client(), app_rows(app)
    known = [r for r in rows if identity in r.xfail_for]
    problems = [text for _row, text in check(client, world, [r for r in rows if identity not in r.xfail_for],
                                             [identity])]
    assert not problems, f"{len(problems)} routes answered {identity} wrongly:\n" + "\n".join(problems)
    holes = check(client, world, known, [identity])
    fixed = [r.route for r in known if all(hole is not r for hole, _text in holes)]
    assert not fixed, (f"Known holes now answer {identity} as their rows say: drop xfail_reason from\n  "
                       + "\n  ".join(fixed))
    if holes:
        pytest.xfail(f"{len(holes)} known holes ({'; '.join(sorted({r.xfail_reason for r in known}))}):\n"
                     + "\n".join(text for _row, text in holes))


def _suggestion(app, endpoint: str, method: str, rule) -> str:
    """What to add, and where: the innermost package of the view that has (or should have) an access module."""
    parts = app.view_functions[endpoint].__module__.split(".")
    owners = [".".join(parts[:depth]) + ".access" for depth in range(len(parts) - 1, 0, -1)]
    owner = next((name for name in owners if importlib.util.find_spec(name) is not None), owners[-1])
    path = re.sub(r"<(?:\w+:)?(\w+?)(?:_id)?>", r"{\1}", rule.rule)
    return (f"  {method} {rule.rule} ({endpoint}): add to ACCESS_ROWS in {owner.replace('.', '/')}.py:\n"
            f"      row(\"{method} {path}\", <allowed identities>),   # or public=\"why\"")


def test_every_route_has_a_row(app):
    """Every route × method of the URL map has a row; every row names a real route and known identities."""
    adapter, rows = app.url_map.bind("localhost"), app_rows(app)
    dummy = {name: "1" for r in rows for name in PLACEHOLDER.findall(r.route)}
    covered, stale = set(), []
    for r in rows:
        assert r.allow | r.hide | r.xfail_for <= SIGNED_IN, f"{r.route}: unknown identity"
        named = set(PLACEHOLDER.findall(f"{r.route} {r.form} {r.json}"))
        assert named <= WORLD_KEYS, f"{r.route}: the world has no {sorted(named - WORLD_KEYS)} (see WORLD_KEYS)"
        try:
            endpoint, _args = adapter.match(fill(r.path, dummy).split("?")[0], method=r.method)  # no query
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
                    f"{', '.join(IDENTITIES)}; placeholders: {', '.join(sorted(WORLD_KEYS - SIGNED_IN))} or an "
                    f"identity's name; see community/access.py):\n" + "\n".join(missing) + "\n")
    if stale:
        message += "Rows that match no route:\n" + "\n".join(stale)
    assert not message, message


# The lists the other branch's secretary and the other organisation's scorer may open (their rows allow them:
# each is filtered to one's own branch or organisation) must not show the world's branch, organisation or people.
OTHERS_LISTS = {
    "other_secretary": ("GET /admin/branches/", "GET /admin/branches/members", "GET /admin/branches/compliance",
                        "GET /admin/branches/flags", "GET /admin/branches/dues", "GET /meetings/new"),
    "other_scorer": ("GET /points/grant", "GET /api/v1/organisations", "GET /activities/declarations"),
}
NOT_THEIRS = {"other_secretary": ("贵州流动党支部", "党费测试流动党支部", "矩阵党员0", "矩阵党员1", "党费党员",
                                  "鸭溪镇党委"),
              "other_scorer": ("矩阵志愿者", "东门物业公司", "帮邻居老人买菜")}


def test_the_other_secretary_and_scorer_see_only_their_own(app):
    """Another branch's secretary and another organisation's scorer get through to the lists any secretary or
    scorer opens, and find there none of the world's branch, organisation or members."""
    from volunteers.points_models import Organisation

    world, client, rows = build_world(), app.test_client(), {r.route: r for r in app_rows(app)}
    own_organisation = db.session.scalar(select(Organisation.id).where(Organisation.name == "东门社区网格赋分点"))
    leaks = []
    for identity, routes in OTHERS_LISTS.items():
        for route in routes:
            response = call(client, rows[route], world, identity)
            if route == "GET /points/grant":
                assert response.headers["Location"].endswith(f"/points/organisations/{own_organisation}/grant")
                continue
            assert response.status_code == 200, (route, identity, response.status_code)
            text = response.get_data(as_text=True)
            if route == "GET /api/v1/organisations":
                assert [item["id"] for item in response.json["items"]] == [own_organisation], text
            leaks += [f"{route} as {identity} shows {name}" for name in NOT_THEIRS[identity] if name in text]
            if identity == "other_secretary" and route.startswith("GET /admin/branches"):
                assert "四川流动党支部" in text or route.endswith(("members", "flags")), (route, "own branch missing")
    assert not leaks, "\n".join(leaks)
