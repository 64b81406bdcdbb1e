"""Do the discussions' figures and the mediation case lists stay as fast, and run as many SQL statements, with a
county's rows as with a tenth?

One database per size: a street of C communities with R requests in every status (the done ones closed after
1–30 days, most rated) and K mediation cases among 2 mediators per community, most closed. Pages, timed as a
multiple of /healthz with their statement counts (which must not grow with the rows): the figures page and API
over every community (the street administrator), the street administrator's case list, a mediator's own case
list, a discussion meeting's agenda with its queue; then once each (they write): the requests board's .xlsx
export over the street (the task run in-process, streamed from one query, at most 5,000 rows) with its job page,
and taking an item off the agenda (back to the queue, its people told).
"""
from __future__ import annotations

import os
import sys
from datetime import date, timedelta

from sqlalchemy import insert, select, text

from bench.common import PASSWORD, Post, bearer, compare, people, signed_in, street_with

QUICK = "--quick" in sys.argv
FULL = {"communities": 100, "requests": 40000, "cases": 10000}
SCALES = [0.1, 0.25] if QUICK else [0.1, 1.0]
STATUSES = ("submitted", "accepted", "declined", "on_agenda", "decided", "in_progress", "done", "done", "done")
CATEGORIES = ("wages", "schooling", "housing", "health", "safety", "neighbours", "environment", "jobs", "other")
RATINGS = (None, "satisfied", "basically_satisfied", "unsatisfied")
OUTCOMES = (None, "settled", "settled", "settled", "partly", "failed", "referred")


def _seed(scale: float) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.database import utcnow
    from community.discussions.mediation_models import MediationCase
    from community.discussions.models import Request
    from community.meetings.models import Meeting
    from community.people.models import Person
    from community.roles.models import RoleGrant

    n_communities, n_requests, n_cases = (int(FULL[k] * scale) for k in ("communities", "requests", "cases"))
    street, communities = street_with(*(f"第{n:03d}社区" for n in range(n_communities)))
    community_ids, first = [c.id for c in communities], communities[0]
    admin = Person(name="街道管理员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    mediators = people(first, 2 * n_communities, "调解员", 4_000_000)
    residents = people(first, 200, "居民", 5_000_000)
    db.session.execute(insert(RoleGrant), [
        {"person_id": pid, "role": "mediator", "scope_type": "community", "scope_id": community_ids[n // 2]}
        for n, pid in enumerate(mediators)])
    db.session.execute(update_password(Person, mediators[0], admin.password_hash))
    now = utcnow().replace(microsecond=0)
    rows = []
    for n in range(n_requests):
        status, created = STATUSES[n % len(STATUSES)], now - timedelta(days=60 + n % 90)
        rows.append({"kind": "request", "title": f"诉求{n}", "body": "内容", "category": CATEGORIES[n % 9],
                     "community_id": community_ids[n % n_communities], "submitter_id": residents[n % 200],
                     "is_public": True, "status": status, "support_count": n % 15, "search_text": f"诉求{n}",
                     "queued_at": created if status in ("submitted", "accepted") and n % 3 == 0 else None,
                     "created_at": created, "updated_at": created, "responsible": "", "has_reopened": False,
                     "is_hidden": False, "hidden_reason": "",
                     "closed_at": created + timedelta(days=1 + n % 30) if status in ("done", "declined") else None,
                     "rating": RATINGS[n % 4] if status == "done" else None})
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Request), rows[chunk:chunk + 5000])
    cases = [{"community_id": community_ids[(n // 2) % n_communities], "mediator_id": mediators[n % len(mediators)],
              "kind": ("neighbours", "landlord_tenant", "labour", "other")[n % 4], "title": f"纠纷{n}",
              "summary": "", "opened_on": date(2026, 1, 1) + timedelta(days=n % 300), "outcome_note": "",
              "referred_to": "", "outcome": OUTCOMES[n % 7], "created_at": now,
              "closed_at": now if OUTCOMES[n % 7] else None} for n in range(n_cases)]
    for chunk in range(0, len(cases), 5000):
        db.session.execute(insert(MediationCase), cases[chunk:chunk + 5000])
    meeting = Meeting(kind="discussion", scope_type="community", scope_id=community_ids[0], title="议事会",
                      starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=1), place="议事厅")
    db.session.add(meeting)
    db.session.flush()
    from community.discussions.mediation_models import AgendaItem

    on_agenda = db.session.scalar(select(Request).where(Request.community_id == community_ids[0],
                                                         Request.status == "accepted").limit(1))
    on_agenda.status = "on_agenda"
    item = AgendaItem(meeting_id=meeting.id, request_id=on_agenda.id, position=1, created_at=now)
    db.session.add(item)
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"meeting": meeting.id, "mediator_phone": f"15{4_000_000:09d}", "agenda_item": item.id}


def update_password(model, person_id: int, password_hash: str):
    """The first mediator signs in with the bench's password."""
    from sqlalchemy import update

    return update(model).where(model.id == person_id).values(password_hash=password_hash)


def _downloaded(client, job: str) -> str:
    """The export's job page, once its .xlsx has downloaded."""
    assert client.get(job + ".xlsx").status_code == 200, job
    return job


def _pages(app, world: dict) -> dict:
    admin, mediator = signed_in(app, "13800000000"), signed_in(app, world["mediator_phone"])
    api = bearer(app, "13800000000")
    export = Post(admin, "/requests/export", [{"data": {}}], status=302)  # the task run in-process
    off = f"/discussions/meetings/{world['meeting']}/agenda/{world['agenda_item']}/remove"
    return {
        "figures page (street)": (admin, "/discussions/figures/", None),
        "figures API (street)": (admin, "/api/v1/discussions/figures", api),
        "case list (street)": (admin, "/mediation/", None),
        "case list API (street)": (admin, "/api/v1/mediation/cases", api),
        "case list (a mediator)": (mediator, "/mediation/", None),
        "agenda and queue": (admin, f"/discussions/meetings/{world['meeting']}/agenda", None),
        "board export (.xlsx, street)": export,
        "board export's job page": (admin, lambda: _downloaded(admin, export.location), None),
        "agenda item off (POST)": Post(admin, off, [{"data": {"note": "材料不全", "confirmed": "1"}}], status=302),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    return compare("discussion figures and mediation lists; r = requests, c = mediation cases, over communities "
                   "of one street", SCALES, lambda s: f"{int(FULL['requests'] * s):,}r/{int(FULL['cases'] * s):,}c",
                   _seed, _pages, migrate=True)  # the requests' search index needs pg_trgm, which they create


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
