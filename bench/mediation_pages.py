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
import tempfile
from datetime import date, timedelta

from sqlalchemy import event, insert, select, text

from bench.ceremony_pages import PASSWORD, _people
from bench.people_list import BACKENDS, _time, database

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
    from community.places.models import Community, Street
    from community.roles.models import RoleGrant

    n_communities, n_requests, n_cases = (int(FULL[k] * scale) for k in ("communities", "requests", "cases"))
    street = Street(name="爵溪街道", county="象山县")
    db.session.add(street)
    db.session.flush()
    db.session.execute(insert(Community), [{"street_id": street.id, "name": f"第{n:03d}社区"}
                                           for n in range(n_communities)])
    community_ids = list(db.session.scalars(select(Community.id).order_by(Community.id)))
    first = db.session.get(Community, community_ids[0])
    admin = Person(name="街道管理员", phone="13800000000", password_hash=hash_password(PASSWORD), hukou_place="")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(person_id=admin.id, role="street_admin", scope_type="street", scope_id=street.id))
    mediators = _people(first, 2 * n_communities, "调解员", 4_000_000)
    residents = _people(first, 200, "居民", 5_000_000)
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


def _measure(url: str, folder: str, scale: float) -> dict:
    from app import create_app, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": folder, "RATELIMIT_ENABLED": False, "BACKGROUND_SYNC": True,
                      "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the migrations, not create_all: the requests' search index needs pg_trgm, which they create
        world = _seed(scale)
    admin, mediator = app.test_client(), app.test_client()
    admin.post("/login", data={"phone": "13800000000", "password": PASSWORD})
    mediator.post("/login", data={"phone": world["mediator_phone"], "password": PASSWORD})
    token = admin.post("/api/v1/auth/token", json={"phone": "13800000000", "password": PASSWORD}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    pages = {
        "figures page (street)": (admin, "/discussions/figures/", None),
        "figures API (street)": (admin, "/api/v1/discussions/figures", bearer),
        "case list (street)": (admin, "/mediation/", None),
        "case list API (street)": (admin, "/api/v1/mediation/cases", bearer),
        "case list (a mediator)": (mediator, "/mediation/", None),
        "agenda and queue": (admin, f"/discussions/meetings/{world['meeting']}/agenda", None),
    }
    result = {"baseline_ms": _time(admin, "/healthz") * 1000}
    baseline = result["baseline_ms"] / 1000
    for label, (client, path, headers) in pages.items():
        client.get(path, headers=headers or {})
        statements.clear()
        assert client.get(path, headers=headers or {}).status_code == 200, path
        count = len(statements)
        result[label] = (_time(client, path, headers) / baseline, count)
    import time

    off = f"/discussions/meetings/{world['meeting']}/agenda/{world['agenda_item']}/remove"
    writes = {"board export (.xlsx, street)": ("/requests/export", {}),
              "agenda item off (POST)": (off, {"note": "材料不全", "confirmed": "1"})}
    for label, (path, form) in writes.items():
        statements.clear()
        began = time.perf_counter()
        answer = admin.post(path, data=form)
        elapsed = time.perf_counter() - began
        assert answer.status_code == 302, (path, answer.status_code)
        result[label] = (elapsed / baseline, len(statements))
        if path == "/requests/export":
            job = answer.headers["Location"]
            assert admin.get(job).status_code == 200 and admin.get(job + ".xlsx").status_code == 200
            statements.clear()
            admin.get(job)
            count = len(statements)  # one request's, before the timing's repeats
            result["board export's job page"] = (_time(admin, job, None) / baseline, count)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def run(backend: str, scale: float) -> dict:
    folder = tempfile.mkdtemp(prefix="tongxin-bench-")
    with database(backend, folder) as url:
        return _measure(url, folder, scale)


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the rows."""
    steady = True
    sizes = [f"{int(FULL['requests'] * s):,}r/{int(FULL['cases'] * s):,}c" for s in SCALES]
    for backend in BACKENDS:
        results = {scale: run(backend, scale) for scale in SCALES}
        print(f"\n{backend}: discussion figures and mediation lists; time as a multiple of /healthz (SQL statements "
              "per request); r = requests, c = mediation cases, over communities of one street")
        print(f"{'':<28}" + "".join(f"{size:>18}" for size in sizes))
        for label in [k for k in results[SCALES[0]] if k != "baseline_ms"]:
            counts = [results[s][label][1] for s in SCALES]
            grows = "  grows!" if counts[-1] > counts[0] else ""
            steady = steady and not grows
            print(f"{label:<28}" + "".join(f"{results[s][label][0]:>12.1f}x ({results[s][label][1]:>2})"
                                           for s in SCALES) + grows)
        print(f"{'baseline /healthz median (ms)':<28}" + "".join(f"{results[s]['baseline_ms']:>18.2f}"
                                                               for s in SCALES))
    return steady


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "9")
    sys.exit(0 if main() else 1)
