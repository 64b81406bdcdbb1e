"""Two-place management: a liaison sees their own organisation's members in every branch (attendance, dues,
an amber flag after five months without contact) and nothing of anyone else's, on the page, in the API and in
the monthly report; the host branch's secretary makes the report for a paired organisation; the page's
statement count does not grow with its members."""
from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app import db
from branches import dues as D
from branches import liaison as L
from branches.liaison_report import report_data
from branches.models import Branch, BranchHomeOrganisation, BranchMember, HomeOrganisation
from community.database import LOCAL_ZONE as LOCAL
from community.database import utcnow
from tests.factories import (
    count_statements,
    grant,
    login,
    make_admin,
    make_community,
    make_person,
    make_street,
    token_for,
)


@pytest.fixture
def world():
    """Organisation A (Zunyi) with 张琴 in branch 1 and 李明 in branch 2; organisation B (Anhui) with 王强 in
    branch 1. Branch 1 is paired with A and B, branch 2 with A. A liaison for each, a secretary of branch 1."""
    street = make_street("爵溪街道")
    community = make_community(street, "东门社区")
    b1, b2 = Branch(street_id=street.id, name="贵州流动党支部"), Branch(street_id=street.id, name="安徽流动党支部")
    a = HomeOrganisation(name="遵义市新舟镇党委", region="贵州省遵义市播州区")
    b = HomeOrganisation(name="阜阳市王店镇党委", region="安徽省阜阳市")
    db.session.add_all([b1, b2, a, b])
    db.session.flush()
    db.session.add_all([BranchHomeOrganisation(branch_id=b1.id, home_organisation_id=a.id),
                        BranchHomeOrganisation(branch_id=b1.id, home_organisation_id=b.id),
                        BranchHomeOrganisation(branch_id=b2.id, home_organisation_id=a.id)])
    today = utcnow().date()
    people = {n: make_person(community, name=n) for n in ("张琴", "李明", "王强", "张联络员", "王联络员", "书记")}
    members = {}
    for name, branch, organisation, contact in (("张琴", b1, a, today - timedelta(days=160)),
                                                ("李明", b2, a, today - timedelta(days=10)),
                                                ("王强", b1, b, today - timedelta(days=200))):
        members[name] = BranchMember(branch_id=branch.id, person_id=people[name].id,
                                     home_organisation_id=organisation.id, last_contact_on=contact)
        db.session.add(members[name])
    db.session.commit()
    grant(people["张联络员"], "liaison", "home_organisation", a.id)
    grant(people["王联络员"], "liaison", "home_organisation", b.id)
    grant(people["书记"], "secretary", "branch", b1.id)
    D.record_payment(people["书记"], members["张琴"], category="employed", monthly_income="4500",
                     first_month=D.month_start(today).strftime("%Y-%m"))
    return {"a": a, "b": b, "b1": b1, "b2": b2, "liaison_a": people["张联络员"], "liaison_b": people["王联络员"],
            "secretary": people["书记"], **members}


def test_a_liaison_sees_only_her_members_with_dues_and_an_amber_flag(client, world):
    login(client, world["liaison_a"])
    page = client.get(f"/liaison/{world['a'].id}/").get_data(as_text=True)
    assert "张琴" in page and "李明" in page and "王强" not in page
    assert "贵州流动党支部" in page and "安徽流动党支部" in page
    assert "5个月未联系" in page and page.count("text-bg-warning") == 1  # 张琴, silent 160 days; 李明 not
    month = D.month_start(utcnow().date())
    assert f"{month.year}年{month.month:02d}月" in page  # 张琴's dues paid up to this month


def _as(app, person):
    """A client of its own, signed in as `person`."""
    client = app.test_client()
    login(client, person)
    return client


