"""Reminders (提醒): an outbox of reminder rows, sent once each by a dispatch pass on the task queue.

Producers (meetings, elections, branches…) register their kinds (`registry(app).reminder_kind(name,
ReminderKind(...))`) and call `schedule`, `notify`, `move` and `cancel` (community.reminders.services) inside
their own unit of work. `flask scheduler` queues a dispatch pass every minute; the pass claims what is due,
words it in batches and sends it on each person's channels (the in-app inbox, e-mail, a webhook for SMS or
WeChat gateways).
"""
from __future__ import annotations

from flask import Flask

from community.reminders.kinds import CHANNELS, Message, ReminderKind

__all__ = ["CHANNELS", "Message", "ReminderKind", "init_app"]


def init_app(app: Flask) -> None:
    """Register the reminders' tables, the digest's kind, the queue's tasks and the commands; then the inbox,
    preferences, calendar feed and administrator pages with their API (hooks.py)."""
    from community.registry import registry
    from community.reminders import cli, digest, dispatch, hooks, models, scheduler  # noqa: F401  (models: tables)

    reg = registry(app)
    reg.reminder_kind(digest.KIND, digest.DIGEST_KIND)
    reg.task("reminders.dispatch", dispatch.dispatch_task)
    reg.task("reminders.approvals_digest", digest.digest_task)
    cli.register(app)
    scheduler.register(app)
    hooks.init_app(app)
