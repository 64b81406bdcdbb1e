"""Integrity you can verify: `flask integrity seal` and `flask integrity check`.

Append-only tables that packages register (`reg.sealed_table`: the audit log here, the points ledger in
volunteers) are sealed in batches into a hash chain: each `IntegritySeal` row holds the HMAC-SHA256 of the
previous seal's chain value and every row of its id range, keyed with a key derived from the app's secret,
so whoever can write to the database but does not hold the key cannot re-seal what they changed. Sealing
runs on the task queue every 10 minutes for rows older than `INTEGRITY_SEAL_MARGIN` (600 s), so that a
transaction still open cannot commit a row into a range already sealed. `check` recomputes the chain (rows
changed, deleted or slipped in afterwards are named by range) and runs the packages' own checks
(`reg.integrity_check`: the elections' recount of every counted round, the ledger's balances).
Nothing here needs to be fast in a request: it runs from the command line or the task queue.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from community.database import UTCDateTime, unit_of_work, utcnow
from community.registry import registry

BATCH = 5000  # rows read at a time while sealing or checking


class IntegritySeal(db.Model):
    """One sealed batch of a table's rows: ids (after_id, last_id], their count and the chain value after them."""

    __tablename__ = "integrity_seal"
    __table_args__ = (UniqueConstraint("table_name", "after_id"),)  # two sealers at once: one wins
    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    after_id: Mapped[int] = mapped_column(BigInteger)
    last_id: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(Integer)
    chain: Mapped[str] = mapped_column(String(64))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_seal.id"), unique=True)
    sealed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


def _key() -> bytes:
    secret = current_app.config.get("INTEGRITY_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), b"integrity-chain", hashlib.sha256).digest()


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes):
        return value.hex()
    return value


def _rows(table, after_id: int, last_id: int):
    statement = select(table).where(table.c.id > after_id, table.c.id <= last_id).order_by(table.c.id)
    for row in db.session.execute(statement.execution_options(yield_per=BATCH)):
        yield json.dumps([_value(v) for v in row], ensure_ascii=False, sort_keys=True, default=str).encode()


def _chain(previous: str, table, after_id: int, last_id: int) -> tuple[str, int]:
    mac, count = hmac.new(_key(), previous.encode(), hashlib.sha256), 0
    for line in _rows(table, after_id, last_id):
        mac.update(len(line).to_bytes(4, "big") + line)
        count += 1
    return mac.hexdigest(), count


def _last_seal(name: str) -> IntegritySeal | None:
    return db.session.scalar(select(IntegritySeal).where(IntegritySeal.table_name == name)
                             .order_by(IntegritySeal.last_id.desc()).limit(1))


def seal(now: datetime | None = None) -> dict[str, int]:
    """Seal each registered table's rows older than the margin; returns rows sealed per table."""
    now = now or utcnow()
    margin = timedelta(seconds=int(current_app.config.get("INTEGRITY_SEAL_MARGIN", 600)))
    sealed = {}
    for name, (table, _label) in registry().sealed_tables.items():
        try:
            with unit_of_work():
                last = _last_seal(name)
                after = last.last_id if last else 0
                upto = db.session.scalar(select(func.max(table.c.id)).where(
                    table.c.id > after, table.c.created_at < now - margin))
                if upto is None:
                    sealed[name] = 0
                    continue
                chain, count = _chain(last.chain if last else "", table, after, upto)
                db.session.add(IntegritySeal(table_name=name, after_id=after, last_id=upto, rows=count, chain=chain,
                                             previous_id=last.id if last else None, sealed_at=now))
                sealed[name] = count
        except IntegrityError:  # another sealer took this range at the same moment
            sealed[name] = 0
    return sealed


def seal_task(_job_id, now_iso: str | None = None) -> None:
    """The scheduled job (queued with the time, run as every task is: job id first): seal what is old enough."""
    seal(datetime.fromisoformat(now_iso) if now_iso else None)


def check() -> list[str]:
    """Every problem found: broken chains, then the packages' own checks. Empty when all is sound."""
    problems = []
    for name, (table, label) in registry().sealed_tables.items():
        previous, after = "", 0
        seals = db.session.scalars(select(IntegritySeal).where(IntegritySeal.table_name == name)
                                   .order_by(IntegritySeal.last_id)).all()
        for one in seals:
            if one.after_id != after:
                problems.append(f"{label}：封存记录不连续（{after} 之后）/ {name}: seals do not follow on "
                                f"after id {after}")
            chain, count = _chain(previous, table, one.after_id, one.last_id)
            if chain != one.chain:
                span = f"{one.after_id + 1}–{one.last_id}"
                problems.append(f"{label}：第 {span} 条在 {one.sealed_at:%Y-%m-%d %H:%M} 封存后被改动（封存时 "
                                f"{one.rows} 条，现在 {count} 条）/ {name}: rows {span} changed after they were "
                                f"sealed ({one.rows} then, {count} now)")
            previous, after = one.chain, one.last_id
    for _name, (label, run) in registry().integrity_checks.items():
        problems.extend(f"{label}：{problem}" for problem in run())
    return problems


def register(app: Flask) -> None:
    """The audit log sealed, the sealing job and the `flask integrity` commands."""
    from flask_babel import lazy_gettext as _l

    from community.audit.models import AuditEntry

    reg = registry(app)
    reg.sealed_table(AuditEntry.__table__, _l("Audit log"))
    reg.task("integrity.seal", seal_task)
    reg.scheduled_job("integrity.seal", minute="*/10")
    group = AppGroup("integrity", help="Seal the append-only tables and check stored data against them.")

    @group.command("seal")
    def seal_command():
        """Seal the rows old enough to seal (the scheduler does it every 10 minutes)."""
        for name, count in seal().items():
            click.echo(f"{name}: 封存 {count} 条 / {count} rows sealed")

    @group.command("check")
    def check_command():
        """Recompute the chains and run every integrity check; exit 1 if anything differs."""
        problems = check()
        for problem in problems:
            click.echo(f"✗ {problem}")
        if problems:
            raise click.exceptions.Exit(1)
        click.echo("✓ 数据完整，未发现差异 / all checks passed")

    app.cli.add_command(group)
