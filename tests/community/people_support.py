"""Helpers shared by the people tests (test_people_*.py) and the import tests that reuse them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app import db
from community.audit.models import AuditEntry
from community.people.identity import check_digit
from community.people.models import Person


def id_number(region: str = "330225", born: date = date(1990, 5, 17), seq: str = "123") -> str:
    """A valid 18-digit ID number (GB 11643 check digit)."""
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + check_digit(body)


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def person_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Person))


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def base_data(community, **overrides) -> dict:
    data = {"name": "李晓", "phone": "13812341234", "password": "abcd12345", "born_on": "1999-03-02",
            "community_id": community.id, "hukou_place": "贵州省毕节市", "living_since_on": "2023-05-01"}
    data.update(overrides)
    return data
