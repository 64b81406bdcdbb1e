"""The public board: filters, Chinese search inside sentences on both databases, keyset pages, a bounded number
of queries; an item not shown under its author's name never leaks the name (board, search, API, export);
moderation hides with a reason, tells the author and deletes nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app import db
from community.discussions import board as B
from community.discussions import moderation
from community.discussions import requests as R
from community.discussions.models import Request, RequestEvent
from community.discussions.requests_reminders import HIDDEN
from community.errors import Forbidden, Invalid
from community.reminders.models import Reminder
from tests.community.discussions.conftest import raise_item
from tests.factories import count_statements, login, token_for


def _titles(actor, **filters) -> list[str]:
    return [i.title for i in db.session.scalars(B.board_query(actor, **filters)).unique()]


def test_search_finds_chinese_words_inside_sentences(town):
    raise_item(town, title="房东不退押金", body="租期到了搬走，房东说墙面脏了要扣全部押金。", category="housing")
    raise_item(town, title="孩子插班上小学", body="想在爵溪学校插班，不知道要准备居住证还是社保证明。",
               category="schooling")
    raise_item(town, title="ＡＢＣ工厂欠薪", body="Full-width letters and 工资 in the text.")
    reader = town["neighbours"][0]
    assert _titles(reader, q="押金") == ["房东不退押金"]
    assert _titles(reader, q="居住证") == ["孩子插班上小学"]       # a word in the middle of the text
    assert _titles(reader, q="abc") == ["ＡＢＣ工厂欠薪"]          # full-width and case folded
    assert _titles(reader, q="扣 全部") == ["房东不退押金"]         # spaces do not matter in Chinese
    assert _titles(reader, q="100%") == []                         # wildcards are text, not patterns
    assert _titles(reader, q="押金", category="schooling") == []


def test_filters_by_community_category_and_status(town):
    first = raise_item(town, title="东门的事")
    raise_item(town, title="西门的事", community_id=town["b"].id, category="safety")
    R.change_status(town["handler"], first, "accepted", "受理")
    reader = town["outsider"]
    assert _titles(reader, community_id=town["b"].id) == ["西门的事"]
    assert _titles(reader, category="safety") == ["西门的事"]
    assert _titles(reader, status="accepted") == ["东门的事"]
    with pytest.raises(Invalid):
        B.board_query(reader, status="lost")


def test_keyset_pages_cover_every_item_once(town):
    for n in range(7):
        raise_item(town, title=f"第{n}件事")
    seen, cursor = [], None
    while True:
        items, cursor = B.board_page(town["outsider"], after=cursor, per_page=3)
        seen += [i.title for i in items]
        if not cursor:
            break
    assert seen == [f"第{n}件事" for n in reversed(range(7))]
    assert B.decode_cursor("not-a-cursor!") is None


def test_the_board_page_query_count_does_not_grow_with_items(client, town):
    raise_item(town, title="一件")
    raise_item(town, title="另一件", community_id=town["b"].id, is_public=False)
    login(client, town["outsider"])
    client.get("/requests/")  # the first request after a write opens SQLite's transaction: count from the next
    few, _page = count_statements(client, "/requests/")
    for n in range(8):
        raise_item(town, title=f"第{n}件", community_id=town["b"].id if n % 2 else town["a"].id, is_public=n > 3)
    client.get("/requests/")
    many, page = count_statements(client, "/requests/")
    assert "第7件" in page
    assert many == few


def test_an_item_without_its_authors_name_never_leaks_it(client, town):
    item = raise_item(town, title="楼上夜里噪音太大", body="楼上租户经常半夜打牌", is_public=False,
                      category="neighbours")
    name = town["submitter"].name
    neighbour = town["neighbours"][0]
    # The board, the search, the item and the export, for a neighbour: no name, no id.
    out = B.item_out(neighbour, item)
    assert out["submitter"] is None and out["submitter_id"] is None
    assert all(name not in str(row) for row in B.export_rows(neighbour, q="噪音"))  # a generator
    login(client, neighbour)
    for url in ("/requests/", "/requests/?q=噪音", f"/requests/{item.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "楼上夜里噪音太大" in page and name not in page, url
    # The API, board and item.
    client.post("/logout")
    headers = token_for(client, neighbour)
    for url in ("/api/v1/requests?q=噪音", f"/api/v1/requests/{item.id}"):
        answer = client.get(url, headers=headers).json
        body = json.dumps(answer, ensure_ascii=False)
        assert "楼上夜里噪音太大" in body and name not in body, url
        assert all(i["submitter_id"] is None for i in answer.get("items", [answer]))
    # Handlers see who raised it; so does its author.
    assert B.item_out(town["handler"], item)["submitter"] == name
    assert B.item_out(town["submitter"], item)["submitter"] == name
    assert B.item_out(town["admin_b"], item)["submitter"] is None  # another community's administrator


def test_moderation_hides_with_a_reason_tells_the_author_and_deletes_nothing(client, town):
    item = raise_item(town, title="骂人的帖子", body="一段辱骂邻居的话")
    with pytest.raises(Forbidden):
        moderation.hide(town["handler"], item, "辱骂")  # discussion members do not moderate
    with pytest.raises(Invalid):
        moderation.hide(town["admin"], item, "")
    moderation.hide(town["admin"], item, "含有辱骂他人的内容")
    assert db.session.get(Request, item.id) is not None
    assert _titles(town["outsider"]) == [] and _titles(town["outsider"], q="辱骂") == []
    assert list(B.export_rows(town["outsider"])) == []
    notice = db.session.scalars(select(Reminder).where(Reminder.kind == HIDDEN)).one()
    assert notice.recipient_id == town["submitter"].id and notice.payload["reason"] == "含有辱骂他人的内容"
    # Its page says why to a neighbour, without the content; its author still reads it.
    login(client, town["outsider"])
    page = client.get(f"/requests/{item.id}").get_data(as_text=True)
    assert "含有辱骂他人的内容" in page and "一段辱骂邻居的话" not in page
    assert B.item_out(town["submitter"], item)["body"] == "一段辱骂邻居的话"
    moderation.show(town["admin"], item)
    assert _titles(town["outsider"]) == ["骂人的帖子"]
    assert db.session.scalar(select(func.count()).select_from(RequestEvent).where(
        RequestEvent.request_id == item.id)) == 3  # submitted, hidden, shown: the history keeps all


def test_the_history_page_shows_every_step(client, town):
    item = raise_item(town)
    R.change_status(town["handler"], item, "accepted", "已受理，提交议事团讨论")
    login(client, town["outsider"])
    page = client.get(f"/requests/{item.id}").get_data(as_text=True)
    assert "已受理，提交议事团讨论" in page and "赵师傅" in page


def test_a_handler_names_the_responsible_person_with_the_picker(client, town):
    item = raise_item(town)
    for step in ("accepted", "on_agenda"):
        R.change_status(town["handler"], item, step, step)
    login(client, town["handler"])
    response = client.post(f"/requests/{item.id}/status", data={
        "status": "decided", "note": "由林书记牵头", "responsible": "社区居委会", "deadline": "2026-12-20",
        "responsible_person": "林书记"})
    assert response.status_code == 302
    db.session.expire_all()
    found = db.session.get(Request, item.id)
    assert found.status == "decided" and found.responsible_person_id == town["admin"].id
    # Nobody of that name: the form again, the error beside the picker, nothing changed.
    other = raise_item(town, title="另一件")
    for step in ("accepted", "on_agenda"):
        R.change_status(town["handler"], other, step, step)
    response = client.post(f"/requests/{other.id}/status", data={
        "status": "decided", "note": "x", "responsible": "某单位", "responsible_person": "查无此人"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="responsible_person-error"' in page and "查无此人" in page
    db.session.expire_all()
    assert db.session.get(Request, other.id).status == "on_agenda"


def test_a_handlers_home_card_counts_the_new_items(client, town):
    raise_item(town)
    raise_item(town, title="第二件")
    login(client, town["handler"])
    page = client.get("/").get_data(as_text=True)
    assert "2 new requests to answer" in page or "2 条新诉求待答复" in page
    client.post("/logout")
    login(client, town["neighbours"][0])
    assert "待答复" not in client.get("/").get_data(as_text=True)


def test_a_second_support_from_the_page_says_why_it_is_refused(client, town, item):
    """A double tap, or a second phone: the 409 page says the support was already counted, beside the button's
    place (found by the load test of 100 repeated supports, whose pages only said "You support it.")."""
    login(client, town["neighbours"][0])
    assert client.post(f"/requests/{item.id}/support").status_code == 302
    again = client.post(f"/requests/{item.id}/support")
    assert again.status_code == 409
    assert "您已经附议过了。" in again.get_data(as_text=True)
    db.session.refresh(item)
    assert item.support_count == 1
