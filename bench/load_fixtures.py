"""What `make bench-load` needs in a database that `flask bench-data` filled: the accounts it signs in as (found
by their roles), a browser session per role (the app's own `sign_in`, without the password's Argon2 check, the
cookie signed with the servers' SECRET_KEY), bearer tokens for many people at once, and the writes' requests,
each by a different person: ballots in a fresh election, grants from scoring organisations, supports of open
requests, check-ins at a fresh activity. The writes go to community 2, so that the resident of community 1
whose pages are measured sees the same pages run after run.

Everything runs inside an app context on the benchmarked database; each write fixture is made just before its
run (a check-in code lives 30 seconds)."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import session
from sqlalchemy import func, insert, select

from app import db
from bench.servers import ACCEPT, USER_AGENT

WRITES_COMMUNITY = 2


@dataclass
class World:
    resident: int
    admin: int
    street_admin: int
    secretary: int
    organiser: int
    counted_election: int
    cookies: dict[str, str] = field(default_factory=dict)  # role -> "session=…"
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer token

    def page(self, role: str | None) -> str:
        """The headers of a browser's GET as `role` (None: not signed in)."""
        return ACCEPT + (f" | Cookie: {self.cookies[role]}" if role else "")

    def api(self, role: str) -> str:
        return ACCEPT + f" | Authorization: Bearer {self.tokens[role]}"


def _holder(role: str) -> tuple[int, int | None]:
    from community.roles.models import RoleGrant

    found = db.session.execute(select(RoleGrant.person_id, RoleGrant.scope_id).where(RoleGrant.role == role)
                               .order_by(RoleGrant.id).limit(1)).first()
    if found is None:
        raise SystemExit(f"no {role} in the database: fill it with `flask bench-data` first")
    return found[0], found[1]


def world(app) -> World:
    """The accounts of bench-data (by role), a session and a token for each."""
    from community.elections.models import Election
    from community.people.models import Person

    counted = db.session.scalar(select(Election.id).where(Election.status == "published").order_by(Election.id)
                                .limit(1))
    found = World(resident=db.session.scalar(select(func.min(Person.id))), admin=_holder("platform_admin")[0],
                  street_admin=_holder("street_admin")[0], secretary=_holder("secretary")[0],
                  organiser=_holder("organiser")[0], counted_election=counted)
    for role in ("resident", "admin", "street_admin", "secretary"):
        found.cookies[role] = session_cookie(app, getattr(found, role))
    tokens = tokens_for([found.resident, found.admin])
    found.tokens = {"resident": tokens[found.resident], "admin": tokens[found.admin]}
    return found


def session_cookie(app, person_id: int, with_csrf: bool = False):
    """The Cookie header of a browser signed in as the person (a live server-side session); with `with_csrf`,
    (cookie, the CSRF token its forms carry)."""
    from flask_wtf.csrf import generate_csrf

    from community.accounts.views import sign_in
    from community.people.models import Person

    with app.test_request_context("/", headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        sign_in(db.session.get(Person, person_id))
        db.session.commit()
        token = generate_csrf() if with_csrf else None
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    cookie = f"{app.config['SESSION_COOKIE_NAME']}={value}"
    return (cookie, token) if with_csrf else cookie


def tokens_for(person_ids: list[int]) -> dict[int, str]:
    """A live bearer token per person (rows written at once, as issue_token writes one)."""
    from community.accounts.models import ApiToken
    from community.database import utcnow

    now, tokens, rows = utcnow(), {}, []
    for pid in dict.fromkeys(person_ids):
        tokens[pid] = secrets.token_urlsafe(32)
        rows.append({"person_id": pid, "digest": hashlib.sha256(tokens[pid].encode()).hexdigest(),
                     "created_at": now, "expires_at": now + timedelta(days=2)})
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(ApiToken), rows[start:start + 5000])
    db.session.commit()
    return tokens


