"""Arrears in SQL: the dues list's headline counts the members in arrears and the months they owe (not only last
month's unpaid), the same figures as the months listed member by member; the arrears API pages in SQL with a
fixed number of statements whatever the number of members."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from app import db
from branches import dues as D
from branches.dues_arrears import arrears_page, arrears_summary
from branches.models import Branch, BranchMember
from community.database import utcnow
from tests.factories import grant, login, make_community, make_person, make_street, token_for

TODAY = date(2026, 12, 3)


@pytest.fixture
def world():
    """A branch whose members joined at different times (one never said when, one long ago, one next month, one
    who left), its secretary, and a second branch with a member of its own."""
    street = make_street("爵溪街道")
    community = make_community(street, "东门社区")
    b1, b2 = Branch(street_id=street.id, name="爵溪第一流动党支部"), Branch(street_id=street.id, name="第二支部")
    db.session.add_all([b1, b2])
    db.session.flush()
    joined = {"王芳": date(2026, 9, 15), "李强": date(2026, 9, 1), "张三": None, "赵老": date(2019, 5, 1),
              "新人": date(2027, 1, 10), "走了": date(2026, 1, 1), "二支": date(2026, 6, 1)}
    members = {}
    for name, on in joined.items():
        person = make_person(community, name=name)
        members[name] = BranchMember(branch_id=(b2 if name == "二支" else b1).id, person_id=person.id,
                                     joined_branch_on=on, left_on=date(2026, 6, 30) if name == "走了" else None)
        db.session.add(members[name])
    secretary = make_person(community, name="书记")
    db.session.commit()
    grant(secretary, "secretary", "branch", b1.id)
    D.record_payment(secretary, members["王芳"], category="student", first_month="2026-09", months=3)
    D.record_payment(secretary, members["张三"], category="student", first_month="2026-11")
    D.record_payment(secretary, members["张三"], category="student", first_month="2026-12")  # this month: not arrears
    db.session.commit()
    return {"b1": b1, "b2": b2, "secretary": secretary, **members}


def test_the_summary_counts_members_in_arrears_and_every_month_they_owe(world):
    # 李强 Sep–Nov (3); 张三 twelve months back less November (11); 赵老 the 24-month window (24); 王芳 paid up;
    # 新人 joins next month; 走了 left; 二支 is another branch's.
    assert arrears_summary(world["b1"].id, TODAY) == (3, 3 + 11 + 24)
    listed = D.arrears(world["b1"].id, TODAY)  # the months member by member, in Python
    assert arrears_summary(world["b1"].id, TODAY) == (len(listed), sum(len(a.months) for a in listed))
    assert arrears_summary(world["b2"].id, TODAY) == (1, 6)


def test_the_page_of_arrears_is_the_list_by_name_in_slices(world):
    everyone = [(a.name, a.months) for a in D.arrears(world["b1"].id, TODAY)]
    first, total = arrears_page(world["b1"].id, TODAY, page=1, per_page=2)
    second, _total = arrears_page(world["b1"].id, TODAY, page=2, per_page=2)
    assert total == 3 and [(a.name, a.months) for a in first + second] == everyone
    assert arrears_page(world["b1"].id, TODAY, page=3, per_page=2) == ([], 3)


def test_the_dues_list_says_how_many_are_in_arrears_and_the_months_owed(client, world):
    login(client, world["secretary"])
    today = utcnow().date()
    members, months = arrears_summary(world["b1"].id, today)
    page = client.get(f"/admin/branches/{world['b1'].id}/dues").get_data(as_text=True)
    assert f"{members}名党员欠缴党费" in page and f"共欠缴{months}个月" in page


def _statements(client, url, headers) -> tuple[int, dict]:
    statements = []

    def listener(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.get_data(as_text=True)
    return len(statements), response.get_json()


def test_the_arrears_api_pages_in_sql_with_a_fixed_number_of_statements(client, world):
    headers = token_for(client, world["secretary"])
    url = f"/api/v1/branches/{world['b1'].id}/arrears?per_page=2"
    client.get(url, headers=headers)
    few, body = _statements(client, url, headers)
    community = make_community(make_street("丹东街道"), "西门社区")
    for n in range(30):
        db.session.add(BranchMember(branch_id=world["b1"].id, person_id=make_person(community, name=f"党员{n:02d}").id,
                                    joined_branch_on=date(2025, 1, 1)))
    db.session.commit()
    client.get(url, headers=headers)
    many, body = _statements(client, url, headers)
    assert many == few and len(body["items"]) == 2
    assert body["total"] == arrears_summary(world["b1"].id, utcnow().date())[0]
    last = client.get(url + f"&page={-(-body['total'] // 2)}", headers=headers).get_json()
    assert len(last["items"]) in (1, 2) and last["items"][-1]["name"] == max(
        a.name for a in D.arrears(world["b1"].id, utcnow().date()))


def test_months_paid_before_joining_the_branch_do_not_reduce_what_is_owed(world):
    before = arrears_summary(world["b1"].id, TODAY)
    D.record_payment(world["secretary"], world["李强"], category="student", first_month="2026-06", months=3)  # Jun–Aug
    assert arrears_summary(world["b1"].id, TODAY) == before  # 李强 joined in September: still Sep–Nov
    D.record_payment(world["secretary"], world["李强"], category="student", first_month="2026-09")
    assert arrears_summary(world["b1"].id, TODAY) == (before[0], before[1] - 1)
