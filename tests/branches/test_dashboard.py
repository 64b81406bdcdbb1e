"""Dashboards: a branch's and a street's figures (members by status and home province, attendance, dues in
exact decimals), tables beside charts fed from a JSON data island with no inline script, who may see them,
and a street page whose statement count does not grow with its branches."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app import db
from branches import dashboard as DB
from branches import dues as D
from branches.models import Branch, BranchMember, HomeOrganisation
from community.database import utcnow
from community.meetings.models import Meeting, MeetingInvitee
from tests.factories import count_statements, grant, login, make_community, make_person, make_street


@pytest.fixture
def street():
    """Street 1 with branch 1 (a full and a probationary member from Guizhou, one from Anhui by household
    place), branch 2 (one member); a secretary of each; a street administrator; street 2 with its admin."""
    s1, s2 = make_street("爵溪街道"), make_street("丹东街道")
    community = make_community(s1, "东门社区")
    b1, b2 = Branch(street_id=s1.id, name="贵州流动党支部"), Branch(street_id=s1.id, name="安徽流动党支部")
    zunyi = HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市播州区")
    db.session.add_all([b1, b2, zunyi])
    db.session.flush()
    people = {n: make_person(community, name=n) for n in ("甲", "乙", "书记", "二支书记", "街道管理员", "丹东管理员")}
    people["丙"] = make_person(community, name="丙", hukou_place="安徽省阜阳市临泉县")
    today = utcnow().date()
    members = {
        "甲": BranchMember(branch_id=b1.id, person_id=people["甲"].id, home_organisation_id=zunyi.id),
        "乙": BranchMember(branch_id=b1.id, person_id=people["乙"].id, home_organisation_id=zunyi.id,
                          status="probationary", probation_ends_on=today + timedelta(days=200)),
        "丙": BranchMember(branch_id=b2.id, person_id=people["丙"].id),
    }
    db.session.add_all(members.values())
    db.session.commit()
    grant(people["书记"], "secretary", "branch", b1.id)
    grant(people["二支书记"], "secretary", "branch", b2.id)
    grant(people["街道管理员"], "street_admin", "street", s1.id)
    grant(people["丹东管理员"], "street_admin", "street", s2.id)
    this_month = D.month_start(today).strftime("%Y-%m")
    D.record_payment(people["书记"], members["甲"], category="employed", monthly_income="4500.00",
                     first_month=this_month)  # 45.00
    D.record_payment(people["书记"], members["乙"], category="student", first_month=this_month)  # 0.20
    meeting = Meeting(kind="group", scope_type="branch", scope_id=b1.id, title="党小组会", place="服务站",
                      starts_at=utcnow() - timedelta(days=3), ends_at=utcnow() - timedelta(days=3, hours=-1))
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all([MeetingInvitee(meeting_id=meeting.id, person_id=people["甲"].id, attendance="present"),
                        MeetingInvitee(meeting_id=meeting.id, person_id=people["乙"].id, attendance="leave")])
    db.session.commit()
    roles = ("书记", "二支书记", "街道管理员", "丹东管理员")
    return {"s1": s1, "s2": s2, "b1": b1, "b2": b2, **{k: people[k] for k in roles}}


@pytest.mark.parametrize("place, province", [
    ("贵州省遵义市播州区", "贵州省"), ("广西壮族自治区南宁市", "广西壮族自治区"), ("上海市浦东新区", "上海市"),
    ("内蒙古自治区", "内蒙古自治区"), ("", ""), ("遵义", "")])
def test_province_of(place, province):
    assert DB.province_of(place) == province


def test_the_figures_of_a_street(street):
    data = DB.figures([street["b1"].id, street["b2"].id], utcnow().date())
    assert data["by_status"] == {"full": 2, "probationary": 1} and data["members"] == 3
    assert dict(data["provinces"]) == {"贵州省": 2, "安徽省": 1}
    assert (data["attended"], data["invited"], data["rate"]) == (1, 2, 50.0)
    assert data["month_total"] == Decimal("45.20") and isinstance(data["quarter_total"], Decimal)
    assert data["per_branch"][street["b2"].id]["month"] == Decimal("0.00")
    from branches.life import compliance

    plan = compliance([street["b1"].id, street["b2"].id], utcnow().date())
    for branch_id, items in plan.items():  # overdue items come from the branches' organisational-life plan
        assert data["per_branch"][branch_id]["overdue"] == sum(1 for item in items if item["is_overdue"])
    assert sum(data["overdue_kinds"].values()) == sum(b["overdue"] for b in data["per_branch"].values()) > 0


def _island(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="chart-data"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_branch_dashboard_has_tables_and_a_data_island_and_no_inline_script(client, street):
    login(client, street["书记"])
    page = client.get(f"/admin/branches/{street['b1'].id}/dashboard").get_data(as_text=True)
    assert "45.20" in page and "贵州省" in page and "50.0%" in page
    charts = _island(page)
    assert charts["status"]["values"] == [1, 1] and charts["dues"]["values"] == ["45.20"]
    scripts = re.findall(r"<script(?![^>]*application/json)([^>]*)>(.*?)</script>", page, re.S)
    assert all("src=" in attrs and "nonce=" in attrs and not body.strip() for attrs, body in scripts)
    assert "echarts.min.js" in page and page.count("<table") == 5
    assert f"/admin/branches/{street['b1'].id}/home-organisations" in page  # the secretary's monthly reports


def test_who_may_see_the_dashboards(app, client, street):
    def as_(person):
        c = app.test_client()
        login(c, person)
        return c
    b1, s1 = street["b1"].id, street["s1"].id
    assert as_(street["二支书记"]).get(f"/admin/branches/{b1}/dashboard").status_code == 403
    assert as_(street["街道管理员"]).get(f"/admin/branches/{b1}/dashboard").status_code == 200
    assert as_(street["丹东管理员"]).get(f"/admin/branches/{b1}/dashboard").status_code == 403
    assert as_(street["丹东管理员"]).get(f"/admin/branches/streets/{s1}/dashboard").status_code == 403
    assert as_(street["书记"]).get(f"/admin/branches/streets/{s1}/dashboard").status_code == 403
    page = as_(street["街道管理员"]).get(f"/admin/branches/streets/{s1}/dashboard").get_data(as_text=True)
    assert "贵州流动党支部" in page and "安徽流动党支部" in page and "45.20" in page


def test_the_street_dashboard_costs_the_same_with_more_branches(client, street):
    login(client, street["街道管理员"])
    url = f"/admin/branches/streets/{street['s1'].id}/dashboard"
    client.get(url)  # each count follows a request, so each starts its own transaction alike
    few, _page = count_statements(client, url)
    community = make_community(street["s1"], "西门社区")
    for n in range(20):
        branch = Branch(street_id=street["s1"].id, name=f"第{n:02d}支部")
        db.session.add(branch)
        db.session.flush()
        db.session.add(BranchMember(branch_id=branch.id, person_id=make_person(community, name=f"党员{n}").id))
    db.session.commit()
    client.get(url)
    many, page = count_statements(client, url)
    assert "第19支部" in page and many == few