def test_a_liaison_is_sent_to_her_organisation_and_refused_the_other(app, client, world):
    login(client, world["liaison_a"])
    assert client.get("/liaison/").headers["Location"].endswith(f"/liaison/{world['a'].id}/")
    assert client.get(f"/liaison/{world['b'].id}/").status_code == 403
    assert client.get("/liaison/999999/").status_code == 403  # permission first: existence is not revealed
    assert _as(app, world["secretary"]).get(f"/liaison/{world['a'].id}/").status_code == 403


def test_a_platform_admin_gets_404_for_an_unknown_organisation(client, world):
    admin = make_admin()
    login(client, admin)
    assert client.get("/liaison/999999/").status_code == 404
    assert client.get(f"/liaison/{world['b'].id}/").status_code == 200


def test_the_api_lists_her_members_with_attendance_dues_and_flags(client, world):
    headers = token_for(client, world["liaison_a"])
    body = client.get(f"/api/v1/home-organisations/{world['a'].id}/members?per_page=1", headers=headers).get_json()
    assert body["total"] == 2 and body["page"] == 1 and len(body["items"]) == 1
    body = client.get(f"/api/v1/home-organisations/{world['a'].id}/members", headers=headers).get_json()
    by_name = {item["name"]: item for item in body["items"]}
    assert set(by_name) == {"张琴", "李明"}
    assert by_name["张琴"]["dues_paid_up_to"] == D.month_start(utcnow().date()).strftime("%Y-%m")
    assert by_name["张琴"]["out_of_contact_warning"] is True and by_name["李明"]["out_of_contact_warning"] is False
    assert by_name["张琴"]["months_without_contact"] == 5
    assert {"attended", "invited", "flags", "branch", "status"} <= set(by_name["李明"])
    refused = client.get(f"/api/v1/home-organisations/{world['b'].id}/members", headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"]
    assert client.get("/api/v1/home-organisations/999999/members", headers=headers).status_code == 403
    admin = token_for(client, make_admin())
    assert client.get("/api/v1/home-organisations/999999/members", headers=admin).status_code == 404
    assert client.get(f"/api/v1/home-organisations/{world['a'].id}/members?per_page=500",
                      headers=headers).status_code == 400


def _report(client, url, month=None):
    response = client.post(url, data={"month": month or D.month_start(utcnow().date()).strftime("%Y-%m")})
    assert response.status_code == 302, response.get_data(as_text=True)
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "下载" in page
    xlsx = client.get(job_url + ".xlsx")
    pdf = client.get(job_url + ".pdf")
    assert xlsx.status_code == 200 and pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    return job_url, [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)], pdf.data


def test_the_monthly_report_holds_only_her_members(app, client, world):
    login(client, world["liaison_a"])
    job_url, names, pdf = _report(client, f"/liaison/{world['a'].id}/report")
    assert sorted(names) == sorted(["张琴", "李明"])
    assert len(pdf) > 1000 and b"STSong-Light" in pdf  # the Chinese CID font
    client = _as(app, world["liaison_b"])  # someone else's report is not theirs to download
    assert client.get(job_url).status_code == 404 and client.get(job_url + ".xlsx").status_code == 404
    assert client.post(f"/liaison/{world['a'].id}/report").status_code == 403
    _url, names, _pdf = _report(client, f"/liaison/{world['b'].id}/report")
    assert names == ["王强"]


def test_the_host_secretary_reports_to_each_paired_organisation_with_her_branch_only(client, world):
    login(client, world["secretary"])
    page = client.get(f"/admin/branches/{world['b1'].id}/home-organisations").get_data(as_text=True)
    assert "遵义市新舟镇党委" in page and "阜阳市王店镇党委" in page
    _url, names, _pdf = _report(client, f"/admin/branches/{world['b1'].id}/home-organisations/{world['a'].id}/report")
    assert names == ["张琴"]  # 李明 is in branch 2, not hers
    assert client.post(f"/admin/branches/{world['b2'].id}/home-organisations/{world['a'].id}/report",
                       data={}).status_code == 403
    other = HomeOrganisation(name="未结对组织", region="江西省")
    db.session.add(other)
    db.session.commit()
    assert client.post(f"/admin/branches/{world['b1'].id}/home-organisations/{other.id}/report",
                       data={}).status_code == 404


