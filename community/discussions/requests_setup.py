"""The requests' parts (points 1, 2, 3, 6, 8 of issue #12), registered from community/discussions/__init__.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "request.submit": _l("Request or proposal submitted"),
    "request.status": _l("Request moved along"),
    "request.rate": _l("Request rated"),
    "request.hide": _l("Request hidden by an administrator"),
    "request.show": _l("Request shown again"),
    "request.export": _l("Requests board exported"),
}


def status_summary(entry, names: dict) -> str:
    """"已受理 → 已列入议程": a status change worded from the row's detail, never as its codes."""
    from community.discussions.requests import STATUS_LABELS

    detail = entry.detail or {}
    steps = [STATUS_LABELS.get(detail.get(key)) for key in ("from", "to")]
    return " → ".join(str(step) for step in steps) if all(steps) else ""


def register(reg) -> None:
    """Audit kinds, reminder kinds, the daily overdue job, pages, API, menu, demo step and access rows."""
    from community.discussions import requests_reminders as rr

    for action, label in AUDIT_LABELS.items():
        reg.audit_kind(action, label, status_summary if action == "request.status" else None)
    reg.reminder_kind(rr.UPDATE, rr.UPDATE_KIND)
    reg.reminder_kind(rr.OVERDUE, rr.OVERDUE_KIND)
    reg.reminder_kind(rr.HIDDEN, rr.HIDDEN_KIND)
    reg.task("discussions.daily", rr.daily_task)
    reg.scheduled_job("discussions.daily", hour=8, minute=40)  # requests past their deadline
    # board_export_views and requests_actions: their routes are on the requests' blueprint.
    from community.discussions import board_export, board_export_views, requests_actions  # noqa: F401
    from community.discussions.access import ACCESS_ROWS
    from community.discussions.requests_api import blp
    from community.discussions.requests_demo import seed_requests
    from community.discussions.requests_views import bp, home_cards

    reg.task(board_export.TASK, board_export.export_task)
    reg.blueprint(bp)
    reg.api_blueprint(blp)
    reg.menu_link(_l("Requests and proposals"), "requests.board", lambda person: True)
    reg.home_card(home_cards)
    reg.demo_step(seed_requests)
    reg.access(ACCESS_ROWS)
