"""Backups: `flask backup` and `flask restore`, for SQLite and PostgreSQL, encrypted where a key is set.

SQLite is copied with its online backup API (a consistent copy while the app runs); PostgreSQL with
`pg_dump --format=custom` and brought back with `pg_restore --clean --single-transaction`, so a restore
either replaces everything or changes nothing. A backup file starts with one line saying what it holds
(``TONGXIN-BACKUP 1 <engine> <plain|fernet>``); an encrypted body is a sequence of Fernet tokens of at most
4 MiB of plaintext each (cryptography's Fernet: AES-128-CBC with HMAC-SHA256), each carrying its position
and whether it is the last, so a file cut short, reordered or spliced is refused instead of restored.
A file is written beside its final name and renamed when complete: a full disk leaves no half backup
that looks whole.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy.engine import make_url

from app import db

MAGIC = b"TONGXIN-BACKUP 1"
CHUNK = 4 * 1024 * 1024
_FRAME = struct.Struct(">QB")  # inside each token: its position, and 1 on the last


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why, in Chinese and English."""


def generate_key() -> str:
    """A new key for BACKUP_KEY."""
    return Fernet.generate_key().decode()


def _fernet(key: str | None) -> Fernet | None:
    if not key:
        return None
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as error:
        raise BackupError("备份密钥格式不对（应为 `flask backup --generate-key` 生成的密钥）/ "
                          "BACKUP_KEY is not a valid key") from error


def _engine_name() -> str:
    return db.engine.dialect.name


def _libpq_url() -> str:
    return make_url(db.engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_file() -> str:
    return make_url(db.engine.url).database


def _disk_problem(error: OSError, path: Path) -> BackupError:
    reason = "磁盘已满" if error.errno == 28 else (error.strerror or str(error))
    return BackupError(f"无法写入 {path}：{reason} / cannot write {path}: {error.strerror or error}")


# ------------------------------------------------------------------------------------------------- backup
def create_backup(output: Path, key: str | None = None) -> Path:
    """Write a backup of the app's database to `output` (encrypted with `key` if given); returns the path."""
    fernet = _fernet(key)
    engine = _engine_name()
    with tempfile.TemporaryDirectory(prefix="tongxin-backup-") as work:
        raw = Path(work) / "db"
        if engine == "sqlite":
            _copy_sqlite(_sqlite_file(), str(raw))
        elif engine == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={raw}",
                  f"--dbname={_libpq_url()}"], "pg_dump")
        else:
            raise BackupError(f"不支持的数据库 / unsupported database: {engine}")
        _write(output, raw, engine, fernet)
    return output


def _copy_sqlite(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # the online backup API: a consistent copy while others write
    except sqlite3.Error as error:
        raise BackupError(f"SQLite 备份失败 / SQLite backup failed: {error}") from error
    finally:
        src.close()
        dst.close()


def _run(command: list[str], name: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {name}（请安装 postgresql-client）/ {name} not found (install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        raise BackupError(f"{name} 失败 / {name} failed: {detail[0]}")


def _write(output: Path, raw: Path, engine: str, fernet: Fernet | None) -> None:
    # A device (/dev/full in the tests) is written in place; a file beside its name, then renamed.
    in_place = output.exists() and not output.is_file()
    target = output if in_place else output.with_name(output.name + ".partial")
    try:
        with open(target, "wb") as out, open(raw, "rb") as source:
            out.write(MAGIC + f" {engine} {'fernet' if fernet else 'plain'}\n".encode())
            if fernet is None:
                shutil.copyfileobj(source, out, CHUNK)
            else:
                for token in _seal(source, fernet):
                    out.write(struct.pack(">I", len(token)) + token)
            out.flush()
            os.fsync(out.fileno())
        if not in_place:
            os.replace(target, output)
    except OSError as error:
        if not in_place:
            target.unlink(missing_ok=True)
        raise _disk_problem(error, output) from error


def _seal(source, fernet: Fernet) -> Iterator[bytes]:
    position, data = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        yield fernet.encrypt(_FRAME.pack(position, 0 if following else 1) + data)
        if not following:
            return
        position, data = position + 1, following


# ------------------------------------------------------------------------------------------------ restore
def read_header(path: Path) -> tuple[str, bool]:
    """The engine a backup holds and whether it is encrypted; refuses what is not a Tongxin backup."""
    try:
        with open(path, "rb") as f:
            line = f.readline(200)
    except OSError as error:
        raise BackupError(f"无法读取 {path} / cannot read {path}: {error.strerror}") from error
    parts = line.rstrip(b"\n").split(b" ")
    if not line.startswith(MAGIC + b" ") or len(parts) != 4 or parts[3] not in (b"plain", b"fernet"):
        raise BackupError("这不是同心圆的备份文件 / not a Tongxin backup file")
    return parts[2].decode(), parts[3] == b"fernet"


def restore_backup(path: Path, key: str | None = None) -> str:
    """Replace the app's database with the backup at `path`; returns the engine. All or nothing."""
    engine, encrypted = read_header(path)
    if engine != _engine_name():
        raise BackupError(f"备份来自 {engine}，当前数据库是 {_engine_name()} / the backup is of {engine}, "
                          f"this database is {_engine_name()}")
    fernet = _fernet(key)
    if encrypted and fernet is None:
        raise BackupError("备份已加密，请设置 BACKUP_KEY / the backup is encrypted: set BACKUP_KEY")
    with tempfile.TemporaryDirectory(prefix="tongxin-restore-") as work:
        raw = Path(work) / "db"
        _unpack(path, raw, fernet if encrypted else None)
        db.session.remove()
        db.engine.dispose()  # no pooled connection holds the old database
        if engine == "sqlite":
            _restore_sqlite(str(raw), _sqlite_file())
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", f"--dbname={_libpq_url()}", str(raw)], "pg_restore")
        db.engine.dispose()
    return engine


def _unpack(path: Path, raw: Path, fernet: Fernet | None) -> None:
    try:
        with open(path, "rb") as f, open(raw, "wb") as out:
            f.readline(200)
            if fernet is None:
                shutil.copyfileobj(f, out, CHUNK)
                return
            expected, last = 0, False
            while (size := f.read(4)):
                if last or len(size) < 4:
                    raise BackupError("备份文件已损坏 / the backup file is damaged")
                token = f.read(struct.unpack(">I", size)[0])
                plain = fernet.decrypt(token)
                position, last = _FRAME.unpack(plain[:_FRAME.size])
                if position != expected:
                    raise BackupError("备份文件已损坏（分块顺序不对）/ the backup is damaged (chunks out of order)")
                out.write(plain[_FRAME.size:])
                expected += 1
            if not last:
                raise BackupError("备份文件不完整 / the backup file is cut short")
    except InvalidToken as error:
        raise BackupError("密钥不对或备份文件已损坏 / wrong key, or the backup file is damaged") from error
    except OSError as error:
        raise _disk_problem(error, raw) from error


def _restore_sqlite(source: str, target: str) -> None:
    src = sqlite3.connect(source)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份中的 SQLite 数据库已损坏 / the SQLite database in the backup is damaged")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # page by page into the live file, under its write lock: all or nothing
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite 恢复失败 / SQLite restore failed: {error}") from error
    finally:
        src.close()


def default_output() -> Path:
    """instance/backups/tongxin-<engine>-<UTC time>.backup"""
    from community.database import utcnow

    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"tongxin-{_engine_name()}-{utcnow():%Y%m%d-%H%M%S}.backup"
