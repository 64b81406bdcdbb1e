"""Stored scripts: markup typed into every free-text field comes back as text, on every page that shows it.

One world, stored through the services (faster than the forms): people's names, employer and hometown, a
community's name, elections' titles, a candidate's introduction, a joint nomination's group, an objection to the
roll and its answer, a recall's reasons, a meeting's title, place, agenda, leave reason, minutes, resolution, move
and cancellation, requests and proposals with their handler's note and a moderator's reason, mediation cases
(parties, sessions, outcome), activities (one cancelled) and a declaration of service, a branch with its
home-side organisation, a position, a request to join and its refusal, a scoring organisation and a grant's
reason, a catalogue item and a refused redemption, an allocation with an objection and its answer, a message in
the inbox. Then the platform administrator and the resident open every page that shows them in Chromium,
hovering over the charts (ECharts draws its tooltips in HTML), and the administrator uses the person picker
(static/js/picker.js draws its suggestions).

The browser context bypasses the Content-Security-Policy: the policy would stop an inline script or handler
anyway, and the test is about the escaping underneath it. On each page: `window.__xss` stays undefined, no
dialog opens, no element the payloads would make (an `<img src=x>`, an `on…` attribute, an inline script) is
in the DOM, and each stored text is visible as text (or, on the forms that edit it, is a field's value whole: the
attribute breaker `"'>` did not end the attribute).
"""
from __future__ import annotations

from datetime import date, timedelta

from app import db
from community.database import utcnow
from tests.factories import PASSWORD

SCRIPT = "<script>window.__xss=1</script>"
IMG = "<img src=x onerror=window.__xss=2;alert(2)>"
BREAK = "\"'><svg onload=window.__xss=3;alert(3)>"
LONG = SCRIPT + IMG + BREAK  # 113 characters: for fields of 120 and more

# Injected markup, were any of it rendered: the payloads' elements and any inline handler.
INJECTED = """() => [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], '
  + 'script:not([src]):not([type="application/json"])')].map(el => el.outerHTML.slice(0, 80))"""

# What the page's fields hold (their values are not part of the page's text).
FIELDS = "() => [...document.querySelectorAll('input, textarea')].map(el => el.value)"

# The text of ECharts' tooltips shown now (a div beside the chart's svg).
TOOLTIP = """() => [...document.querySelectorAll('[data-chart] > div')].filter(el => !el.querySelector('svg'))
  .map(el => el.innerText).join(' | ')"""


