"""What the reminders' pages bring to the app: the inbox, preferences, calendar and administrator pages,
their API, the unread count in every page's header, the administrators' action and the access rows."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ACTIONS = {"reminder.admin": {"street_admin"}}  # platform administrators too, as for every action


def _may_oversee(person) -> bool:
    from community.authz import can

    return can(person, "reminder.admin")


def init_app(app: Flask) -> None:
    """Register the pages, the API, the action, the menu link, the header's unread count and the access rows."""
    from community.registry import registry
    from community.reminders import access, feed  # noqa: F401  (feed: the calendar_feed table)
    from community.reminders.api import blp
    from community.reminders.views import bp

    reg = registry(app)
    reg.actions_of("reminders", ACTIONS)
    reg.blueprint(bp)
    reg.api_blueprint(blp)
    reg.menu_link(_l("Reminders"), "reminders.admin", _may_oversee)
    reg.access(access.ACCESS_ROWS)

    @app.context_processor
    def _unread():
        """`inbox_unread()` for the header: one COUNT, only when a signed-in page's header asks for it."""
        from flask_login import current_user

        def inbox_unread() -> int:
            from community.reminders.inbox import unread_count

            return unread_count(current_user) if current_user.is_authenticated else 0
        return {"inbox_unread": inbox_unread}