def _residents(limit: int, skip: set[int] = frozenset()) -> list[int]:
    from community.people.models import Person

    ids = db.session.scalars(select(Person.id).where(Person.community_id == WRITES_COMMUNITY,
                                                     Person.is_active_account.is_(True))
                             .order_by(Person.id).limit(limit + len(skip))).all()
    return [pid for pid in ids if pid not in skip][:limit]


def _post(path: str, token: str, body: dict) -> tuple[str, str, str, str]:
    return ("POST", path, ACCEPT + f" | Content-Type: application/json | Authorization: Bearer {token}",
            json.dumps(body, ensure_ascii=False, separators=(",", ":")))


# ------------------------------------------------------------------------------------------------ the writes
def ballot_requests(w: World, how_many: int) -> list[tuple]:
    """A fresh election of community 2, voting open, its roll the community's eligible residents (up to
    `how_many`), 7 candidates for 5 seats and a dealt round key; one ballot request per voter."""
    from community.database import utcnow
    from community.elections.models import Candidate, ElectionRound, Nomination, RoundTally, VoterRecord
    from community.elections.rules import eligibility_problems
    from community.elections.services import ballot_key
    from community.elections.services.setup import new_election
    from community.people.models import Person
    from community.roles.models import RoleGrant

    now = utcnow().replace(microsecond=0)
    election = new_election(community_id=WRITES_COMMUNITY, created_by_id=w.admin, title="基准测试投票",
                            term=f"b{int(now.timestamp())}", seats=5, status="voting", current_round=1,
                            voting_opens_at=now - timedelta(hours=1), voting_closes_at=now + timedelta(days=1),
                            roll_published_at=now - timedelta(days=3), nominating_at=now - timedelta(days=2),
                            candidates_published_at=now - timedelta(days=1))
    db.session.add(election)
    db.session.flush()
    roll = [p.id for p in db.session.scalars(select(Person).where(Person.community_id == WRITES_COMMUNITY)
                                             .order_by(Person.id).limit(how_many * 2))
            if not eligibility_problems(p, election, election.voting_day)][:how_many]
    db.session.execute(insert(VoterRecord), [
        {"election_id": election.id, "person_id": pid, "term": election.term, "status": "registered",
         "is_migrant": False, "promise_signed": False, "added_by_id": w.admin, "added_at": now} for pid in roll])
    db.session.add_all(RoleGrant(person_id=pid, role="election_committee", scope_type="election",
                                 scope_id=election.id, granted_by_id=w.admin) for pid in roll[:3])
    candidates = []
    for pid in roll[3:10]:
        nomination = Nomination(election_id=election.id, nominee_id=pid, kind="committee", submitted_by_id=w.admin,
                                submitted_at=election.candidates_published_at)
        db.session.add(nomination)
        db.session.flush()
        candidates.append(Candidate(election_id=election.id, person_id=pid, nomination_id=nomination.id,
                                    added_by_id=w.admin, added_at=election.candidates_published_at,
                                    occupation="社区居民", statement="基准测试候选人。"))
    db.session.add_all(candidates)
    db.session.flush()
    round_ = ElectionRound(election_id=election.id, number=1, stage="first", seats=5, status="voting",
                           opens_at=election.voting_opens_at, closes_at=election.voting_closes_at)
    round_.tallies = [RoundTally(candidate_id=c.id) for c in candidates]
    db.session.add(round_)
    db.session.flush()
    ballot_key.deal_round_key(election, 1, election.voting_opens_at)
    db.session.commit()
    tokens = tokens_for(roll)
    ids = [c.id for c in candidates]
    return [_post(f"/api/v1/elections/{election.id}/ballots", tokens[pid],
                  {"candidate_ids": ids[k % 3:k % 3 + 1 + k % 5]}) for k, pid in enumerate(roll)]


