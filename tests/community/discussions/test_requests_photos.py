"""Photos: re-encoded so that no EXIF or GPS position survives, type and size checked with a clear message
beside the field and nothing half-written, kept outside static/, served only to those who may read the item."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import ROOT, db
from community.discussions import moderation
from community.discussions import photos as P
from community.discussions.models import Request, RequestPhoto
from tests.factories import login


def jpeg_with_location(size=(800, 600)) -> bytes:
    """A camera-like JPEG: EXIF with a GPS position, a camera serial and an orientation."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0xA431] = "SERIAL-12345"        # BodySerialNumber
    exif[0x0112] = 6                     # Orientation: rotate 90° to show upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (29.0, 28.0, 1.0), "E", (121.0, 58.0, 1.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _form(town, **extra):
    return {"kind": "request", "title": "出租屋电线老化", "body": "插座会冒火花", "category": "housing",
            "community_id": str(town["a"].id), "is_public": "1", **extra}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_photo_loses_its_location_and_camera_data(client, town):
    original = jpeg_with_location()
    assert b"SERIAL-12345" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    login(client, town["submitter"])
    response = client.post("/requests/new", data={**_form(town), "photos": (io.BytesIO(original), "IMG_0001.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.session.scalars(select(RequestPhoto)).one()
    stored = P.path_of(photo.stored_name).read_bytes()
    assert b"SERIAL-12345" not in stored and b"PhoneMaker" not in stored and b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {} and image.format == "JPEG"
    assert (image.width, image.height) == (600, 800)  # turned upright before the orientation tag went
    assert ROOT / "static" not in P.path_of(photo.stored_name).parents
    served = client.get(f"/requests/{photo.request_id}/photos/{photo.id}")
    assert served.status_code == 200 and served.data == stored and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("upload, message", [
    ((b"%PDF-1.4 not a photo", "report.pdf"), "不是照片"),
    ((b"", "empty.jpg"), "空"),
    ((b"\xff\xd8\xff\xe0 broken jpeg", "broken.jpg"), "不是照片"),
])
def test_a_file_that_is_not_a_photo_is_refused_beside_the_field_and_nothing_is_written(client, town, upload,
                                                                                       message):
    data, name = upload
    before = set(P.photo_dir().iterdir())
    login(client, town["submitter"])
    response = client.post("/requests/new", data={**_form(town), "photos": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'id="photos-error"' in page
    assert "出租屋电线老化" in page  # what was typed is kept
    assert _count(Request) == 0 and _count(RequestPhoto) == 0 and set(P.photo_dir().iterdir()) == before


def test_too_large_or_too_many_photos_are_refused(client, town, monkeypatch):
    login(client, town["submitter"])
    monkeypatch.setattr(P, "MAX_BYTES", 1000)
    big = jpeg_with_location((1200, 900))
    response = client.post("/requests/new", data={**_form(town), "photos": (io.BytesIO(big), "big.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "MB" in response.get_data(as_text=True)
    monkeypatch.undo()
    many = [(io.BytesIO(jpeg_with_location((40, 30))), f"{n}.jpg") for n in range(P.MAX_PHOTOS + 1)]
    response = client.post("/requests/new", data={**_form(town), "photos": many}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _count(Request) == 0 and _count(RequestPhoto) == 0


def test_a_hidden_items_photos_are_served_only_to_its_author_and_handlers(client, town):
    from community.discussions import requests_submit as S

    item = S.submit(town["submitter"], {**_form(town), "community_id": town["a"].id},
                    [_Upload(jpeg_with_location((60, 40)), "a.jpg")])
    photo = db.session.scalars(select(RequestPhoto)).one()
    moderation.hide(town["admin"], item, "含有他人隐私")
    url = f"/requests/{item.id}/photos/{photo.id}"
    for person, status in ((town["outsider"], 404), (town["submitter"], 200), (town["handler"], 200)):
        login(client, person)
        assert client.get(url).status_code == status
        client.post("/logout")
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    assert client.get(f"/requests/{item.id}/photos/999999").status_code in (302, 404)


class _Upload:
    """A werkzeug-like upload for the service."""

    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


def test_an_enormous_or_empty_text_is_refused_beside_its_field_with_the_input_kept(client, town):
    login(client, town["submitter"])
    response = client.post("/requests/new", data=_form(town, body="长" * 2001), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="body-error"' in page and "最多 2000 个字" in page
    assert 'value="出租屋电线老化"' in page
    response = client.post("/requests/new", data=_form(town, title=" "), content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="title-error"' in response.get_data(as_text=True)
    assert _count(Request) == 0
