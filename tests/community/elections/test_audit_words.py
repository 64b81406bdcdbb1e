"""Issue #9 point 6: an election run from the manage page reads in words in the audit log, in both languages:
no codes, no English reason in the Chinese interface, names rather than record numbers, and each kind of row
under its own label (a candidate's introduction is not an "election step")."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app import db
from community.audit.services import record
from community.database import utcnow
from community.elections.services import candidates as cands
from community.elections.services import lifecycle, roll, voting
from community.elections.services.common import record_step
from community.elections.services.introductions import update_introduction
from community.roles.models import RoleGrant
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import login, make_admin


def _rows(html: str) -> list[tuple[str, str]]:
    """(label, summary) of each row of the audit table."""
    table = html[html.index("<tbody"):html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append((cells[0].strip(), cells[4].strip()))
    return rows


def _election_run(community):
    """A committee's run: a member removed on the page, one standing as a candidate, a group nomination, an
    introduction and a proxy."""
    later = utcnow() + timedelta(days=10)
    election = make_election(community, committee=9, voting_opens_at=later,
                             voting_closes_at=later + timedelta(hours=8))
    admin = election.test_admin
    voters = make_voters(election, community, 4)
    members = [g.person for g in db.session.scalars(select(RoleGrant).where(
        RoleGrant.scope_type == "election", RoleGrant.scope_id == election.id,
        RoleGrant.role == "election_committee").order_by(RoleGrant.id))]
    roll.add_voter(admin, election, members[1])
    lifecycle.change_status(admin, election, "nominating")
    cands.add_candidate(admin, election, members[1])  # he leaves the committee
    cands.nominate(admin, election, voters[0], "group", "第一居民小组")
    candidate = cands.add_candidate(admin, election, voters[1])
    update_introduction(admin, election, candidate, {"occupation": "教师"})
    voting.approve_proxy(admin, election, voters[2], voters[3])
    extra = make_voters(election, community, 1)[0]
    roll.remove_voter(admin, election, extra.id, "已迁出本社区")
    # the count's row as ballot_key.open_round stores it (a key ceremony is too long a way to get one here)
    record(admin, "election.ballots_opened", election, summary="round 1: 30 opened, 0 unreadable, 2 paper")
    record_step(admin, election, "voting", note="runoff")  # a runoff's step, as lifecycle.open_next_round notes it
    db.session.commit()
    return election, members


def test_an_election_run_reads_in_words_in_the_audit_log(client, app, community):
    election, members = _election_run(community)
    login(client, election.test_admin)
    removed = client.post(f"/elections/{election.id}/manage/officials/{members[0].id}/remove",
                          data={"role": "election_committee", "confirmed": "1"})
    assert removed.status_code == 302
    client = app.test_client()
    login(client, make_admin())

    rows = _rows(client.get("/admin/audit/").get_data(as_text=True))
    assert len(rows) > 10
    for label, summary in rows:  # Chinese: no Latin words, no arrows or record numbers standing for people
        assert not re.search(r"[A-Za-z]{2,}|->|^\d+(?: |:|$)", label + " " + summary), (label, summary)
    revokes = [summary for label, summary in rows if label == "撤销角色"]
    assert sorted(revokes) == sorted([f"{members[0].name} · 选举委员会委员 · 选举 测试选举 · 在管理页面上移出",
                                      f"{members[1].name} · 选举委员会委员 · 选举 测试选举 · 成为候选人"])
    assert ("选举步骤：草稿", "测试选举 · 已创建") in rows
    assert ("选举步骤：投票中", "测试选举 · 得票相等的候选人再次投票") in rows
    assert ("填写候选人介绍", "选民1") in rows and ("添加候选人", members[1].name) in rows
    assert ("提名候选人", "选民0 · 居民小组“第一居民小组”") in rows
    assert ("批准委托投票", "选民3代选民2投票") in rows
    assert ("从名单移除选民", "已迁出本社区") in rows
    assert ("开启选票以计票", "第 1 轮 · 已开启网上选票 30 张 · 无法读取 0 张 · 纸质选票 2 张") in rows

    client.post("/language/en", data={"next": "/"})
    rows = _rows(client.get("/admin/audit/").get_data(as_text=True))
    for label, summary in rows:  # English: the labels and the words of the summaries, names aside
        assert not re.search(r"[\u4e00-\u9fff]", label), label
        words = re.sub(r"测试选举|委员\d|选民\d|第一居民小组|已迁出本社区", "", summary)
        assert not re.search(r"[\u4e00-\u9fff]", words), summary
    assert (f"{members[0].name} · Election committee member · Election 测试选举 · removed on the manage page"
            in [summary for _label, summary in rows])
    assert ("Candidate nominated", "选民0 · residents&#39; group “第一居民小组”") in rows
    assert ("Proxy vote approved", "选民3 votes for 选民2") in rows
    assert ("Election step: Draft", "测试选举 · created") in rows
    assert ("Ballots opened for the count",
            "Round 1 · 30 online ballots opened · 0 unreadable · 2 paper ballots") in rows
