"""Party dues: every boundary of the bracket table in exact decimals, payments covering months, a month paid
once (also by simultaneous requests, on PostgreSQL), arrears per branch, bad income refused beside the field,
the pages, the .xlsx, the API and the monthly reminders."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import db
from branches import dues as D
from branches.dues_reminders import MEMBER_KIND, SECRETARY_KIND, remind_dues
from branches.models import Branch, BranchMember
from community.errors import Conflict, Forbidden, Invalid
from community.reminders.models import Reminder
from tests.factories import count_statements, grant, login, make_community, make_person, make_street, token_for

TODAY = date(2026, 12, 3)


@pytest.fixture
def branch():
    """Branch 1 of street 1 with members 王芳 and 李强 (joined in September 2026) and its secretary; branch 2
    with its own secretary."""
    street = make_street("爵溪街道")
    community = make_community(street, "东门社区")
    b1 = Branch(street_id=street.id, name="爵溪第一流动党支部")
    b2 = Branch(street_id=street.id, name="爵溪第二流动党支部")
    db.session.add_all([b1, b2])
    db.session.commit()
    people = {name: make_person(community, name=name) for name in ("王芳", "李强", "书记", "二支书记")}
    members = {}
    for name in ("王芳", "李强"):
        members[name] = BranchMember(branch_id=b1.id, person_id=people[name].id, joined_branch_on=date(2026, 9, 15))
        db.session.add(members[name])
    db.session.commit()
    grant(people["书记"], "secretary", "branch", b1.id)
    grant(people["二支书记"], "secretary", "branch", b2.id)
    return {"b1": b1, "b2": b2, "secretary": people["书记"], "other_secretary": people["二支书记"], **members}


@pytest.mark.parametrize("income, expected", [
    ("2999.99", "15.00"),     # 0.5 % (14.99995 rounds half up)
    ("3000.00", "15.00"),     # ≤3000 includes 3000.00: 0.5 %
    ("3000.01", "30.00"),     # 1 %
    ("5000.00", "50.00"),     # 1 %
    ("5000.01", "75.00"),     # 1.5 % (75.00015)
    ("10000.00", "150.00"),   # 1.5 %
    ("10000.01", "200.00"),   # 2 % (200.0002)
    ("1", "0.01"),            # 0.005 rounds half up to one fen
    ("4321.57", "43.22"),     # 43.2157
])
def test_bracket_boundaries_in_exact_decimals(income, expected):
    amount = D.monthly_dues("employed", D.parse_income(income))
    assert isinstance(amount, Decimal) and amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize("income, expected", [("5000.00", "25.00"), ("5000.01", "50.00"), ("1200", "6.00")])
def test_retirees_pay_half_a_percent_up_to_5000_and_one_percent_above(income, expected):
    assert D.monthly_dues("retired", D.parse_income(income)) == Decimal(expected)


@pytest.mark.parametrize("category", ["farmer", "student", "unemployed"])
def test_farmers_students_and_unemployed_pay_a_fixed_20_fen(category):
    assert D.monthly_dues(category, None) == Decimal("0.20")
    assert D.monthly_dues(category, Decimal("8000")) == Decimal("0.20")  # their income does not count


def test_a_farmer_may_choose_up_to_one_yuan():
    assert D.monthly_dues("farmer", chosen="1.00") == Decimal("1.00")
    assert D.monthly_dues("farmer", chosen="0.50") == Decimal("0.50")
    for too_much in ("1.01", "0.19"):
        with pytest.raises(Invalid) as refused:
            D.monthly_dues("farmer", chosen=too_much)
        assert "chosen_amount" in refused.value.fields
    assert D.monthly_dues("student", chosen="1.00") == Decimal("0.20")  # only farmers choose


@pytest.mark.parametrize("bad", ["-1", "abc", "", "1e3x", "NaN", "Infinity", "12.345", "1" * 12])
def test_negative_or_non_numeric_income_is_refused_beside_the_field(bad):
    with pytest.raises(Invalid) as refused:
        D.parse_income(bad)
    assert "monthly_income" in refused.value.fields


def test_a_float_is_read_through_its_text_never_its_binary_value():
    assert D.parse_income(3000.01) == Decimal("3000.01")
    assert D.monthly_dues("employed", D.parse_income(3000.01)) == Decimal("30.00")


def test_no_income_as_employed_is_refused_with_the_way_out():
    with pytest.raises(Invalid) as refused:
        D.monthly_dues("employed", Decimal("0"))
    assert "下岗失业" in refused.value.message


def test_a_quarterly_payment_covers_three_months_and_moves_paid_up_to(branch):
    payment = D.record_payment(branch["secretary"], branch["王芳"], category="employed", monthly_income="4500",
                               first_month="2026-10", months=3, paid_on=TODAY)
    assert payment.monthly_amount == Decimal("45.00") and payment.total == Decimal("135.00")
    months = db.session.scalars(select(D.DuesMonth.month).order_by(D.DuesMonth.month)).all()
    assert months == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    ups = D.paid_up_to([branch["王芳"].id, branch["李强"].id])
    assert ups == {branch["王芳"].id: date(2026, 12, 1), branch["李强"].id: None}


def test_a_month_is_never_paid_twice_and_nothing_is_half_written(branch):
    D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-11")
    with pytest.raises(Conflict):  # the quarter Oct–Dec contains November
        D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-10", months=3)
    assert db.session.scalar(select(func.count()).select_from(D.DuesMonth)) == 1
    assert db.session.scalar(select(func.count()).select_from(D.DuesPayment)) == 1


def test_the_database_refuses_a_zero_or_negative_amount(branch):
    from sqlalchemy.exc import IntegrityError

    payment = D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-11")
    db.session.commit()
    payment.total = Decimal("-0.20")
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_another_branch_secretary_may_not_record(branch):
    with pytest.raises(Forbidden):
        D.record_payment(branch["other_secretary"], branch["王芳"], category="student", first_month="2026-11")


def test_arrears_list_who_owes_which_months(branch):
    D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-09", months=3)
    owing = D.arrears(branch["b1"].id, TODAY)
    assert [(a.name, a.months) for a in owing] == [
        ("李强", [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)])]  # from the month joined, before Dec
    status = {s.name: s for s in D.dues_status(branch["b1"].id, TODAY)}
    assert status["王芳"].owes_this_month and status["王芳"].paid_up_to == date(2026, 11, 1)


def test_arrears_are_one_query_for_any_number_of_members(branch, app):
    from sqlalchemy import event

    branch_id, member_ids = branch["b1"].id, [branch["王芳"].id, branch["李强"].id]
    statements = []
    listener = lambda _c, _cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        D.arrears(branch_id, TODAY)
        D.paid_up_to(member_ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2, statements


def test_simultaneous_payments_of_the_same_month_record_one(app, branch, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race is proven on PostgreSQL")
    secretary_id, member_id = branch["secretary"].id, branch["王芳"].id
    db.session.close()
    barrier, outcomes, lock = threading.Barrier(6), [], threading.Lock()

    def attempt(first_month):
        from community.people.models import Person

        with app.app_context():
            actor, member = db.session.get(Person, secretary_id), db.session.get(BranchMember, member_id)
            barrier.wait()
            try:
                D.record_payment(actor, member, category="student", first_month=first_month, months=3)
                outcome = "paid"
            except Conflict:
                outcome = "conflict"
            db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(m,)) for m in ("2026-10", "2026-11", "2026-12") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * 5 + ["paid"]
    assert db.session.scalar(select(func.count()).select_from(D.DuesMonth)) == 3


def test_pages_record_a_quarter_show_arrears_and_export_the_month(client, branch):
    login(client, branch["secretary"])
    b1 = branch["b1"].id
    page = client.get(f"/admin/branches/{b1}/dues")
    assert page.status_code == 200 and "李强" in page.text
    bad = client.post(f"/admin/branches/{b1}/dues/members/{branch['王芳'].id}/pay",
                      data={"category": "employed", "monthly_income": "-5", "first_month": "2026-10", "months": "3"})
    assert bad.status_code == 200 and "不能为负数" in bad.text and 'value="-5"' in bad.text  # beside, kept
    done = client.post(f"/admin/branches/{b1}/dues/members/{branch['王芳'].id}/pay",
                       data={"category": "employed", "monthly_income": "4500", "first_month": "2026-10",
                             "months": "3"})
    assert done.status_code == 302
    listed = client.get(done.headers["Location"])
    assert "135.00" in listed.text and "2026年12月" in listed.text
    started = client.post(f"/admin/branches/{b1}/dues/export?month=2026-12")  # on the task queue
    assert started.status_code == 302 and "/dues/jobs/" in started.headers["Location"]
    job_page = client.get(started.headers["Location"])
    assert job_page.status_code == 200 and "下载表格" in job_page.text
    export = client.get(started.headers["Location"] + ".xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "王芳" and Decimal(str(rows[2][2])) == Decimal("45.00")
    assert client.get(f"/admin/branches/{branch['b2'].id}/dues").status_code == 403


def test_the_dues_list_runs_a_fixed_number_of_statements(client, branch, monkeypatch):
    from branches import dues_views

    monkeypatch.setattr(dues_views, "PER_PAGE", 10)  # several pages at 32 members
    login(client, branch["secretary"])
    few, _ = count_statements(client, f"/admin/branches/{branch['b1'].id}/dues")
    community_id = branch["secretary"].community_id
    from community.places.models import Community

    for n in range(30):
        person = make_person(db.session.get(Community, community_id), name=f"党员{n:02d}")
        db.session.add(BranchMember(branch_id=branch["b1"].id, person_id=person.id))
    db.session.commit()
    many, _ = count_statements(client, f"/admin/branches/{branch['b1'].id}/dues")
    assert many == few
    last = client.get(f"/admin/branches/{branch['b1'].id}/dues?page=4")
    assert last.status_code == 200 and "4 / 4" in last.text


def test_api_records_lists_and_refuses(client, branch):
    headers = token_for(client, branch["secretary"])
    b1 = branch["b1"].id
    made = client.post(f"/api/v1/branches/{b1}/dues", headers=headers, json={
        "member_id": branch["王芳"].id, "category": "employed", "monthly_income": "3000.00", "first_month": "2026-12"})
    assert made.status_code == 201 and made.json["monthly_amount"] == "15.00" and made.json["first_month"] == "2026-12"
    again = client.post(f"/api/v1/branches/{b1}/dues", headers=headers, json={
        "member_id": branch["王芳"].id, "category": "student", "first_month": "2026-12"})
    assert again.status_code == 409
    bad = client.post(f"/api/v1/branches/{b1}/dues", headers=headers, json={
        "member_id": branch["李强"].id, "category": "employed", "monthly_income": "abc", "first_month": "2026-12"})
    assert bad.status_code == 400 and "monthly_income" in bad.json["error"]["fields"]
    listed = client.get(f"/api/v1/branches/{b1}/dues?month=2026-12", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["amount"] == "15.00" and listed["items"][0]["name"] == "王芳"
    owed = client.get(f"/api/v1/branches/{b1}/arrears", headers=headers).json
    assert "李强" in [item["name"] for item in owed["items"]]
    other = token_for(client, branch["other_secretary"])
    assert client.get(f"/api/v1/branches/{b1}/arrears", headers=other).status_code == 403


def test_monthly_reminders_to_members_who_have_not_paid_and_secretaries(branch):
    D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-09", months=3)
    D.record_payment(branch["secretary"], branch["王芳"], category="student", first_month="2026-12")
    db.session.commit()
    now = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
    created = remind_dues(now)
    assert created == {MEMBER_KIND: 1, SECRETARY_KIND: 1}
    to_member = db.session.scalar(select(Reminder).where(Reminder.kind == MEMBER_KIND))
    assert to_member.recipient_id == branch["李强"].person_id
    to_secretary = db.session.scalar(select(Reminder).where(Reminder.kind == SECRETARY_KIND))
    assert to_secretary.recipient_id == branch["secretary"].id
    assert to_secretary.payload["items"][0]["names"] == ["李强"]
    assert remind_dues(now) == {MEMBER_KIND: 0, SECRETARY_KIND: 0}  # a second run adds nothing


def test_the_scheduler_lists_the_monthly_dues_job(app):
    from community.reminders.scheduler import build_scheduler

    job = build_scheduler(app, "test").get_job("branches.dues_reminders")
    assert job is not None and "day='20'" in str(job.trigger)


def test_the_month_export_is_a_job_only_its_maker_opens(app, client, branch):
    login(client, branch["secretary"])
    started = client.post(f"/admin/branches/{branch['b1'].id}/dues/export?month=2026-12")
    job_url = started.headers["Location"]
    from community.background import get_progress

    progress = get_progress(job_url.rsplit("/", 1)[1], owner_id=branch["secretary"].id)
    assert progress["kind"] == "branches.dues_export" and progress["state"] == "done"
    other = app.test_client()
    login(other, branch["other_secretary"])
    assert other.get(job_url).status_code == 404 and other.get(job_url + ".xlsx").status_code == 404
    assert other.post(f"/admin/branches/{branch['b1'].id}/dues/export").status_code == 403
