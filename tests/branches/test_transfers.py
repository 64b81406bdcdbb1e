"""Transfer letters: validity of at most three months, "党费交至" from the dues, an expired letter refused with
nothing written, the receipt moving the member in one transaction, an unknown branch refused, the PDF, the
pages and the API."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from branches import dues as D
from branches import transfers as T
from branches.models import Branch, BranchMember
from branches.transfer_pdf import letter_pdf
from community.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tests.branches.pdf_text import pdf_text
from tests.factories import grant, login, make_community, make_person, make_street, token_for

TODAY = date(2026, 12, 3)


@pytest.fixture
def world():
    """Branches 1 and 2 of street 1 (a secretary each), 王芳 a member of branch 1 with dues paid to November."""
    street = make_street("爵溪街道")
    community = make_community(street, "东门社区")
    b1 = Branch(street_id=street.id, name="爵溪第一流动党支部")
    b2 = Branch(street_id=street.id, name="爵溪第二流动党支部")
    db.session.add_all([b1, b2])
    db.session.commit()
    wang, s1, s2 = (make_person(community, name=n) for n in ("王芳", "一支书记", "二支书记"))
    member = BranchMember(branch_id=b1.id, person_id=wang.id, status="full", relationship="card",
                          joined_branch_on=date(2026, 1, 5))
    db.session.add(member)
    db.session.commit()
    grant(s1, "secretary", "branch", b1.id)
    grant(s2, "secretary", "branch", b2.id)
    D.record_payment(s1, member, category="student", first_month="2026-09", months=3)
    db.session.commit()
    return {"b1": b1, "b2": b2, "wang": wang, "member": member, "s1": s1, "s2": s2}


def _issue(world, **data):
    return T.issue_transfer(world["s1"], {"member_id": world["member"].id, "to_branch_id": world["b2"].id, **data},
                            today=TODAY)


def test_validity_defaults_to_three_months_and_is_refused_beyond():
    assert T.latest_validity(date(2026, 12, 3)) == date(2027, 3, 3)
    assert T.latest_validity(date(2026, 11, 30)) == date(2027, 2, 28)  # no 30 February: the month's last day


def test_a_letter_states_the_dues_paid_up_to_and_its_validity(world):
    transfer = _issue(world)
    assert transfer.valid_until == date(2027, 3, 3) and transfer.dues_paid_up_to == date(2026, 11, 1)
    with pytest.raises(Invalid) as refused:
        T.issue_transfer(world["s1"], {"member_id": world["member"].id, "to_organisation": "安顺村党支部",
                                       "valid_until": date(2027, 3, 4)}, today=TODAY)
    assert "valid_until" in refused.value.fields
    with pytest.raises(Conflict):  # one letter waiting per member
        _issue(world, valid_until=date(2027, 1, 3))


def test_a_transfer_to_an_unknown_branch_is_refused(world):
    with pytest.raises(DomainError) as refused:
        _issue(world, to_branch_id=999999)
    assert refused.value.code == "unknown_branch" and "to_branch_id" in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(T.Transfer)) == 0


def test_the_receipt_moves_the_member_in_one_transaction(world):
    transfer = _issue(world)
    db.session.commit()
    with pytest.raises(Forbidden):  # the issuer does not record the receipt of a letter to another branch
        T.receive_transfer(world["s1"], transfer, today=TODAY)
    T.receive_transfer(world["s2"], transfer, today=date(2026, 12, 10))
    db.session.commit()
    rows = db.session.scalars(select(BranchMember).where(BranchMember.person_id == world["wang"].id)
                              .order_by(BranchMember.id)).all()
    assert [(r.branch_id, r.left_on, r.relationship) for r in rows] == [
        (world["b1"].id, date(2026, 12, 10), "card"), (world["b2"].id, None, "transferred")]
    assert transfer.state == "received" and transfer.received_on == date(2026, 12, 10)
    with pytest.raises(Conflict):
        T.receive_transfer(world["s2"], transfer, today=date(2026, 12, 10))
    # the dues follow the person: paid up to November in the new branch too
    assert D.paid_up_to([rows[1].id]) == {rows[1].id: date(2026, 11, 1)}


def test_an_expired_letter_is_refused_and_nothing_is_written(world):
    transfer = _issue(world, valid_until=date(2027, 1, 3))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        T.receive_transfer(world["s2"], transfer, today=date(2027, 1, 4))
    assert refused.value.code == "letter_expired" and "2027-01-03" in refused.value.message
    db.session.rollback()
    assert db.session.get(T.Transfer, transfer.id).state == "issued"
    assert db.session.scalar(select(func.count()).select_from(BranchMember)) == 1
    T.receive_transfer(world["s2"], db.session.get(T.Transfer, transfer.id), today=date(2027, 1, 3))  # last day


def test_a_letter_to_an_outside_organisation_is_closed_by_the_issuer(world):
    transfer = T.issue_transfer(world["s1"], {"member_id": world["member"].id,
                                              "to_organisation": "贵州省安顺市某村党支部"}, today=TODAY)
    T.receive_transfer(world["s1"], transfer, today=TODAY)
    assert world["member"].left_on == TODAY
    assert db.session.scalar(select(func.count()).select_from(BranchMember)) == 1


def test_a_paper_letter_in_from_outside(world):
    newcomer = make_person(None, name="陈新")
    transfer = T.issue_transfer(world["s2"], {"person_id": newcomer.id, "from_organisation": "江西省某镇党委",
                                              "to_branch_id": world["b2"].id, "issued_on": date(2026, 11, 20),
                                              "dues_paid_up_to": "2026-10"}, today=TODAY)
    assert transfer.dues_paid_up_to == date(2026, 10, 1) and transfer.valid_until == date(2027, 2, 20)
    T.receive_transfer(world["s2"], transfer, today=TODAY)
    joined = db.session.scalar(select(BranchMember).where(BranchMember.person_id == newcomer.id))
    assert joined.branch_id == world["b2"].id and joined.relationship == "transferred"
    with pytest.raises(Forbidden):  # branch 1's secretary records no letters addressed to branch 2
        T.issue_transfer(world["s1"], {"person_id": newcomer.id, "from_organisation": "某党委",
                                       "to_branch_id": world["b2"].id}, today=TODAY)


def test_simultaneous_receipts_close_the_letter_once(app, world, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race is proven on PostgreSQL")
    transfer_id, secretary_id = _issue(world).id, world["s2"].id
    db.session.commit()
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(4), [], threading.Lock()

    def attempt():
        from community.people.models import Person

        with app.app_context():
            actor, transfer = db.session.get(Person, secretary_id), db.session.get(T.Transfer, transfer_id)
            barrier.wait()
            try:
                T.receive_transfer(actor, transfer, today=TODAY)
                outcome = "received"
            except Conflict:
                outcome = "conflict"
            db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * 3 + ["received"]
    assert db.session.scalar(select(func.count()).select_from(BranchMember)) == 2


def test_the_pdf_has_the_three_parts_in_chinese(world):
    transfer = _issue(world)
    text = pdf_text(letter_pdf(transfer, status_text=T.status_text(transfer)))
    for part in ("介绍信（存根）", "中国共产党党员组织关系介绍信", "介绍信（回执）", "王芳同志系正式党员",
                 "党费交至2026年11月", "有效期至2027年3月3日", "爵溪第二流动党支部", "沿虚线剪开"):
        assert part in text, part
    assert text.count("沿虚线剪开") == 2  # two cut lines between three parts


def test_pages_issue_list_receive_and_print(client, world):
    login(client, world["s1"])
    b1, b2 = world["b1"].id, world["b2"].id
    found = client.get(f"/admin/branches/{b1}/transfers/new?q=王")
    assert "王芳" in found.text
    too_long = client.post(f"/admin/branches/{b1}/transfers/new?member={world['member'].id}",
                           data={"to_branch_id": str(b2), "valid_until": "2027-06-01"})
    assert too_long.status_code == 200 and "最长三个月" in too_long.text
    issued = client.post(f"/admin/branches/{b1}/transfers/new?member={world['member'].id}",
                         data={"to_branch_id": str(b2), "to_organisation": ""})
    assert issued.status_code == 302
    listed = client.get(f"/admin/branches/{b1}/transfers")
    assert "王芳" in listed.text and "爵溪第二流动党支部" in listed.text
    transfer = db.session.scalar(select(T.Transfer))
    pdf = client.get(f"/admin/branches/transfers/{transfer.id}.pdf")
    assert pdf.mimetype == "application/pdf" and "党费交至" in pdf_text(pdf.data)
    client.post("/logout")
    login(client, world["s2"])
    done = client.post(f"/admin/branches/transfers/{transfer.id}/receipt")
    assert done.status_code == 302
    assert "回执已登记" in client.get(done.headers["Location"]).text


def test_api_issue_list_receipt_pdf(client, world):
    s1, s2 = token_for(client, world["s1"]), token_for(client, world["s2"])
    unknown = client.post("/api/v1/transfers", headers=s1, json={"member_id": world["member"].id,
                                                                  "to_branch_id": 99999})
    assert unknown.status_code == 422 and "to_branch_id" in unknown.json["error"]["fields"]
    made = client.post("/api/v1/transfers", headers=s1, json={"member_id": world["member"].id,
                                                               "to_branch_id": world["b2"].id})
    assert made.status_code == 201 and made.json["dues_paid_up_to"] == "2026-11" and made.json["state"] == "issued"
    out = client.get(f"/api/v1/branches/{world['b1'].id}/transfers?direction=out", headers=s1).json
    assert out["total"] == 1 and out["items"][0]["person_name"] == "王芳"
    assert client.get(f"/api/v1/transfers/{made.json['id']}.pdf", headers=s1).mimetype == "application/pdf"
    closed = client.post(f"/api/v1/transfers/{made.json['id']}/receipt", headers=s2)
    assert closed.status_code == 200 and closed.json["state"] == "received"
    outsider = make_person(None, name="外人")
    assert client.get(f"/api/v1/transfers/{made.json['id']}.pdf",
                      headers=token_for(client, outsider)).status_code == 404


def test_an_unknown_letter_is_404(world):
    with pytest.raises(NotFound):
        T.get_transfer(world["s1"], 424242)


def test_the_page_records_a_paper_letter_in_with_the_person_picker(client, world):
    from datetime import timedelta

    from community.places.models import Community

    newcomer = make_person(db.session.get(Community, world["wang"].community_id), name="陈新来")
    login(client, world["s2"])
    b2, today = world["b2"].id, date.today()
    assert client.get(f"/admin/branches/{b2}/transfers/incoming").status_code == 200
    late = client.post(f"/admin/branches/{b2}/transfers/incoming", data={
        "person": "陈新来", "from_organisation": "江西省某镇党委", "issued_on": str(today - timedelta(days=100))})
    assert late.status_code == 200 and "过期" in late.text and 'value="江西省某镇党委"' in late.text
    assert db.session.scalar(select(func.count()).select_from(T.Transfer)) == 0  # nothing written
    missing = client.post(f"/admin/branches/{b2}/transfers/incoming", data={"person": "陈新来"})
    assert missing.status_code == 200 and "请填写开具介绍信的党组织名称" in missing.text
    done = client.post(f"/admin/branches/{b2}/transfers/incoming", data={
        "person": "陈新来", "from_organisation": "江西省某镇党委", "issued_on": str(today - timedelta(days=20)),
        "dues_paid_up_to": "2026-10"})
    assert done.status_code == 302
    letter = db.session.scalar(select(T.Transfer))
    assert letter.person_id == newcomer.id and letter.valid_until == T.latest_validity(today - timedelta(days=20))
    assert "陈新来" in client.get(done.headers["Location"]).text