def grant_requests(w: World, how_many: int, organisations: int = 16) -> list[tuple]:
    """Scoring organisations of community 2 (made once, each with its own scorer and a year's quota), each
    request a grant of 1 point by one of them, in turn, to a different resident."""
    from community.database import utcnow
    from community.people.models import Person
    from community.places.models import Community
    from community.roles.models import RoleGrant
    from volunteers.activities import CATEGORIES
    from volunteers.organisations import create_organisation, current_quota, set_quota
    from volunteers.points_models import Organisation

    admin = db.session.get(Person, w.admin)
    today = utcnow().date()
    scorers = _residents(organisations)
    chosen = []
    for k, scorer in enumerate(scorers):
        name = f"基准测试赋分单位{k + 1}"
        organisation = db.session.scalar(select(Organisation).where(Organisation.community_id == WRITES_COMMUNITY,
                                                                    Organisation.name == name))
        if organisation is None:
            assert db.session.get(Community, WRITES_COMMUNITY) is not None
            organisation = create_organisation(admin, {"community_id": WRITES_COMMUNITY, "name": name,
                                                       "kind": "community"})
            db.session.add(RoleGrant(person_id=scorer, role="scorer", scope_type="organisation",
                                     scope_id=organisation.id, granted_by_id=w.admin))
            db.session.commit()
        if current_quota(organisation.id, today) is None:
            set_quota(admin, organisation, str(today.year), 10_000_000)
        chosen.append((organisation.id, scorer))
    db.session.commit()
    tokens = tokens_for(scorers)
    targets = _residents(how_many, set(scorers))
    return [_post("/api/v1/grants", tokens[chosen[k % len(chosen)][1]],
                  {"organisation_id": chosen[k % len(chosen)][0], "person_id": pid, "points": 1,
                   "category": CATEGORIES[k % len(CATEGORIES)], "reason": "基准测试赋分"})
            for k, pid in enumerate(targets)]


def support_requests(w: World, how_many: int) -> list[tuple]:
    """Supports of the open public requests of community 2, each by a resident who has not supported it yet
    (nor raised it), spread over the requests."""
    from community.discussions.models import Request, Support
    from community.discussions.requests import OPEN

    items = db.session.execute(select(Request.id, Request.submitter_id).where(
        Request.community_id == WRITES_COMMUNITY, Request.status.in_(OPEN), Request.is_public.is_(True),
        Request.is_hidden.is_(False)).order_by(Request.id.desc()).limit(400)).all()
    done = set(db.session.execute(select(Support.request_id, Support.supporter_id)
                                  .where(Support.request_id.in_([i.id for i in items]))).tuples())
    people = _residents(max(how_many // max(len(items), 1) * 3, 600))
    pairs, offset = [], 0
    while len(pairs) < how_many and offset < len(people):
        for n, item in enumerate(items):
            pid = people[(offset + n) % len(people)]
            if pid != item.submitter_id and (item.id, pid) not in done:
                done.add((item.id, pid))
                pairs.append((item.id, pid))
        offset += 1
    pairs = pairs[:how_many]
    tokens = tokens_for([pid for _rid, pid in pairs])
    return [_post(f"/api/v1/requests/{rid}/supports", tokens[pid], {}) for rid, pid in pairs]


def checkin_requests(w: World, how_many: int) -> list[tuple]:
    """A fresh activity of community 2 under way, every resident asked signed up, and one check-in scan each
    with the code the organiser's screen would show now."""
    from community.database import utcnow
    from volunteers.activities import Activity, Signup
    from volunteers.checkin import make_code

    now = utcnow().replace(microsecond=0)
    people = _residents(how_many)
    activity = Activity(title="基准测试签到", category="volunteer_service", community_id=WRITES_COMMUNITY,
                        organiser_id=w.organiser, place="社区党群服务中心", description="", starts_at=now - timedelta(
                            minutes=10), ends_at=now + timedelta(hours=2), capacity=len(people), taken=len(people),
                        points_rule="per_hour", points=10, status="open", created_at=now)
    db.session.add(activity)
    db.session.flush()
    db.session.execute(insert(Signup), [{"activity_id": activity.id, "person_id": pid, "state": "signed_up",
                                         "created_at": now, "updated_at": now} for pid in people])
    db.session.commit()
    tokens = tokens_for(people)
    code = make_code(activity.id, int(utcnow().timestamp()))
    return [_post("/api/v1/checkins", tokens[pid], {"code": code}) for pid in people]
