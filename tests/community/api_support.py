"""Helpers shared by the /api/v1 tests (test_api_*.py)."""
from __future__ import annotations

from sqlalchemy import func, select

from app import db

API = "/api/v1"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def person_body(community, **overrides) -> dict:
    body = {"name": "李晓", "phone": "13812345678", "password": "abcd12345", "birth_date": "1999-03-02",
            "community_id": community.id, "hukou_place": "贵州省毕节市", "living_since": "2023-05-01"}
    body.update(overrides)
    return body


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error