def test_report_counts_attendance_of_the_month_and_the_year_and_lists_the_meetings(world):
    from community.meetings.models import Meeting, MeetingInvitee

    now = utcnow()
    month = D.month_start(now.date())
    meetings = []
    for title, starts_at, branch in (("本月党小组会", now - timedelta(hours=1), world["b1"]),
                                     ("去年党课", now - timedelta(days=400), world["b1"]),
                                     ("二支部主题党日", now - timedelta(hours=2), world["b2"])):
        meeting = Meeting(kind="group", scope_type="branch", scope_id=branch.id, title=title, place="党群服务中心",
                          starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30))
        db.session.add(meeting)
        meetings.append(meeting)
    db.session.flush()
    db.session.add_all([MeetingInvitee(meeting_id=meetings[0].id, person_id=world["张琴"].person_id,
                                       attendance="present"),
                        MeetingInvitee(meeting_id=meetings[1].id, person_id=world["张琴"].person_id,
                                       attendance="present"),
                        MeetingInvitee(meeting_id=meetings[2].id, person_id=world["李明"].person_id,
                                       attendance="absent")])
    db.session.commit()
    data = report_data(world["a"].id, month)
    lines = {line.name: line for line in data["lines"]}
    assert set(lines) == {"张琴", "李明"}
    assert (lines["张琴"].month_attended, lines["张琴"].month_invited) == (1, 1)
    assert (lines["李明"].month_attended, lines["李明"].month_invited) == (0, 1)
    assert lines["张琴"].last_meeting == "本月党小组会"
    assert {m[3] for m in data["meetings"]} == {"本月党小组会", "二支部主题党日"}
    assert [m[3] for m in report_data(world["b"].id, month)["meetings"]] == ["本月党小组会"]  # branch 1 only


def test_months_between():
    assert L.months_between(date(2026, 3, 3), date(2026, 8, 2)) == 4
    assert L.months_between(date(2026, 3, 3), date(2026, 8, 3)) == 5


def test_the_members_page_costs_the_same_with_more_members(client, world):
    login(client, world["liaison_a"])
    url = f"/liaison/{world['a'].id}/"
    client.get(url)  # each count follows a request, so each starts its own transaction alike
    few, _page = count_statements(client, url)
    community = make_community(make_street("丹东街道"), "西门社区")
    for n in range(30):
        person = make_person(community, name=f"成员{n:02d}")
        db.session.add(BranchMember(branch_id=world["b2"].id, person_id=person.id,
                                    home_organisation_id=world["a"].id))
    db.session.commit()
    client.get(url)
    many, page = count_statements(client, url)
    assert "成员29" in page and many == few


def test_open_flags_show_in_words_for_her_members_only(app, client, world):
    from branches.flags import Flag

    today = utcnow().date()
    db.session.add_all([
        Flag(member_id=world["李明"].id, kind="no_dues", raised_on=today, since_on=today - timedelta(days=200)),
        Flag(member_id=world["王强"].id, kind="out_of_contact", raised_on=today,
             since_on=today - timedelta(days=200))])
    db.session.commit()
    login(client, world["liaison_a"])
    page = client.get(f"/liaison/{world['a'].id}/").get_data(as_text=True)
    assert "6个月未交党费" in page and "未联系" in page  # 李明's flag; 张琴's amber
    body = client.get(f"/api/v1/home-organisations/{world['a'].id}/members",
                      headers=token_for(client, world["liaison_a"])).get_json()
    flags = {item["name"]: item["flags"] for item in body["items"]}
    assert [f["kind"] for f in flags["李明"]] == ["no_dues"] and flags["张琴"] == []
    other = _as(app, world["liaison_b"]).get(f"/liaison/{world['b'].id}/").get_data(as_text=True)
    assert "王强" in other and "李明" not in other
    assert "text-bg-warning" not in other  # the out-of-contact flag is shown, not the amber warning as well


