"""Files written whole: a full disk is reported to the person, and no half-written file is left behind.

Uploads (an import workbook, a request's photos) are written to a temporary name beside their target and
renamed into place only once complete, so nobody ever reads half a file; on any failure the temporary file is
removed, and a full disk (ENOSPC, or a quota: EDQUOT) becomes `DiskFull`, a refusal with a Chinese message shown
beside the field. Exports written by background jobs are cleaned up by the task runner instead
(community.background: a failed job leaves no file carrying its id).
"""
from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import gettext as _

from community.errors import DiskFull

FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full(error: BaseException | None) -> bool:
    """Whether `error` (or an error it was raised from or during) is a full disk or an exhausted quota."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in FULL:
            return True
        error = error.__cause__ or error.__context__
    return False


def disk_full_message() -> str:
    """What the person reads when the disk is full."""
    return _("The disk is full: the file could not be written, and nothing of it was kept. Please tell the "
             "administrator, who must free some space; then try again.")


def refuse_disk_full(error: BaseException, field: str | None = None) -> None:
    """Raise DiskFull (beside `field`, when given) if `error` is a full disk; otherwise return."""
    if disk_full(error):
        message = disk_full_message()
        raise DiskFull(message, fields={field: message} if field else None) from error


@contextmanager
def writing_whole(target: Path, field: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target` to write; once the block is done it becomes `target` (a rename).
    On any failure the temporary file is removed; a full disk is raised as DiskFull (beside `field`)."""
    temporary = target.with_name(f".part-{secrets.token_hex(4)}-{target.name}")  # same suffix: swept like it
    try:
        yield temporary
        os.replace(temporary, target)
    except Exception as error:
        temporary.unlink(missing_ok=True)
        refuse_disk_full(error, field)
        raise


def write_whole(target: Path, data: bytes, field: str | None = None) -> None:
    """Write `data` to `target` whole, or not at all."""
    with writing_whole(target, field) as temporary, open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def save_upload(upload, target: Path, field: str | None = None) -> None:
    """Save an uploaded file (a werkzeug FileStorage) to `target` whole, or not at all."""
    with writing_whole(target, field) as temporary, open(temporary, "wb") as out:
        upload.save(out)
        out.flush()
        os.fsync(out.fileno())
