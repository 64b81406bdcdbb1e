"""`flask bench-data` (community/bench_data.py) at a small scale, on both databases: the shape, the derived
columns as the app computes them, consistent ledger totals and tallies (`flask integrity check`), every
foreign key pointing at a row, and the refusal of a database holding real data."""
from __future__ import annotations

from sqlalchemy import func, select, text

from app import db
from community.discussions.models import Request, Support
from community.elections.models import Ballot, Election
from community.people import identity
from community.people.models import Person
from community.people.pinyin import name_key
from tests.factories import make_person

SCALE = "0.0005"  # 500 people, 2,500 ledger entries, 100 requests, 500 reminders


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _orphans() -> list[str]:
    """Foreign keys naming no row (PostgreSQL's load skips the per-row checks, so look)."""
    found = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            missing = db.session.scalar(text(
                f'SELECT count(*) FROM "{table.name}" c WHERE c."{child.name}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent.table.name}" p WHERE p."{parent.name}" = c."{child.name}")'))
            if missing:
                found.append(f"{table.name}.{child.name}: {missing}")
    return found


def test_bench_data_makes_the_city_shape_at_a_small_scale(runner):
    result = runner.invoke(args=["bench-data", "--scale", SCALE])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert "bench data ready" in last and "person 504" in last and "ledger_entry 2500" in last
    assert _count(Person) == 504
    assert db.session.scalar(select(func.count(func.distinct(Person.phone)))) == 504
    from volunteers.ledger import LedgerEntry, PointsAccount, PointsPeriod

    assert _count(LedgerEntry) == 2500
    assert db.session.scalar(select(func.sum(PointsAccount.balance))) == db.session.scalar(
        select(func.sum(LedgerEntry.amount)))
    months = select(func.sum(PointsPeriod.earned)).where(func.length(PointsPeriod.period) == 7)
    assert db.session.scalar(months) == db.session.scalar(select(func.sum(LedgerEntry.amount)))
    assert _count(Request) == 100 and _count(Support) == db.session.scalar(select(func.sum(Request.support_count)))
    from community.reminders.models import Reminder

    assert _count(Reminder) == 500
    from branches.models import Branch, BranchMember

    assert (_count(Branch), _count(BranchMember)) == (2, 25)
    # Derived columns exactly as the app writes them.
    for person in db.session.scalars(select(Person).order_by(Person.id).limit(50)):
        assert person.name_key == name_key(person.name)
        number = identity.decrypt_id_number(person.id_number_cipher)
        assert identity.id_number_problem(number) is None
        assert person.id_number_digest == identity.digest_id_number(number)
        assert person.gender == identity.gender_of(number)
    counted = db.session.scalar(select(Election).where(Election.status == "published"))
    assert counted is not None and _count(Ballot) > 0
    assert db.session.scalar(select(Election.status).where(Election.id != counted.id)) == "voting"
    assert _orphans() == []
    db.session.remove()
    check = runner.invoke(args=["integrity", "check"])
    assert check.exit_code == 0, check.output


def test_bench_data_refuses_real_data_unless_forced(runner):
    real_id = make_person(name="王真实", phone="13912340000").id
    db.session.commit()
    refused = runner.invoke(args=["bench-data", "--scale", SCALE])
    assert refused.exit_code == 1
    assert "--force" in refused.output and "未写入任何数据" in refused.output
    db.session.remove()
    assert _count(Person) == 1
    forced = runner.invoke(args=["bench-data", "--scale", SCALE, "--force"])
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    assert db.session.get(Person, real_id).phone != "13912340000" and _count(Person) == 504


def test_bench_data_loads_again_over_its_own_data(runner):
    assert runner.invoke(args=["bench-data", "--scale", SCALE]).exit_code == 0
    db.session.remove()
    again = runner.invoke(args=["bench-data", "--scale", SCALE])
    assert again.exit_code == 0, again.output
    db.session.remove()
    assert _count(Person) == 504