def test_the_paired_organisations_page_costs_the_same_with_more_pairings(client, world):
    login(client, world["secretary"])
    url = f"/admin/branches/{world['b1'].id}/home-organisations"
    client.get(url)
    few, _page = count_statements(client, url)
    for n in range(4):
        organisation = HomeOrganisation(name=f"结对组织{n}", region="湖南省")
        db.session.add(organisation)
        db.session.flush()
        db.session.add(BranchHomeOrganisation(branch_id=world["b1"].id, home_organisation_id=organisation.id))
    db.session.commit()
    client.get(url)
    many, page = count_statements(client, url)
    assert "结对组织3" in page and many == few
    assert page.count("本支部有其党员1名") == 2 and page.count("本支部有其党员0名") == 4  # 张琴 of A, 王强 of B


def _attended(world, name, kind, title, starts_at, attendance="present", status="scheduled", branch="b1"):
    from community.meetings.models import Meeting, MeetingInvitee

    meeting = Meeting(kind=kind, scope_type="branch", scope_id=world[branch].id, title=title, place="党群服务中心",
                      starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), status=status)
    db.session.add(meeting)
    db.session.flush()
    db.session.add(MeetingInvitee(meeting_id=meeting.id, person_id=world[name].person_id, attendance=attendance))


def test_the_liaison_sees_each_members_recent_meetings_with_kind_and_date(client, world):
    now = utcnow()
    for days, kind, title, extra in ((90, "lesson", "一季度党课", {}), (60, "group", "党小组会四月", {}),
                                     (30, "general_meeting", "党员大会", {}), (20, "party_day", "缺席的主题党日",
                                                                              {"attendance": "absent"}),
                                     (10, "committee", "取消的支委会", {"status": "cancelled"}),
                                     (5, "party_day", "主题党日", {}), (-3, "group", "下周的党小组会", {})):
        _attended(world, "张琴", kind, title, now - timedelta(days=days), **extra)
    _attended(world, "李明", "life_meeting", "组织生活会", now - timedelta(days=40), branch="b2")
    db.session.commit()
    login(client, world["liaison_a"])
    page = client.get(f"/liaison/{world['a'].id}/").get_data(as_text=True)
    zhang = page[page.index("张琴"):page.index("李明")] if page.index("张琴") < page.index("李明") else page
    assert "主题党日" in zhang and "支部党员大会" in zhang and "党小组会四月" in zhang
    assert "一季度党课" not in zhang and "取消的支委会" not in zhang and "缺席的主题党日" not in zhang
    assert "下周的党小组会" not in zhang  # not held yet
    body = client.get(f"/api/v1/home-organisations/{world['a'].id}/members",
                      headers=token_for(client, world["liaison_a"])).get_json()
    recent = {item["name"]: item["recent_meetings"] for item in body["items"]}
    assert [m["title"] for m in recent["张琴"]] == ["主题党日", "党员大会", "党小组会四月"]  # newest first
    assert recent["张琴"][0]["kind"] == "party_day" and recent["张琴"][0]["on"] == (now - timedelta(days=5)).astimezone(
        LOCAL).date().isoformat()
    assert [m["kind"] for m in recent["李明"]] == ["life_meeting"]


def test_the_recent_meetings_cost_one_query_for_the_whole_page(client, world):
    login(client, world["liaison_a"])
    url = f"/liaison/{world['a'].id}/"
    client.get(url)
    few, _page = count_statements(client, url)
    now = utcnow()
    for n in range(6):
        _attended(world, "张琴", "group", f"党小组会{n}", now - timedelta(days=10 * n + 1))
        _attended(world, "李明", "lesson", f"党课{n}", now - timedelta(days=10 * n + 2), branch="b2")
    db.session.commit()
    client.get(url)
    many, page = count_statements(client, url)
    assert many == few and page.count("data-recent") == 6  # three each
