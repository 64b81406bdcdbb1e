"""The requests board's .xlsx export: handlers only, the board's filters, the author only on a public item (never
on a private one or one hidden by moderation, whoever exports), the owner-only download, one streamed query."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app import db
from community.discussions import board as B
from community.discussions import board_export as X
from community.discussions import moderation
from community.errors import Forbidden
from tests.community.discussions.conftest import raise_item
from tests.factories import grant, login, make_person


def _workbook(client, data: dict) -> list[tuple]:
    job = client.post("/requests/export", data=data)
    assert job.status_code == 302, job.status_code
    page = client.get(job.headers["Location"])
    assert page.status_code == 200 and ".xlsx" in page.text
    download = client.get(job.headers["Location"] + ".xlsx")
    assert download.status_code == 200
    return list(load_workbook(BytesIO(download.data))["议事清单"].values)


def test_handlers_export_the_filtered_board_and_private_or_hidden_authors_never_show(client, town):
    public = raise_item(town, title="公开的工资问题")
    private = raise_item(town, title="不公开的邻里纠纷", category="neighbours", is_public=False)
    hidden = raise_item(town, title="被隐藏的帖子", category="wages", is_public=True)
    moderation.hide(town["admin"], hidden, "含有辱骂他人的内容")
    raise_item(town, title="西门的事", community_id=town["b"].id)
    db.session.commit()
    name = town["submitter"].name
    for who in ("handler", "admin"):
        client.post("/logout")
        login(client, town[who])
        rows = _workbook(client, {"community_id": town["a"].id})
        assert rows[0][0] == "编号" and rows[0][-1] == "提出人"
        titles = {row[2]: row for row in rows[1:]}
        assert set(titles) == {"公开的工资问题", "不公开的邻里纠纷"}, who  # B's item and the hidden one left out
        assert titles["公开的工资问题"][-1] == name and titles["公开的工资问题"][3] == "欠薪讨薪"
        assert titles["不公开的邻里纠纷"][-1] in (None, "")
        assert all(name not in str(row) for row in rows if row[0] != public.id), who
    assert [row[2] for row in _workbook(client, {"category": "neighbours", "q": "邻里"})[1:]] == ["不公开的邻里纠纷"]
    # Nothing the admin exports names the hidden item's or the private item's author, through the service too.
    rows = list(B.export_rows(town["admin"]))
    assert {row[0] for row in rows} == {public.id, private.id}
    assert [row[-1] for row in rows if row[0] == private.id] == [None]
    # Not even its own author, when a handler raised it unnamed, gets the name into a file.
    from community.discussions import requests_submit as S

    own = S.submit(town["handler"], {"kind": "proposal", "title": "我的建议", "body": "增设路灯", "category": "safety",
                                     "community_id": town["a"].id, "is_public": False})
    db.session.commit()
    assert [row[-1] for row in B.export_rows(town["handler"]) if row[0] == own.id] == [None]


def test_only_handlers_export_and_only_the_starter_downloads(client, town):
    raise_item(town)
    with pytest.raises(Forbidden):
        X.start_export(town["outsider"], {})
    with pytest.raises(Forbidden):
        X.start_export(town["admin_b"], {"community_id": town["a"].id})  # another community's administrator
    login(client, town["handler"])
    job = client.post("/requests/export", data={})
    assert client.get("/requests/").text.count('id="board-export"') == 1
    client.post("/logout")
    login(client, town["admin"])
    assert client.get(job.headers["Location"]).status_code == 404
    assert client.get(job.headers["Location"] + ".xlsx").status_code == 404
    client.post("/logout")
    login(client, town["outsider"])
    assert client.post("/requests/export", data={}).status_code == 403
    assert 'id="board-export"' not in client.get("/requests/").text


def test_a_street_administrator_exports_their_street_in_one_streamed_query(client, town):
    from tests.factories import make_community, make_street

    elsewhere = make_community(make_street("石浦镇"), "渔港社区")
    street_admin = make_person(town["a"], name="街道干部")
    grant(street_admin, "street_admin", "street", town["street"].id)

    def measure() -> tuple[list, list]:
        statements = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            rows = list(B.export_rows(street_admin))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return rows, statements

    for n in range(6):
        raise_item(town, title=f"第{n}件", community_id=(town["a"], town["b"], elsewhere)[n % 3].id)
    few, few_statements = measure()
    assert sorted(row[2] for row in few) == ["第0件", "第1件", "第3件", "第4件"]  # not the other street's
    for n in range(6, 12):
        raise_item(town, title=f"第{n}件", community_id=(town["a"], town["b"], elsewhere)[n % 3].id)
    many, statements = measure()
    assert len(many) == 8
    # One query reads the items with their authors and communities; the rest (the actor's grants) does not grow.
    assert sum("FROM discussion_request" in s for s in statements) == 1
    assert len(statements) == len(few_statements), statements


def test_an_export_larger_than_a_sheet_goes_on_to_the_next_sheet_and_is_never_cut(client, town, monkeypatch):
    """A sheet holds 1,048,575 items under its header: more go on to 议事清单2…, none left out (here 3 a sheet)."""
    monkeypatch.setattr(X, "SHEET_ROWS", 3)
    for n in range(7):
        raise_item(town, title=f"第{n}件")
    db.session.commit()
    login(client, town["handler"])
    job = client.post("/requests/export", data={"community_id": town["a"].id})
    book = load_workbook(BytesIO(client.get(job.headers["Location"] + ".xlsx").data))
    assert book.sheetnames == ["议事清单", "议事清单2", "议事清单3"]
    rows = [row for sheet in book.worksheets for row in sheet.values]
    assert [row[0] for row in rows].count("编号") == 3
    assert sorted(row[2] for row in rows if row[0] != "编号") == [f"第{n}件" for n in range(7)]
