"""`flask reminders run-due [--now ISO8601]` and `flask reminders digest [--now …]`: one pass by hand."""
from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from community.database import parse_local


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_local(datetime.fromisoformat(value))  # naive: Asia/Shanghai
    except ValueError:
        raise click.BadParameter("ISO 8601, e.g. 2026-12-03T09:00 (Asia/Shanghai) / 时间格式不对",
                                 param_hint="--now") from None


def register(app: Flask) -> None:
    """Add the `reminders` command group to `flask`."""
    group = AppGroup("reminders", help="Reminders: send what is due now (the scheduler does it every minute).")

    @group.command("run-due")
    @click.option("--now", "now", help="Pretend it is this time (ISO 8601; without a zone: Asia/Shanghai).")
    def run_due_command(now: str | None):
        """Send the reminders due now, once each; print what happened."""
        from community.reminders.dispatch import run_due

        counts = run_due(_moment(now))
        click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))

    @group.command("digest")
    @click.option("--now", "now", help="Pretend it is this time (ISO 8601; without a zone: Asia/Shanghai).")
    def digest_command(now: str | None):
        """Schedule today's approvals digest (on a Chinese working day; once a day), e.g. after the scheduler
        was down at 09:00; the next run-due sends it."""
        from community.reminders.digest import approvals_digest

        click.echo(f"scheduled={approvals_digest(_moment(now))}")

    app.cli.add_command(group)
