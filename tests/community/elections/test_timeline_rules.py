"""Derived timeline moments: when nominations and objections close."""
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from community.elections.rules import nominations_close_at, objections_close_at

OPENS = datetime(2019, 6, 16, 0, 0, tzinfo=UTC)


def _election(**values):
    base = {"nominations_close_at": None, "voting_opens_at": OPENS, "candidates_days_before": 5,
            "candidates_published_at": None, "roll_published_at": None, "objection_days": 5}
    return SimpleNamespace(**(base | values))


def test_nominations_close_when_the_list_must_be_published_at_the_latest():
    assert nominations_close_at(_election()) == OPENS - timedelta(days=5)


def test_nominations_close_when_the_list_was_published_earlier():
    published = OPENS - timedelta(days=11)
    assert nominations_close_at(_election(candidates_published_at=published)) == published


def test_an_explicit_closing_time_wins():
    explicit = OPENS - timedelta(days=8)
    assert nominations_close_at(_election(nominations_close_at=explicit,
                                          candidates_published_at=OPENS - timedelta(days=11))) == explicit


def test_objections_close_days_after_the_roll_is_published():
    published = OPENS - timedelta(days=27)
    assert objections_close_at(_election()) is None
    assert objections_close_at(_election(roll_published_at=published)) == published + timedelta(days=5)
