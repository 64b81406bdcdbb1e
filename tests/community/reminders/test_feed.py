"""The personal calendar feed: a private link that needs no sign-in, renewed at once, with the elections'
deadlines in UTC and cancelled events marked."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from app import db
from community.calendar import CalendarEvent
from community.database import utcnow
from community.elections.services import lifecycle
from community.registry import registry
from community.reminders.feed import CalendarFeed, digest
from tests.community.elections.conftest import make_election, make_voters
from tests.factories import login, make_person


def _link(client) -> str:
    response = client.post("/calendar/renew", follow_redirects=True)
    page = response.get_data(as_text=True)
    start = page.index('value="http://localhost/calendar/') + len('value="http://localhost')
    return page[start:page.index('"', start)]


def test_link_shown_once_renewed_and_the_old_one_stops(client, places):
    me = make_person(places["east"])
    login(client, me)
    first = _link(client)
    assert first not in client.get("/calendar").get_data(as_text=True)  # shown only right after it was made
    anonymous = client.application.test_client()
    response = anonymous.get(first)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    token = first.removeprefix("/calendar/").removesuffix(".ics")
    stored = db.session.scalar(select(CalendarFeed.token_digest))
    assert stored == digest(token) and token not in stored  # only the digest is kept
    second = _link(client)
    assert second != first
    assert anonymous.get(first).status_code == 404 and anonymous.get(second).status_code == 200
    assert anonymous.get("/calendar/nonsense.ics").status_code == 404


def test_the_feed_holds_the_elections_deadlines_in_utc(client, places, monkeypatch):
    now = utcnow()
    election = make_election(places["east"], voting_opens_at=now + timedelta(days=10),
                             voting_closes_at=now + timedelta(days=11))
    voter, = make_voters(election, places["east"], 1)
    lifecycle.change_status(election.test_admin, election, "roll_published", now=now)
    gone = CalendarEvent(uid="meeting-9@tongxin", summary="支部党员大会", start=now + timedelta(days=2),
                         end=now + timedelta(days=2, hours=2), location="社区党群服务中心", cancelled=True)
    monkeypatch.setattr(registry(), "calendar_sources", [*registry().calendar_sources, lambda pid, s, e: [gone]])
    login(client, voter)
    body = client.application.test_client().get(_link(client)).data
    calendar = Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    opens = events[f"election-{election.id}-voting-opens@tongxin"]
    assert str(opens["summary"]) == f"投票开始：{election.title}"
    assert opens.decoded("dtstart") == election.voting_opens_at.replace(microsecond=0)
    assert f"election-{election.id}-objections@tongxin" in events
    assert str(events["meeting-9@tongxin"]["status"]) == "CANCELLED"
    assert b"DTSTART:" in body and b"Z\r\n" in body  # UTC times


def test_no_link_for_a_deactivated_account(client, places):
    me = make_person(places["east"])
    login(client, me)
    link = _link(client)
    me.is_active_account = False
    db.session.commit()
    assert client.application.test_client().get(link).status_code == 404


def test_feed_at(places):
    from community.reminders.feed import ics

    me = make_person(places["east"])
    at = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert b"BEGIN:VCALENDAR" in ics(me, "http://localhost/", now=at)
