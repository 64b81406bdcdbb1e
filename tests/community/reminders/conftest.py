"""A toy reminder kind for the mechanism's tests, registered on the test app for the test's duration."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from app import db
from community.people.models import Person
from community.registry import registry
from community.reminders import Message, ReminderKind

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai: outside quiet hours


def toy_render(reminders):
    """Words each reminder from its payload; one call for the whole batch (the calls are counted)."""
    toy_render.calls.append(len(reminders))
    return {r.id: Message(title=f"提醒：{(r.payload or {}).get('what', '开会')}", body="请准时参加。",
                          url=f"/toy/{r.subject}") for r in reminders
            if not (r.payload or {}).get("gone")}


toy_render.calls = []


@pytest.fixture
def toy_kind(app, monkeypatch):
    """Kinds "toy" (every channel) and "toy_urgent" (urgent), registered for one test."""
    toy_render.calls.clear()
    kinds = registry(app).reminder_kinds
    monkeypatch.setitem(kinds, "toy", ReminderKind(label="玩具提醒", render=toy_render))
    monkeypatch.setitem(kinds, "toy_urgent", ReminderKind(label="紧急玩具提醒", render=toy_render, urgent=True))
    return "toy"


def make_people(n: int, **values) -> list[int]:
    """`n` people in one statement; their ids."""
    rows = [{"name": f"居民{i}", "phone": f"139{i:08d}", "hukou_place": "", **values} for i in range(n)]
    ids = list(db.session.scalars(insert(Person).returning(Person.id), rows))
    db.session.commit()
    return ids
