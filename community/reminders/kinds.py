"""What a package declares about a kind of reminder, and the message a reminder becomes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CHANNELS = ("inbox", "email", "webhook")
# Channels a person has without choosing anything (no ReminderPreference row): the inbox only.
DEFAULT_CHANNELS = frozenset({"inbox"})


@dataclass(frozen=True)
class Message:
    """One reminder worded for its recipient: `url` is a path in the app, e.g. "/meetings/12"."""

    title: str
    body: str
    url: str = ""


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder, registered with `registry(app).reminder_kind(name, ReminderKind(...))`.

    `render(reminders)` words a batch of due reminders at once (a few queries for many rows, never one per
    row) in the current locale and returns {reminder.id: Message}; a reminder left out of the answer no longer
    makes sense (its object is gone) and is cancelled. `urgent` kinds ignore quiet hours. `channels`: those a
    person may choose for the kind (the inbox is always on).
    """

    label: object
    render: Callable[[list], dict[int, Message]]
    urgent: bool = False
    channels: tuple[str, ...] = CHANNELS
    description: object = ""
