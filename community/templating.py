"""Jinja helpers: local time, permissions, labels, the language switch."""
from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import format_datetime, format_decimal, get_locale
from flask_login import current_user

from app import LANGUAGES
from community.authz import can, scope_name
from community.database import as_local
from community.registry import registry


def local_time(moment, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored moment in Asia/Shanghai time (templates: `|local`); "" for none."""
    return format_datetime(as_local(moment), fmt) if moment else ""


def register_template_helpers(app: Flask) -> None:
    """Make helpers available to every template."""

    app.add_template_filter(local_time, "local")

    @app.template_filter("thousands")
    def _thousands(number: int) -> str:
        return format_decimal(number)

    @app.context_processor
    def _helpers():
        def page_url(page: int) -> str:
            args = {k: v for k, v in request.args.items() if k != "cursor"}
            args["page"] = page
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        def cursor_url(cursor: str) -> str:
            """The same list, at the page a community.listing cursor points to."""
            args = {k: v for k, v in request.args.items() if k != "page"}
            args["cursor"] = cursor
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        reg = registry()
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "ROLE_LABELS": {name: role.label for name, role in reg.roles.items()},
            "SCOPE_LABELS": {name: scope.label for name, scope in reg.scope_types.items()},
            "scope_name": scope_name,
            "LANGUAGES": LANGUAGES,
            "current_locale": str(get_locale()),
            "html_lang": "zh-CN" if str(get_locale()).startswith("zh") else "en",
            "page_url": page_url,
            "cursor_url": cursor_url,
            "nav_links": [(link.label, link.endpoint) for link in reg.menu_links
                          if link.visible is None or link.visible(current_user)]
            if current_user.is_authenticated else [],
        }
