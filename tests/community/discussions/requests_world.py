"""The requests' part of the access matrix's world (tests/community/test_access_matrix.py): a public request
of community A with one photo, raised by a resident who is none of the identities, and a member of A's
discussion group (the identity "discussion_member"); {board_job}, a board export admin_a made."""
from __future__ import annotations

import io

from PIL import Image

from app import db
from community.background import start_job
from community.discussions import requests_submit as S
from community.discussions.models import RequestPhoto
from tests.factories import grant, make_people

KEYS = frozenset({"request_item", "request_photo", "board_job"})


class _Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


def build(community_a, who: dict) -> dict:
    """The item and its photo; adds "discussion_member" (of A) to `who`."""
    author, = make_people(community_a, 1, "议事")
    member, = make_people(None, 1, "议事团成员")  # lives nowhere in the world: only the role lets them in
    grant(member, "discussion_member", "community", community_a.id)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(picture, "PNG")
    item = S.submit(author, {"kind": "request", "title": "出租屋电线老化", "body": "插座会冒火花",
                             "category": "housing", "community_id": community_a.id},
                    [_Upload(picture.getvalue(), "wire.png")])
    photo_id = db.session.query(RequestPhoto.id).filter_by(request_id=item.id).scalar()
    who["discussion_member"] = member
    admin_a = who["admin_a"]
    job = start_job(admin_a.id, "discussions.board_export", admin_a.id, {"community_id": community_a.id})
    db.session.commit()
    return {"request_item": item.id, "request_photo": photo_id, "board_job": job}
