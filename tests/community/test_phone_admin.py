"""Issue #9, administration on a phone: the confirmation step, the flash, the list tables that become
cards, the audit log in the reader's language, and the first sign-in with a one-time password."""
from __future__ import annotations

import re
from pathlib import Path

from app import db
from community.audit.services import record
from community.people.models import Person
from community.roles.models import RoleGrant
from tests.community.people_support import audit_rows
from tests.factories import grant, login, make_admin, make_person

ROOT = Path(__file__).resolve().parents[2]


def english(client):
    client.post("/language/en", data={"next": "/"})


# ---------------------------------------------------------------- the confirmation step


def test_revoking_a_role_asks_first_then_revokes(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    person = make_person(places["east"], name="王芳")
    row = grant(person, "discussion_member", "community", places["east"].id)
    login(client, admin)
    page = client.post(f"/admin/roles/{row.id}/revoke").get_data(as_text=True)
    assert "王芳将不再是" in page and "议事团成员" in page and "东门社区" in page  # what will happen, in words
    assert 'name="confirmed" value="1"' in page and "此操作无法撤销" in page
    assert f'href="/admin/people/{person.id}"' in page  # the way back
    assert db.session.get(RoleGrant, row.id) is not None and audit_rows("role.revoke") == []
    response = client.post(f"/admin/roles/{row.id}/revoke", data={"confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RoleGrant, row.id) is None and len(audit_rows("role.revoke")) == 1


def test_the_confirmation_is_shown_only_to_whoever_may_do_it(client, places):
    other = make_admin("community_admin", ("community", places["west"].id), places["west"])
    person = make_person(places["east"], name="王芳")
    row = grant(person, "discussion_member", "community", places["east"].id)
    login(client, other)
    assert client.post(f"/admin/roles/{row.id}/revoke").status_code == 403
    assert client.post(f"/admin/people/{person.id}/password").status_code == 403
    assert client.post(f"/admin/people/{person.id}/active").status_code == 403


def test_a_one_time_password_and_a_deactivation_ask_first(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    person = make_person(places["east"], name="王芳")
    before = person.password_hash
    login(client, admin)
    page = client.post(f"/admin/people/{person.id}/password").get_data(as_text=True)
    assert "王芳现在的密码将立即失效" in page and "签发一次性密码" in page
    page = client.post(f"/admin/people/{person.id}/active").get_data(as_text=True)
    assert "王芳将在所有设备上退出登录" in page and "此操作无法撤销" not in page  # it can be reactivated
    db.session.expire_all()
    fresh = db.session.get(Person, person.id)
    assert fresh.password_hash == before and fresh.is_active_account and not fresh.must_change_password
    page = client.post(f"/admin/people/{person.id}/active", data={"confirmed": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert 'role="status"' in page and "王芳的账号已停用" in page  # the flash says what happened
    page = client.post(f"/admin/people/{person.id}/active", follow_redirects=True).get_data(as_text=True)
    assert "王芳的账号已恢复" in page  # reactivating needs no confirmation


def test_a_refusal_is_flashed_as_an_alert(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    login(client, admin)
    page = client.post("/password", data={"current_password": "wrong-one", "new_password": "tongxin2026ok",
                                          "confirm": "tongxin2026ok"}).get_data(as_text=True)
    assert page.count("当前密码不正确") == 1 and 'id="current_password-error"' in page


# ---------------------------------------------------------------- the list tables


def test_every_list_page_uses_the_shared_card_table(client, places):
    login(client, make_admin())
    for path in ("/admin/people/", "/admin/roles/", "/admin/audit/"):
        page = client.get(path).get_data(as_text=True)
        assert "table-cards" in page and "data-label=" in page or "<td colspan" in page, path
    for name in ("people/index.html", "roles/index.html", "audit/index.html", "branches/index.html",
                 "branches/members.html"):
        assert 'import list_table' in (ROOT / "templates" / name).read_text(), name


# ---------------------------------------------------------------- the audit log in the reader's language


def _log_world(places):
    actor = make_admin()
    person = make_person(places["east"], name="王芳")
    record(actor, "person.view", person, summary=person.name)
    record(actor, "account.password_reset", person, summary=person.name)
    record(actor, "person.export", None, object_type="person", summary="已导出 3 人", detail={"rows": 3})
    record(actor, "person.import", None, object_type="person", summary="1 people imported", detail={"rows": 1})
    row = grant(person, "community_admin", "community", places["east"].id)
    record(actor, "role.grant", row, summary=f"王芳: community_admin @ community:{places['east'].id}")
    record(actor, "election.voting", None, object_type="election", summary="春季选举: voting ")
    db.session.commit()
    return actor


CODES = re.compile(r"person\.view|account\.password_reset|person\.export|role\.grant|community_admin|"
                   r"@ community|election\.voting|: voting")


def test_the_audit_log_shows_labels_in_chinese(client, places):
    login(client, _log_world(places))
    page = client.get("/admin/audit/").get_data(as_text=True)
    main = page[page.index("<table"):page.index("</table>")]
    for label in ("查看个人档案", "签发一次性密码", "导出人员", "导出 3 人", "授予角色", "社区管理员 · 社区 东门社区",
                  "选举步骤：投票中", "春季选举"):
        assert label in main, label
    assert not CODES.search(main), CODES.search(main)


def test_the_audit_log_shows_labels_in_english(client, places):
    login(client, _log_world(places))
    english(client)
    page = client.get("/admin/audit/").get_data(as_text=True)
    main = page[page.index("<table"):page.index("</table>")]
    for label in ("Person&#39;s record viewed", "Issued a one-time password", "3 people exported",
                  "1 person imported", "Community administrator · Community 东门社区", "Election step: Voting"):
        assert label in main, label
    assert "已导出" not in main and not CODES.search(main)


def test_the_audit_filter_offers_labels_not_codes(client, places):
    login(client, _log_world(places))
    page = client.get("/admin/audit/?action=person.view").get_data(as_text=True)
    assert '<option value="person.view" selected>查看个人档案</option>' in page
    assert 'placeholder="person."' not in page


def test_every_recorded_action_has_a_label(app):
    """Each action a service records (a literal in the code) is registered with a label."""
    from community.registry import registry

    kinds = registry(app).audit_kinds
    found = set()
    for folder in ("community", "branches", "volunteers"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            found |= set(re.findall(r"record(?:_kept|_refusal)?\([^,()]+, \"([a-z_]+\.[a-z_]+)\"", text))
            found |= set(re.findall(r"def _refuse\(.*action: str = \"([a-z_]+\.[a-z_]+)\"", text))
    missing = sorted(a for a in found if a not in kinds and a.rsplit(".", 1)[0] + ".*" not in kinds)
    assert len(found) > 30 and missing == []


# ---------------------------------------------------------------- the first sign-in with a one-time password


def test_first_sign_in_names_the_one_time_password_and_says_a_weak_password_once(client, places):
    from community.accounts.services import reset_password

    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    person = make_person(places["east"])
    one_time = reset_password(admin, person)
    db.session.commit()
    login(client, person, one_time)
    page = client.get("/password").get_data(as_text=True)
    assert "一次性密码" in page and "管理员给您的临时密码" in page and "当前密码" not in page
    page = client.post("/password", data={"current_password": one_time, "new_password": "abcdefgh",
                                          "confirm": "abcdefgh"}).get_data(as_text=True)
    error = re.search(r'id="new_password-error">(.*?)</div>', page, re.S)[1]
    assert "字母和数字" in error
    assert page.count(error.strip()) == 1  # beside its field only, not again in a flash


# ---------------------------------------------------------------- granting a role by name on the roles page


def test_the_roles_page_grants_a_role_to_a_person_chosen_by_name(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    person = make_person(places["east"], name="王芳")
    login(client, admin)
    page = client.get("/admin/roles/").get_data(as_text=True)
    assert 'role="combobox"' in page and "授予角色" in page and "picker.js" in page
    response = client.post("/admin/roles/", data={"person": "王芳", "role": "discussion_member",
                                                  "scope": f"community:{places['east'].id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/roles/")
    assert db.session.query(RoleGrant).filter_by(person_id=person.id, role="discussion_member").count() == 1
    page = client.get("/admin/roles/").get_data(as_text=True)
    assert "王芳现在是东门社区的议事团成员。" in page and 'role="status"' in page


def test_a_name_not_found_is_said_beside_the_field_and_kept(client, places):
    admin = make_admin("community_admin", ("community", places["east"].id), places["east"])
    make_person(places["west"], name="李四")  # another community: not found from here
    login(client, admin)
    response = client.post("/admin/roles/", data={"person": "李四", "role": "discussion_member",
                                                  "scope": f"community:{places['east'].id}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="person-error"' in page and "李四" in page and 'value="李四"' in page
    assert db.session.query(RoleGrant).filter_by(role="discussion_member").count() == 0


def test_residents_cannot_grant_by_name(client, places):
    make_person(places["east"], name="王芳")
    login(client, make_person(places["east"]))
    assert client.post("/admin/roles/", data={"person": "王芳", "role": "discussion_member",
                                              "scope": f"community:{places['east'].id}"}).status_code == 403


def test_the_audit_page_query_count_does_not_grow_with_its_rows(client, places):
    from tests.factories import count_statements, make_community

    actor = make_admin()
    login(client, actor)

    def add_rows(start: int, end: int) -> None:
        for i in range(start, end):
            community = make_community(places["street"], f"社区{i}")
            person = make_person(community, name=f"甲{i}")
            row = grant(person, "community_admin", "community", community.id)
            record(actor, "role.grant", row, summary=f"{person.name}: community_admin @ community:{community.id}")
            record(actor, "person.export", None, object_type="person", detail={"rows": i})
        db.session.commit()

    add_rows(0, 3)
    few, _page = count_statements(client, "/admin/audit/")
    add_rows(3, 20)
    many, page = count_statements(client, "/admin/audit/")
    assert "社区19" in page and many == few


def test_the_audit_log_is_filtered_by_who_did_it_by_name(client, places):
    actor = _log_world(places)
    other = make_person(places["east"], name="赵六")
    record(other, "person.export_own", other, summary=other.name)
    db.session.commit()
    login(client, actor)
    page = client.get("/admin/audit/?actor=赵六").get_data(as_text=True)
    main = page[page.index("<table"):page.index("</table>")]
    assert "下载本人数据" in main and "查看个人档案" not in main and 'value="赵六"' in page
    page = client.get("/admin/audit/?actor=无此人").get_data(as_text=True)
    assert 'id="actor-error"' in page and 'value="无此人"' in page and "没有符合条件的记录" in page
