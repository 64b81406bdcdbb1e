"""Photos of requests: checked (type, size, pixels), re-encoded with Pillow so that nothing of the original file
survives — no EXIF, no GPS position, no camera serial — and kept outside static/ (instance/request_photos/ or
the setting DISCUSSION_PHOTO_DIR), served only through a route that checks who may see the item.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from community.errors import Invalid

MAX_PHOTOS = 3
MAX_BYTES = 6 * 1024 * 1024  # a phone camera's photo; 3 of them stay under MAX_CONTENT_LENGTH (20 MB)
MAX_PIXELS = 40_000_000              # a decompression bomb is refused before it is decoded
LONG_SIDE = 1600                      # re-encoded photos are at most this wide or high: enough on any screen
ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class Prepared:
    """A photo re-encoded in memory, ready to be stored."""

    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def photo_dir() -> Path:
    """Where photos are kept: never under static/, so only the permission-checked route serves them."""
    path = Path(current_app.config.get("DISCUSSION_PHOTO_DIR") or Path(current_app.instance_path) / "request_photos")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message: str) -> None:
    raise Invalid(message, code="bad_photo", fields={"photos": message})


def prepare(stream, filename: str = "") -> Prepared:
    """Check one uploaded file and re-encode it as a JPEG without metadata; Invalid (field `photos`) if it is not
    an image, too large or too many pixels."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = stream.read(MAX_BYTES + 1)
    if not data:
        _refuse(_("The file %(name)s is empty.", name=filename))
    if len(data) > MAX_BYTES:
        _refuse(ngettext("The photo %(name)s is larger than %(num)d MB.", "The photo %(name)s is larger than "
                         "%(num)d MB.", MAX_BYTES // (1024 * 1024), name=filename))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED:
                _refuse(_("%(name)s is not a photo (JPEG, PNG, WebP or GIF).", name=filename))
            if image.width * image.height > MAX_PIXELS:
                _refuse(_("The photo %(name)s has too many pixels.", name=filename))
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the picture upright once the orientation tag is gone
            image = image.convert("RGB")
            image.thumbnail((LONG_SIDE, LONG_SIDE))
            out = io.BytesIO()
            # A new file from the pixels only: no exif=, no icc_profile=, so no metadata is written.
            image.save(out, "JPEG", quality=85, optimize=True)
            return Prepared(out.getvalue(), image.width, image.height)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        _refuse(_("%(name)s is not a photo (JPEG, PNG, WebP or GIF).", name=filename))


def prepare_all(files) -> list[Prepared]:
    """Every uploaded file checked before anything is written (all or nothing)."""
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_PHOTOS:
        _refuse(ngettext("At most %(num)d photo.", "At most %(num)d photos.", MAX_PHOTOS))
    return [prepare(f.stream if hasattr(f, "stream") else f, f.filename) for f in files]


def store(prepared: Prepared) -> str:
    """Write a prepared photo whole under a random name and return that name. In a unit of work that then rolls
    back (a later photo meets a full disk, the database goes away), the file is removed again."""
    from community.database import after_rollback
    from community.files import write_whole

    name = f"{uuid.uuid4().hex}.jpg"
    target = photo_dir() / name
    write_whole(target, prepared.data, field="photos")  # a full disk: DiskFull, said beside the photos field
    after_rollback(lambda: target.unlink(missing_ok=True))
    return name


def path_of(stored_name: str) -> Path:
    """The file of a stored photo (the name is ours, never the uploader's)."""
    return photo_dir() / Path(stored_name).name
