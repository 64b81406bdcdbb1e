"""Command line: `flask create-admin`, `flask seed-demo`, `flask worker` (the background-job consumer),
`flask backup` and `flask restore`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app import db
from community.accounts.services import generate_password, hash_password, password_problem
from community.audit.services import record
from community.database import transactional, unit_of_work
from community.people.identity import PHONE_PATTERN, normalise_phone
from community.people.models import Person
from community.places.models import Street
from community.registry import registry
from community.roles.models import RoleGrant


@transactional
def make_admin(phone: str, password: str, name: str = "平台管理员") -> Person:
    """Create (or promote) a platform administrator."""
    person = db.session.scalar(select(Person).where(Person.phone == phone))
    if person is None:
        person = Person(name=name, phone=phone, hukou_place="")
        db.session.add(person)
    person.password_hash = hash_password(password)
    person.must_change_password = False
    db.session.flush()
    has_role = db.session.scalar(select(RoleGrant.id).where(RoleGrant.person_id == person.id,
                                                            RoleGrant.role == "platform_admin"))
    if not has_role:
        db.session.add(RoleGrant(person_id=person.id, role="platform_admin", scope_type="platform", scope_id=0))
    record(None, "account.create_admin", person, summary=name)  # the command line: no signed-in actor
    return person


def register(app: Flask) -> None:
    """Add the commands to `flask`."""

    @app.cli.command("create-admin")
    @click.argument("phone")
    @click.option("--password", help="Without it, you are asked for one.")
    @click.option("--name", default="平台管理员", show_default=True)
    def create_admin(phone: str, password: str | None, name: str):
        """Create the first platform administrator (or make an existing person one)."""
        phone = normalise_phone(phone)
        if not PHONE_PATTERN.match(phone):
            raise click.BadParameter("手机号应为 11 位，以 1 开头 / an 11-digit mobile number", param_hint="PHONE")
        if password is None:
            password = click.prompt("密码 Password", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password, phone)
        if problem:
            raise click.BadParameter(str(problem), param_hint="--password")
        person = make_admin(phone, password, name)
        click.echo(f"平台管理员已就绪 / platform administrator ready: {person.phone} (id {person.id})")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Fill an empty database with the Juexi street demo and print the demo login."""
        login_file = Path(current_app.instance_path) / "demo_login.txt"
        if db.session.scalar(select(Street.id).limit(1)) is not None:
            click.echo("数据库已有数据，跳过演示数据 / database not empty, demo data skipped.")
            if login_file.exists():
                click.echo(login_file.read_text())
            return
        from community.demo import seed_places_and_people

        password = generate_password()
        with unit_of_work():  # the whole demo, or nothing
            context = seed_places_and_people(password)
            for step in registry().demo_steps:
                step(context)
            text = (f"演示管理员 Demo administrator — 手机号 phone: {context['admin'].phone}  "
                    f"密码 password: {password}\n"
                    f"演示账号（同一密码）Other demo accounts (same password): "
                    + ", ".join(f"{label} {p.phone}" for label, p in context["demo_logins"]))
        db.session.close()  # hold no transaction (SQLite: no write lock) after the command
        login_file.write_text(text + "\n")
        login_file.chmod(0o600)
        click.echo(f"已生成演示数据 / demo data ready: {context['people_count']} people.")
        click.echo(text)

    @app.cli.command("worker")
    @click.option("--workers", "-w", default=2, show_default=True, help="Jobs run at the same time.")
    @click.option("--worker-type", "-k", type=click.Choice(["thread", "process"]), default="thread",
                  show_default=True, help="Threads, or processes (each opens its own database connections).")
    def worker(workers: int, worker_type: str):
        """Run the background-job consumer (imports, exports) until Ctrl-C; finishes running jobs first."""
        import logging

        from community.background import task_queue

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        queue = task_queue()
        if queue.immediate:
            raise click.UsageError("BACKGROUND_SYNC is set: jobs run inside the requests, there is nothing to consume.")
        db.session.remove()
        db.engine.dispose()  # workers open their own connections
        kind = {"thread": ("线程", "thread"), "process": ("进程", "process")}[worker_type]
        click.echo(f"同心圆任务队列 / worker: {type(queue).__name__} ({type(queue.storage).__name__}), "
                   f"{workers} 个{kind[0]} / {workers} {kind[1]}{'' if workers == 1 else 's'}. "
                   "按 Ctrl-C 停止 / Ctrl-C to stop.")
        queue.create_consumer(workers=workers, worker_type=worker_type, periodic=False).run()

    _backup_commands(app)


def _backup_commands(app: Flask) -> None:
    """`flask backup` and `flask restore` (community/backup.py)."""
    from community import backup

    @app.cli.command("backup")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write it (default: instance/backups/tongxin-<engine>-<time>.backup).")
    @click.option("--generate-key", is_flag=True, help="Print a new key for BACKUP_KEY and stop.")
    def backup_command(output: Path | None, generate_key: bool):
        """Back the database up (encrypted when BACKUP_KEY is set)."""
        if generate_key:
            click.echo(backup.generate_key())
            return
        key = current_app.config.get("BACKUP_KEY")
        try:
            written = backup.create_backup(output or backup.default_output(), key)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"备份已写入 / backup written: {written} ({written.stat().st_size if written.is_file() else 0} "
                   f"bytes, {'已加密 / encrypted' if key else '未加密 / not encrypted: set BACKUP_KEY'})")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
    def restore_command(path: Path, yes: bool):
        """Replace the whole database with a backup (all or nothing)."""
        try:
            engine, encrypted = backup.read_header(path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        if not yes:
            click.confirm(f"用 {path.name} 替换当前数据库的全部内容？/ Replace everything in the database with "
                          f"{path.name}?", abort=True)
        try:
            backup.restore_backup(path, current_app.config.get("BACKUP_KEY"))
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"已恢复 / restored: {path} ({engine}{', encrypted' if encrypted else ''})")
