"""Mediation cases: opening, parties, sessions, outcome; parties' details only for the mediator and the
administrators; bad input refused with a clear message and nothing written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from community.discussions import mediation as M
from community.discussions.mediation_models import MediationCase, MediationParty, MediationSession
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tests.community.discussions.mediation_support import NOW, TODAY, case_data
from tests.factories import login


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_mediator_records_a_case_to_settlement(mworld):
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    assert case.mediator_id == mworld.mediator.id and case.outcome is None
    assert [p.side for p in M.parties(case)] == ["房东", "租客"]
    M.add_session(mworld.mediator, case, {"held_on": TODAY, "place": "东门社区调解室", "notes": "双方同意各让一步"},
                  now=NOW)
    M.record_outcome(mworld.mediator, case, {"outcome": "settled", "outcome_note": "退还1500元"}, now=NOW)
    assert case.outcome == "settled" and case.closed_at == NOW
    with pytest.raises(Conflict):
        M.record_outcome(mworld.mediator, case, {"outcome": "failed"}, now=NOW)
    with pytest.raises(Conflict):
        M.add_session(mworld.mediator, case, {"place": "调解室"}, now=NOW)
    assert db.session.get(MediationCase, case.id).outcome == "settled"


def test_an_administrator_names_a_mediator_of_the_community(mworld):
    case = M.open_case(mworld.admin_a, mworld.a.id, case_data(mediator_id=mworld.other_mediator.id), now=NOW)
    assert case.mediator_id == mworld.other_mediator.id
    with pytest.raises(DomainError) as refused:
        M.open_case(mworld.admin_a, mworld.a.id, case_data(mediator_id=mworld.resident.id), now=NOW)
    assert "mediator" in refused.value.fields
    with pytest.raises(Forbidden):  # a mediator does not hand cases to another
        M.open_case(mworld.mediator, mworld.a.id, case_data(mediator_id=mworld.other_mediator.id), now=NOW)
    with pytest.raises(Forbidden):  # nor does anyone else open cases
        M.open_case(mworld.member, mworld.a.id, case_data(), now=NOW)
    assert _count(MediationCase) == 1


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"), ({"title": "纠" * 81}, "title"), ({"summary": "长" * 2001}, "summary"),
    ({"kind": "war"}, "kind"), ({"parties": [{"name": "王房东", "side": "房东"}]}, "parties"),
    ({"parties": [{"name": "王房东", "side": "房东"}, {"name": "", "side": "租客", "phone": "139"}]}, "party_1_name"),
    ({"parties": [{"name": "王房东", "side": "房东"}, {"name": "张", "side": "租客", "phone": "abc"}]},
     "party_1_phone"),
    ({"parties": "王房东"}, "parties"), ({"opened_on": TODAY + timedelta(days=1)}, "opened_on"),
    ({"opened_on": "昨天"}, "opened_on"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(mworld, change, field):
    with pytest.raises(DomainError) as refused:
        M.open_case(mworld.mediator, mworld.a.id, case_data(**change), now=NOW)
    assert field in refused.value.fields and refused.value.status in (400, 422)
    assert _count(MediationCase) == 0 and _count(MediationParty) == 0


def test_sessions_and_outcomes_follow_their_rules(mworld):
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    with pytest.raises(DomainError) as early:
        M.add_session(mworld.mediator, case, {"held_on": case.opened_on - timedelta(days=1), "place": "调解室"},
                      now=NOW)
    assert "held_on" in early.value.fields
    with pytest.raises(Invalid):
        M.add_session(mworld.mediator, case, {"held_on": TODAY, "place": ""}, now=NOW)
    with pytest.raises(DomainError) as no_session:
        M.record_outcome(mworld.mediator, case, {"outcome": "settled"}, now=NOW)
    assert no_session.value.code == "no_session"
    with pytest.raises(Invalid) as nowhere:
        M.record_outcome(mworld.mediator, case, {"outcome": "referred"}, now=NOW)
    assert "referred_to" in nowhere.value.fields
    with pytest.raises(Invalid):
        M.record_outcome(mworld.mediator, case, {"outcome": "won"}, now=NOW)
    assert _count(MediationSession) == 0 and db.session.get(MediationCase, case.id).outcome is None
    M.record_outcome(mworld.mediator, case, {"outcome": "referred", "referred_to": "象山县劳动仲裁委"}, now=NOW)
    assert case.referred_to == "象山县劳动仲裁委"


def test_parties_are_seen_only_by_the_mediator_and_administrators(mworld):
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    for allowed in (mworld.mediator, mworld.admin_a):
        assert M.get_case(allowed, case.id) is case
        assert [c.id for c in db.session.scalars(M.cases_query(allowed))] == [case.id]
    for hidden in (mworld.other_mediator, mworld.admin_b):
        with pytest.raises(NotFound):
            M.get_case(hidden, case.id)
        assert list(db.session.scalars(M.cases_query(hidden))) == []
        with pytest.raises(Forbidden):
            M.add_session(hidden, case, {"place": "调解室"}, now=NOW)
    for refused in (mworld.member, mworld.resident):
        with pytest.raises(Forbidden):
            M.get_case(refused, case.id)
        with pytest.raises(Forbidden):
            M.cases_query(refused)


def test_the_pages_hide_a_case_from_everyone_else(app, client, mworld):
    case = M.open_case(mworld.mediator, mworld.a.id, case_data(), now=NOW)
    login(client, mworld.other_mediator)
    assert client.get(f"/mediation/{case.id}").status_code == 404
    listed = client.get("/mediation/")
    assert listed.status_code == 200 and "王房东" not in listed.text and "押金退还纠纷" not in listed.text
    client.post("/logout")
    login(client, mworld.resident)
    assert client.get(f"/mediation/{case.id}").status_code == 403
    client.post("/logout")
    login(client, mworld.mediator)
    page = client.get(f"/mediation/{case.id}")
    assert page.status_code == 200 and "王房东" in page.text and "13900001111" in page.text
    client.post("/logout")
    login(client, mworld.admin_a)
    assert client.get(f"/mediation/{case.id}").status_code == 200
    from community.audit.models import AuditEntry

    viewers = db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "mediation.view")).all()
    assert viewers == [mworld.admin_a.id]  # the administrator's view is logged, the mediator's own is not


def test_the_case_pages_record_a_session_and_the_outcome_after_a_confirmation(app, client, mworld):
    login(client, mworld.mediator)
    opened = client.post(f"/mediation/new?community_id={mworld.a.id}", data={
        "kind": "labour", "title": "欠薪纠纷", "party_0_name": "刘工", "party_0_side": "工人",
        "party_1_name": "某针织厂", "party_1_side": "老板", "party_1_phone": "0574-65001234"})
    assert opened.status_code == 302, opened.text
    case = db.session.scalar(select(MediationCase))
    refused = client.post(f"/mediation/{case.id}/sessions", data={"place": ""})
    assert refused.status_code == 422 and "is-invalid" in refused.text
    assert client.post(f"/mediation/{case.id}/sessions", data={"place": "劳动保障所", "notes": "约定月底付清"}
                       ).status_code == 302
    asked = client.post(f"/mediation/{case.id}/outcome", data={"outcome": "settled"})
    assert asked.status_code == 200 and 'name="confirmed"' in asked.text
    db.session.expire_all()
    assert db.session.get(MediationCase, case.id).outcome is None
    done = client.post(f"/mediation/{case.id}/outcome", data={"outcome": "settled", "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(MediationCase, case.id).outcome == "settled"


def test_a_case_form_with_one_party_keeps_what_was_typed(app, client, mworld):
    login(client, mworld.mediator)
    page = client.post(f"/mediation/new?community_id={mworld.a.id}", data={
        "kind": "neighbours", "title": "楼上漏水", "party_0_name": "周阿姨", "party_0_side": "楼下住户"})
    assert page.status_code == 422 and "周阿姨" in page.text and "楼上漏水" in page.text
    assert _count(MediationCase) == 0


def test_the_api_opens_a_case_and_records_it_to_its_end(app, client, mworld):
    from community.accounts.services import issue_token

    def auth(person):
        return {"Authorization": f"Bearer {issue_token(person)[0]}"}

    body = {**case_data(), "community_id": mworld.a.id}
    body["opened_on"] = body["opened_on"].isoformat()
    created = client.post("/api/v1/mediation/cases", json=body, headers=auth(mworld.mediator))
    assert created.status_code == 201, created.json
    case_id = created.json["id"]
    assert [p["name"] for p in created.json["parties"]] == ["王房东", "张租客"]
    bad = client.post("/api/v1/mediation/cases", json={**body, "parties": body["parties"][:1]},
                      headers=auth(mworld.mediator))
    assert bad.status_code == 400 and "parties" in bad.json["error"]["fields"]
    assert client.get(f"/api/v1/mediation/cases/{case_id}", headers=auth(mworld.other_mediator)).status_code == 404
    assert client.get(f"/api/v1/mediation/cases/{case_id}", headers=auth(mworld.resident)).status_code == 403
    listed = client.get("/api/v1/mediation/cases", headers=auth(mworld.other_mediator))
    assert listed.status_code == 200 and listed.json["total"] == 0
    mine = client.get("/api/v1/mediation/cases?outcome=open", headers=auth(mworld.mediator))
    assert mine.json["total"] == 1 and "parties" not in mine.json["items"][0]
    session = client.post(f"/api/v1/mediation/cases/{case_id}/sessions", json={"place": "调解室"},
                          headers=auth(mworld.mediator))
    assert session.status_code == 201 and len(session.json["sessions"]) == 1
    closed = client.post(f"/api/v1/mediation/cases/{case_id}/outcome", json={"outcome": "partly"},
                         headers=auth(mworld.admin_a))
    assert closed.status_code == 200 and closed.json["outcome"] == "partly"
    again = client.post(f"/api/v1/mediation/cases/{case_id}/outcome", json={"outcome": "settled"},
                        headers=auth(mworld.mediator))
    assert again.status_code == 409 and again.json["error"]["message"]
