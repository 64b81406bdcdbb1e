"""`flask backup` / `flask restore`: a round trip gives back every table row by row, also encrypted, and the
election's integrity check passes after it; a damaged, wrong-key or foreign file and a full disk are refused
with a message, leaving the database as it was. (Here beside the elections for their counted ballots.)"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text

from app import db
from community import backup, integrity
from community.database import utcnow
from community.elections.models import Ballot, Election
from community.elections.services import tally, voting
from community.people.models import Person
from tests.community.elections.conftest import count, make_voting


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key."""
    rows = {}
    for table in db.metadata.sorted_tables:
        order = [c for c in table.primary_key.columns] or list(table.columns)
        rows[table.name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order))]
    return rows


@pytest.fixture
def counted(community):
    election, voters, (a, b, c) = make_voting(community, seats=2, n_voters=5)
    for voter, chosen in zip(voters, [[a, b], [a, b], [a, c], [b], [c]], strict=True):
        voting.cast_ballot(voter, election, [x.id for x in chosen])
    count(election)
    db.session.commit()
    return election.id


def _damage_and_restore(app, runner, path: Path, key: str = "") -> None:
    before = snapshot()
    assert sum(map(len, before.values())) > 50
    db.session.execute(delete(Ballot).where(Ballot.id == db.session.scalar(select(Ballot.id).limit(1))))
    db.session.add(Person(name="恢复后不应存在", phone="13900000999", hukou_place=""))
    db.session.commit()
    assert snapshot() != before
    db.session.remove()
    app.config["BACKUP_KEY"] = key
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output
    assert snapshot() == before


@pytest.mark.parametrize("key", ["", backup.generate_key()], ids=["plain", "encrypted"])
def test_a_round_trip_gives_back_every_row_and_the_tally_verifies(app, runner, counted, tmp_path, key):
    app.config["BACKUP_KEY"] = key
    assert integrity.seal(utcnow() + timedelta(hours=1))["audit_entry"] > 0
    path = tmp_path / "b.backup"
    result = runner.invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    head = path.read_bytes()[:80]
    assert head.startswith(b"TONGXIN-BACKUP 1 " + db.engine.dialect.name.encode())
    if key:  # encrypted at rest: no name of a person readable in the file
        assert b"fernet" in head and "选民".encode() not in path.read_bytes()
    _damage_and_restore(app, runner, path, key)
    election = db.session.get(Election, counted)
    assert tally.verify(election) == [] and integrity.check() == []  # the chains and the recount, after it
    assert db.session.scalar(text("SELECT count(*) FROM person WHERE phone = '13900000999'")) == 0


def test_a_wrong_key_a_cut_file_and_a_foreign_file_are_refused_and_change_nothing(app, runner, counted, tmp_path):
    app.config["BACKUP_KEY"] = backup.generate_key()
    path = tmp_path / "b.backup"
    assert runner.invoke(args=["backup", "-o", str(path)]).exit_code == 0
    before = snapshot()
    db.session.remove()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(path.read_bytes()[:-10])
    foreign = tmp_path / "foreign.backup"
    foreign.write_bytes(b"SQLite format 3\x00 something else")
    other_key = backup.generate_key()
    cases = [(path, other_key, "密钥不对"), (path, "", "备份已加密"), (cut, app.config["BACKUP_KEY"], "损坏"),
             (foreign, "", "不是同心圆的备份文件")]
    for file, key, says in cases:
        app.config["BACKUP_KEY"] = key
        result = runner.invoke(args=["restore", str(file), "--yes"])
        assert result.exit_code != 0 and says in result.output, (file.name, result.output)
        assert "Traceback" not in result.output
        assert snapshot() == before


def test_a_full_disk_is_reported_and_leaves_no_backup_that_looks_whole(app, runner, counted, tmp_path):
    result = runner.invoke(args=["backup", "--output", "/dev/full"])
    assert result.exit_code != 0 and "磁盘已满" in result.output, result.output
    # A file cut short by a failure is never left under the backup's name.
    app.config["BACKUP_KEY"] = "not a key"
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "x.backup")])
    assert result.exit_code != 0 and "密钥格式不对" in result.output
    assert not list(tmp_path.iterdir())