def _world() -> dict:
    """Everything stored, committed; the ids the pages name and the texts each page must show."""
    from branches import joining, roster
    from branches.flags import Flag
    from branches.models import Branch, BranchMember, HomeOrganisation
    from community.discussions import mediation, moderation
    from community.discussions import requests as R
    from community.discussions import requests_submit as S
    from community.discussions.agenda import add_item
    from community.elections.services import candidates as cands
    from community.elections.services import introductions, lifecycle, recall, voting
    from community.elections.services import roll as roll_service
    from community.meetings import records
    from community.meetings.services import cancel_meeting, create_meeting, move_meeting
    from community.reminders.models import Notification
    from tests.community.elections.conftest import count, make_election
    from tests.factories import grant, grant_all, make_community, make_people, make_person, make_street, put_on_roll
    from tests.volunteers.activities_world import beach
    from tests.volunteers.points_world import make_organisation, make_quota
    from tests.volunteers.uses_world import credit
    from volunteers import activities_changes, activities_confirm, activities_services, redemptions
    from volunteers import allocation as A
    from volunteers.grants import make_grant

    street = make_street("爵溪街道")
    a = make_community(street, "东门社区")
    odd = make_community(street, "社区" + BREAK)
    admin = make_person(None, name="平台管理员")
    grant(admin, "platform_admin", "platform", 0)
    resident = make_person(a, name="居民" + IMG, employer="单位" + SCRIPT + IMG, hometown="老家" + BREAK)
    voter = make_person(a, name="选民" + BREAK)
    member = make_person(a, name="党员" + SCRIPT)
    mediator = make_person(a, name="调解员")
    scorer = make_person(None, name="赋分员")
    grant(mediator, "mediator", "community", a.id)

    # An election taking nominations: a candidate with an introduction, a joint nomination, an objection.
    election = make_election(a, admin=admin, committee=0, title="选举" + LONG[:95], term="2031",
                             voting_opens_at=utcnow() + timedelta(days=10),
                             voting_closes_at=utcnow() + timedelta(days=11))
    put_on_roll(election, [resident, voter, member], admin)
    grant_all(make_people(a, 7, "委员"), "election_committee", "election", election.id)
    lifecycle.change_status(admin, election, "nominating")
    candidate = cands.add_candidate(admin, election, voter)
    introductions.update_introduction(admin, election, candidate, {"occupation": "职业" + IMG,
                                                                   "statement": "简介" + LONG})
    cands.nominate(resident, election, member, "voters", group_name="联名" + BREAK)
    objection = roll_service.file_objection(resident, election, "异议" + LONG)
    roll_service.answer_objection(admin, election, objection, "答复" + LONG, "rejected")

    # A published election (the elected representative's name is a payload) with a recall proposed.
    published = make_election(a, admin=admin, committee=0, title="上届" + IMG, seats=1, term="2021")
    p_voters = [make_person(a, name="当选" + BREAK), *make_people(a, 2, "上届选民")]
    put_on_roll(published, p_voters, admin)
    grant_all(make_people(a, 7, "上届委员"), "election_committee", "election", published.id)
    elected = cands.add_candidate(admin, published, p_voters[0])
    cands.add_candidate(admin, published, p_voters[1])
    lifecycle.change_status(admin, published, "voting")
    for someone in p_voters:
        voting.cast_ballot(someone, published, [elected.id])
    later = utcnow() + timedelta(days=2)
    published.test_admin = admin
    count(published, now=later)  # closed, the sealed ballots opened with k supervisors' shares, counted
    lifecycle.change_status(admin, published, "published", now=later)
    recall.propose_recall(p_voters[1], published, elected, "罢免理由" + LONG)

    # A discussion meeting held: the resident on leave, minutes and a resolution; another one cancelled.
    starts = utcnow() + timedelta(days=2)
    meeting = create_meeting(admin, "discussion", a.id, {
        "title": "会议" + LONG, "starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "地点" + LONG,
        "agenda": ["议程" + LONG]})
    for someone in (resident, voter):
        records.invite(admin, meeting, someone.id)
    records.record_attendance(admin, meeting, {resident.id: ("leave", "请假" + LONG), voter.id: ("present", "")})
    records.record_minutes(admin, meeting, {"topics": "议题" + LONG, "speeches": "发言" + LONG})
    records.add_resolution(admin, meeting, {"text": "决议" + LONG, "responsible": "负责" + IMG})
    cancelled = create_meeting(admin, "discussion", a.id, {
        "title": "取消的会" + IMG, "starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "议事厅"})
    move_meeting(admin, cancelled, {"place": "新地点" + LONG, "reason": "改期" + LONG})
    cancel_meeting(admin, cancelled, "取消" + LONG)

    # Requests and a proposal; a handler's note; a moderator's reason.
    request = S.submit(resident, {"kind": "request", "title": "诉求" + BREAK, "body": "正文" + LONG,
                                  "category": "housing", "community_id": a.id})
    proposal = S.submit(voter, {"kind": "proposal", "title": "提议" + SCRIPT + IMG, "body": "建议" + LONG,
                                "category": "safety", "community_id": a.id})
    R.change_status(admin, request, "accepted", "受理" + LONG)
    R.change_status(admin, proposal, "accepted", "")
    add_item(admin, meeting, proposal.id)  # its history: "on the agenda of <the meeting's title>"
    hidden = S.submit(member, {"kind": "request", "title": "被隐藏" + IMG, "body": "内容",
                               "category": "safety", "community_id": a.id})
    moderation.hide(admin, hidden, "隐藏" + LONG)

    # Mediation: an open case with a session, and a case referred on.
    case = mediation.open_case(mediator, a.id, {
        "kind": "landlord_tenant", "title": "纠纷" + IMG, "summary": "概要" + LONG, "parties": [
            {"name": "甲方" + IMG, "side": "东" + BREAK, "phone": "13900001111"},
            {"name": "乙方" + SCRIPT, "side": "租客"}]})
    mediation.add_session(mediator, case, {"place": "调解地点" + LONG, "notes": "调解记录" + LONG})
    referred = mediation.open_case(mediator, a.id, {
        "kind": "landlord_tenant", "title": "转交" + SCRIPT, "parties": [
            {"name": "丙方", "side": "房东"}, {"name": "丁方", "side": "租客"}]})
    mediation.record_outcome(mediator, referred, {"outcome": "referred", "outcome_note": "结果" + LONG,
                                                  "referred_to": "法院" + LONG[:95]})

    # An activity and a declaration of service.
    activity = activities_services.create_activity(admin, a.id, beach(
        title="活动" + LONG, place="活动地点" + LONG, description="活动说明" + LONG))
    called_off = activities_services.create_activity(admin, a.id, beach(title="取消的活动" + IMG))
    activities_changes.cancel_activity(admin, called_off, "活动取消" + LONG)
    activities_confirm.declare(resident, {"content": "自报" + LONG, "category": "volunteer_service",
                                          "place": "服务地点" + LONG, "served_on": date.today(), "hours": "2"})

    # A branch with its home-side organisation; a member with a position; a refused request to join.
    branch = Branch(street_id=street.id, name="支部" + LONG[:95], kind="mobile")
    home = HomeOrganisation(name="党委" + LONG[:95], region="地区" + LONG[:95])
    db.session.add_all([branch, home])
    db.session.flush()
    branch_member = BranchMember(branch_id=branch.id, person_id=member.id, status="full",
                                 relationship="transferred", home_organisation_id=home.id)
    db.session.add(branch_member)
    db.session.flush()
    db.session.add(Flag(member_id=branch_member.id, kind="out_of_contact", raised_on=date.today()))
    db.session.commit()
    roster.add_position(admin, branch_member, "职务" + IMG, "村" + LONG[:95], date.today())
    asked = joining.ask_to_join(resident, branch, "流字001", home.id, note="申请" + LONG)
    db.session.commit()
    joining.decline(admin, asked, "拒绝" + LONG)
    db.session.commit()
    joining.ask_to_join(voter, branch, "流字002", home.id, note="再申请" + LONG)
    db.session.commit()

    # Points: a scoring organisation of A and a grant's reason.
    organisation = make_organisation(a, "赋分点" + LONG[:95], "community")
    make_quota(organisation, 100)
    grant(scorer, "scorer", "organisation", organisation.id)
    make_grant(scorer, organisation, resident, 5, "volunteer_service", "赋分理由" + LONG)

    # Uses of points: a catalogue item, a refused redemption, an allocation with an objection.
    credit(resident, 200, hours=12)
    item = redemptions.create_item(admin, street, {"name": "兑换" + IMG, "kind": "health_check", "points": 50,
                                                   "stock": 5})
    redemption = redemptions.apply(resident, item, 1)
    redemptions.decline(admin, redemption, "不批" + LONG)
    credit(voter, 100)
    redemptions.apply(voter, item, 1)  # waiting for approval
    closed = utcnow()
    allocation = A.create_allocation(admin, street, {"title": "分配" + LONG[:95], "kind": "school_place",
                                                     "places": 2, "opens_at": closed - timedelta(days=10),
                                                     "closes_at": closed})
    A.apply(resident, allocation, now=closed - timedelta(days=2))
    A.publish_ranking(admin, allocation, now=closed + timedelta(seconds=1))
    A.answer_objection(admin, A.object_to(resident, allocation, "分配异议" + LONG), "复核" + LONG)

    notification = Notification(person_id=resident.id, kind="election_voting_open", title="通知" + LONG,
                                body="消息" + LONG, url="/inbox/")
    db.session.add(notification)
    db.session.commit()

    name, voter_name = resident.name, voter.name
    t = {  # page -> the stored texts it must show
        "/admin/people/": [name, voter_name, member.name],
        f"/admin/people/{resident.id}": [name, resident.employer, resident.hometown],
        "/admin/places/": [odd.name],
        "/elections/": [election.title],
        f"/elections/{election.id}": [election.title, "职业" + IMG, "简介" + LONG, voter_name],
        f"/elections/{election.id}/roll": [name, voter_name],
        f"/elections/{election.id}/manage": ["异议" + LONG, "答复" + LONG, "联名" + BREAK],
        f"/elections/{published.id}": [published.title],
        f"/elections/{published.id}/results": [published.title, p_voters[0].name, "罢免理由" + LONG],
        "/meetings/": ["会议" + LONG],
        f"/meetings/{meeting.id}": ["会议" + LONG, "地点" + LONG, "议程" + LONG, "请假" + LONG, "议题" + LONG,
                                    "发言" + LONG, "决议" + LONG, "负责" + IMG, name],
        f"/meetings/{cancelled.id}": ["取消的会" + IMG, "取消" + LONG, "新地点" + LONG, "改期" + LONG],
        "/requests/": ["诉求" + BREAK, "提议" + SCRIPT + IMG],
        f"/requests/{request.id}": ["诉求" + BREAK, "正文" + LONG, "受理" + LONG],
        f"/requests/{proposal.id}": ["提议" + SCRIPT + IMG, "建议" + LONG, "会议" + LONG],
        f"/discussions/meetings/{meeting.id}/agenda": ["会议" + LONG, "提议" + SCRIPT + IMG],
        f"/requests/{hidden.id}": ["隐藏" + LONG],
        "/mediation/": ["纠纷" + IMG, "转交" + SCRIPT],
        f"/mediation/{case.id}": ["纠纷" + IMG, "概要" + LONG, "甲方" + IMG, "东" + BREAK,
                                  "乙方" + SCRIPT, "调解地点" + LONG, "调解记录" + LONG],
        f"/mediation/{referred.id}": ["结果" + LONG, "法院" + LONG[:95]],
        "/activities/": ["活动" + LONG],
        f"/activities/{activity.id}": ["活动" + LONG, "活动地点" + LONG, "活动说明" + LONG],
        "/activities/declarations": ["自报" + LONG, name],
        "/activities/organised": ["活动" + LONG],
        f"/activities/{called_off.id}": ["取消的活动" + IMG, "活动取消" + LONG],
        "/admin/branches/": [branch.name],
        f"/admin/branches/{branch.id}": [branch.name, member.name, "职务" + IMG, "再申请" + LONG, voter_name],
        "/admin/branches/members": [member.name, home.name],
        "/admin/branches/flags": [member.name],
        "/admin/branches/home-organisations": [home.name, home.region],
        f"/liaison/{home.id}/": [home.name, member.name],
        f"/admin/branches/{branch.id}/dashboard": [branch.name],
        f"/admin/branches/streets/{street.id}/dashboard": [branch.name],
        f"/points/people/{resident.id}": ["赋分理由" + LONG],
        f"/admin/points/organisations/{organisation.id}": [organisation.name],
        "/admin/points/organisations": [organisation.name],
        "/volunteers/approvals": [voter_name, "兑换" + IMG],
        "/volunteers/catalogue": ["兑换" + IMG],
        "/volunteers/allocations/": [allocation.title],
        f"/volunteers/allocations/{allocation.id}": [allocation.title, "分配异议" + LONG, "复核" + LONG],
        "/admin/audit/": ["会议" + LONG],
        "/": [], "/admin/roles/": [], "/admin/reminders/": [], "/discussions/figures/": [],
        # Forms: the stored text inside a field's value (an attribute) or a textarea.
        f"/admin/people/{resident.id}/edit": [name, resident.employer, resident.hometown],
        f"/elections/{election.id}/manage/settings": [election.title],
        f"/elections/{election.id}/manage/candidates/{candidate.id}/introduction": ["职业" + IMG, "简介" + LONG],
        f"/activities/{activity.id}/change": ["活动地点" + LONG],
        f"/admin/branches/{branch.id}/edit": [branch.name],
    }
    mine = {  # the resident's own pages
        "/me": [resident.employer, resident.hometown],
        "/inbox/": ["通知" + LONG],
        f"/inbox/{notification.id}": ["通知" + LONG, "消息" + LONG],
        "/branches/join": ["拒绝" + LONG],
        "/volunteers/redeem": ["不批" + LONG],
        "/points/": ["赋分理由" + LONG],
        "/points/leaderboard": [],
        "/meetings/": ["会议" + LONG],
        f"/meetings/{meeting.id}": ["会议" + LONG, "议程" + LONG],
        "/": [],
    }
    world = {"admin": admin.phone, "resident": resident.phone, "pages": t, "mine": mine, "meeting": meeting.id,
             "case": case.id}
    db.session.remove()
    return world


def _visit(browser, base: str, phone: str, pages: dict, picker: str = "", closing: str = "") -> list[str]:
    """Sign in, open each page (hovering over its charts), use the person picker of `picker` and ask to close the
    mediation case `closing` (its confirmation step); what went wrong on them."""
    context = browser.new_context(bypass_csp=True, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/login")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    problems, tooltips = [], []
    for path, texts in pages.items():
        response = page.goto(base + path)
        page.wait_for_load_state("load")
        if response.status != 200:
            problems.append(f"{path}: {response.status}")
            continue
        ran = page.evaluate("() => typeof window.__xss === 'undefined' ? null : String(window.__xss)")
        if ran is not None:
            problems.append(f"{path}: a payload ran (window.__xss = {ran})")
        for chart in page.locator("[data-chart] svg").all():  # ECharts' tooltips are HTML: show each one
            chart.hover()
            page.wait_for_timeout(150)
            tooltips.append(page.evaluate(TOOLTIP))
        problems += [f"{path}: rendered as markup: {html}" for html in page.evaluate(INJECTED)]
        shown = page.inner_text("body") + "\n".join(page.evaluate(FIELDS))
        problems += [f"{path}: not shown as text: {text[:30]}…" for text in texts if text not in shown]
        if dialogs:
            problems.append(f"{path}: a dialog opened: {dialogs}")
            dialogs.clear()
    if picker:  # the person picker's suggestions are drawn by static/js/picker.js
        page.goto(base + picker)
        page.locator("input[role=combobox]").first.fill("居民")
        option = page.locator("[role=option]").first
        option.wait_for()
        if "居民" + IMG not in option.inner_text():
            problems.append(f"{picker}: the picker's suggestion is not the name as text: {option.inner_text()}")
        option.click()
        problems += [f"{picker}: the picker rendered markup: {html}" for html in page.evaluate(INJECTED)]
        if page.evaluate("() => typeof window.__xss") != "undefined" or dialogs:
            problems.append(f"{picker}: a payload ran in the picker")
    if closing:  # a confirmation step names the stored title in a sentence made in Python (community/confirm.py)
        page.goto(base + closing)
        page.locator("#outcome").select_option("settled")
        page.get_by_role("button", name="结案…").click()
        page.wait_for_load_state("load")
        problems += [f"{closing} confirm: rendered as markup: {html}" for html in page.evaluate(INJECTED)]
        if page.get_by_role("button", name="确认结案").count() != 1:
            problems.append(f"{closing}: no confirmation step")
        if f"“纠纷{IMG}”" not in page.inner_text("body"):
            problems.append(f"{closing} confirm: the case's title is not shown as text")
        if page.evaluate("() => typeof window.__xss") != "undefined" or dialogs:
            problems.append(f"{closing} confirm: a payload ran")
    if any("dashboard" in path for path in pages):
        named = [text for text in tooltips if "支部" + SCRIPT in text]
        if not named:
            problems.append(f"no chart's tooltip named the branch as text: {tooltips}")
    context.close()
    return problems


def test_stored_markup_is_shown_as_text_on_every_page(app, live, chromium):
    world = _world()
    problems = _visit(chromium, live, world["admin"], world["pages"], picker=f"/meetings/{world['meeting']}",
                      closing=f"/mediation/{world['case']}")
    problems += _visit(chromium, live, world["resident"], world["mine"])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
