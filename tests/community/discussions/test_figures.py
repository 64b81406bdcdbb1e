"""The figures: closure, satisfaction, median days to close per community and category, settlement rates per
community, kind and mediator — from SQL aggregates whose query count does not grow with the rows; the page
with its tables and data island, and the .xlsx export on the task queue."""
from __future__ import annotations

import json
import re

from openpyxl import load_workbook
from sqlalchemy import event

from app import db
from community.discussions import figures as F
from community.discussions import mediation as M
from tests.community.discussions.mediation_support import NOW, TODAY, case_data, make_request
from tests.factories import login


def _requests(mworld) -> None:
    """A: 4 taken up (3 done in 2, 5, 11 days; ratings satisfied, basically, unsatisfied), 1 declined, 1 new;
    B: 1 done in 4 days, rated satisfied."""
    r = mworld.resident
    make_request(mworld.a, r, status="done", closed_days=2, rating="satisfied")
    make_request(mworld.a, r, status="done", closed_days=5, rating="basically_satisfied", category="wages")
    make_request(mworld.a, r, status="done", closed_days=11, rating="unsatisfied")
    make_request(mworld.a, r, status="in_progress")
    make_request(mworld.a, r, status="declined", closed_days=1)
    make_request(mworld.a, r, status="submitted", queued=False)
    make_request(mworld.b, r, status="done", closed_days=4, rating="satisfied", category="wages")


def _cases(mworld) -> None:
    """老赵: 2 settled, 1 failed, 1 open; 老钱: 1 partly."""
    for mediator, outcome in ((mworld.mediator, "settled"), (mworld.mediator, "settled"),
                              (mworld.mediator, "failed"), (mworld.mediator, None), (mworld.other_mediator, "partly")):
        case = M.open_case(mediator, mworld.a.id, case_data(), now=NOW)
        if outcome:
            M.add_session(mediator, case, {"held_on": TODAY, "place": "调解室"}, now=NOW)
            M.record_outcome(mediator, case, {"outcome": outcome}, now=NOW)


def test_the_rates_and_medians(mworld):
    _requests(mworld)
    _cases(mworld)
    data = F.figures(mworld.admin_a)
    assert list(data["names"]) == [mworld.a.id]  # B is not the administrator's
    a = data["communities"][mworld.a.id]
    assert (a["taken_up"], a["done"], a["closure_rate"]) == (4, 3, 75.0)
    assert (a["rated"], a["satisfied"], a["satisfaction_rate"]) == (3, 2, 66.7)
    assert a["median_days"] == 5.0
    assert data["categories"]["wages"]["median_days"] == 5.0 and data["categories"]["housing"]["median_days"] == 6.5
    assert data["categories"]["schooling"]["closure_rate"] is None
    cases = data["mediation"]
    assert cases["community"][mworld.a.id]["settlement_rate"] == 50.0  # 2 settled of 4 closed
    assert cases["mediator"][mworld.mediator.id]["settlement_rate"] == 66.7
    assert cases["mediator"][mworld.other_mediator.id]["settlement_rate"] == 0.0
    assert cases["kind"]["landlord_tenant"]["cases"] == 5 and cases["total"]["closed"] == 4


def test_a_street_administrator_sees_every_community_and_the_counts_do_not_grow(mworld):
    from tests.factories import grant, make_person

    director = make_person(None, name="街道主任")
    grant(director, "street_admin", "street", mworld.street.id)
    _requests(mworld)
    statements = []
    listen = lambda *args: statements.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    F.figures(director)
    few = len(statements)
    _requests(mworld)
    _cases(mworld)
    statements.clear()
    data = F.figures(director)
    event.remove(db.engine, "before_cursor_execute", listen)
    assert len(statements) == few <= 12  # the grants, the scope chain, five figures
    assert set(data["names"]) == {mworld.a.id, mworld.b.id}
    assert data["total"]["median_days"] == 4.5  # 2,2,4,4,5,5,11,11


def test_the_page_shows_tables_beside_the_charts_and_exports_a_workbook(app, client, mworld):
    _requests(mworld)
    _cases(mworld)
    login(client, mworld.member)
    page = client.get("/discussions/figures/")
    assert page.status_code == 200 and "75.0%" in page.text and "赵师傅" in page.text
    island = json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', page.text, re.S).group(1))
    assert island["closure_community"] == {"labels": ["东门社区"], "values": [75.0]}
    job = client.post("/discussions/figures/export")
    assert job.status_code == 302
    done = client.get(job.headers["Location"])
    assert done.status_code == 200 and ".xlsx" in done.text
    download = client.get(job.headers["Location"] + ".xlsx")
    assert download.status_code == 200
    from io import BytesIO

    book = load_workbook(BytesIO(download.data))
    rows = list(book["按社区"].values)
    assert rows[1][:4] == ("东门社区", 4, 3, 75)
    assert list(book["调解·按调解员"].values)[1][0] == "赵师傅"
    assert all(not str(row[0]).isascii() for row in list(book["按类别"].values)[1:])  # Chinese names, no codes
    assert list(book["调解·按纠纷类型"].values)[1][0] == "房东与租客"
    client.post("/logout")
    login(client, mworld.resident)
    assert client.get("/discussions/figures/").status_code == 403
    assert client.get(job.headers["Location"]).status_code == 404


def test_the_api_gives_the_same_figures(app, client, mworld):
    from community.accounts.services import issue_token

    _requests(mworld)
    token = {"Authorization": f"Bearer {issue_token(mworld.admin_a)[0]}"}
    answer = client.get(f"/api/v1/discussions/figures?community_id={mworld.a.id}", headers=token)
    assert answer.status_code == 200
    assert answer.json["communities"][str(mworld.a.id)]["closure_rate"] == 75.0
    assert answer.json["community_names"] == {str(mworld.a.id): "东门社区"}
