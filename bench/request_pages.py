"""Do the board of requests, its Chinese search and a support stay as fast, and run as many SQL statements, at
20,000 requests as at 50?

Three communities, N requests and proposals in every category and status, sentences built from a few hundred
phrases so that searches find words inside them. Pages: the board's first page, a community and status filter,
searches of two characters (no trigram: a scan of what the filters leave) and of three or more (PostgreSQL's
pg_trgm index), an item's page with its history, the board through the API (per_page=100), and a support
(POST, each by a different resident). Each is timed as a multiple of /healthz in the same run, with its
statement count, which must not grow with N.
"""
from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from bench.common import PASSWORD, Post, bearer, compare, signed_in, street_with

SCALE = 0.1 if os.environ.get("BENCH_SIZES", "").startswith("1000,") else 1.0  # --quick
SIZES = [50, int(20000 * SCALE)]
SUPPORTERS = 30
WHO = ["老板", "房东", "包工头", "学校", "物业", "邻居", "工厂"]
WHAT = ["拖欠三个月工资", "不退押金", "孩子插班需要居住证", "电线老化冒火花", "夜里噪音太大", "垃圾没人清运",
        "合同到期单方面涨房租", "医保异地备案办不了", "路灯坏了很久", "技能培训报不上名"]
TAIL = ["希望社区帮忙协调", "已经找过几次没有结果", "大家都很着急", "请议事团帮忙", "不知道该找哪个部门"]


def _seed(size: int) -> dict:
    from app import db
    from community.accounts.services import hash_password
    from community.discussions.board import normalise
    from community.discussions.models import CATEGORIES, STATUSES, Request, RequestEvent
    from community.people.models import Person

    rng = random.Random(12)
    street, communities = street_with("东门社区", "西门社区", "爵溪村")
    password = hash_password(PASSWORD)
    db.session.execute(insert(Person), [
        {"name": f"居民{i:04d}", "phone": f"137{i:08d}", "hukou_place": "贵州省毕节市", "is_migrant": True,
         "community_id": communities[i % 3].id, "born_on": date(1985, 1, 1), "has_political_rights": True,
         "is_active_account": True, "must_change_password": False, "password_hash": password}
        for i in range(200 + SUPPORTERS)])
    people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(size):
        title = f"{rng.choice(WHO)}{rng.choice(WHAT)}"
        body = f"{title}，{rng.choice(TAIL)}。第{n}号"
        rows.append({"kind": "request" if n % 4 else "proposal", "title": title, "body": body,
                     "category": CATEGORIES[n % len(CATEGORIES)], "community_id": communities[n % 3].id,
                     "submitter_id": people[n % 200], "is_public": bool(n % 3), "status": STATUSES[n % len(STATUSES)],
                     "support_count": 0, "search_text": normalise(f"{title} {body}"),
                     "created_at": start + timedelta(minutes=n), "updated_at": start + timedelta(minutes=n),
                     "responsible": "", "hidden_reason": "", "is_hidden": n % 97 == 0, "has_reopened": False})
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Request), rows[chunk:chunk + 5000])
    ids = list(db.session.scalars(select(Request.id).order_by(Request.id)))
    events = [{"request_id": i, "from_status": None, "to_status": "submitted", "note": "", "created_at": start}
              for i in ids]
    for chunk in range(0, len(events), 5000):
        db.session.execute(insert(RequestEvent), events[chunk:chunk + 5000])
    db.session.commit()
    target = db.session.scalar(select(Request.id).where(Request.status == "submitted", Request.is_hidden.is_(False))
                               .order_by(Request.id.desc()))
    return {"community": communities[0].id, "item": target,
            "supporters": [f"137{i:08d}" for i in range(200, 200 + SUPPORTERS)]}


def _pages(app, world: dict) -> dict:
    resident, api, c = signed_in(app, "13700000000"), bearer(app, "13700000000"), world["community"]
    # A support: each by another resident (a second would be a 409), through the API.
    supports = [{"headers": bearer(app, phone)} for phone in world["supporters"]]
    return {
        "board, first page": (resident, "/requests/", None),
        "board, community + status": (resident, f"/requests/?community_id={c}&status=accepted", None),
        "board, search 工资 (2 chars)": (resident, "/requests/?q=工资", None),
        "board, search 居住证 (3 chars)": (resident, "/requests/?q=居住证", None),
        "board, search 单方面涨房租": (resident, f"/requests/?q=单方面涨房租&community_id={c}", None),
        "item with its history": (resident, f"/requests/{world['item']}", None),
        "API board (per_page=100)": (resident, "/api/v1/requests?per_page=100", api),
        "API board, search 押金": (resident, f"/api/v1/requests?q=押金&community_id={c}&per_page=100", api),
        "API support (POST)": Post(resident, f"/api/v1/requests/{world['item']}/supports", supports),
    }


def main() -> bool:
    """Print the table per backend; False when a page's statement count grows with the requests."""
    return compare("the board of requests; r = requests", SIZES, lambda size: f"{size:,} r", _seed, _pages)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
