"""The civic core: places, people, accounts, scoped roles, audit, and the residents' side."""
from __future__ import annotations

from flask import Flask

# Other packages plug in through the app's registry (community.registry), never through this module.


def init_app(app: Flask) -> None:
    """Wire the civic core into the application."""
    from app import db, login_manager
    from community import cli, core, errors
    from community.database import configure_sqlite
    from community.templating import register_template_helpers

    with app.app_context():
        configure_sqlite(db.engine)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(person_id: str):
        """The person, if this browser's server-side sign-in session is still live (one indexed query)."""
        from flask import session

        from community.accounts.services import person_for_session

        return person_for_session(person_id, session.get("sid"))

    @app.before_request
    def _fresh_request_state():
        """Per-request caches live on `g`; an app context shared by tests must not carry them over."""
        from flask import g
        from flask_babel import refresh

        for key in ("_grants", "_scope_chains", "_login_user"):
            g.pop(key, None)
        refresh()

    @app.before_request
    def _ids_in_range():
        """An id in a path beyond the databases' integers names no row (and cannot be compared): a 404,
        which reveals nothing, instead of an overflow deep inside a lookup or a permission check."""
        from flask import abort, request

        from community.database import MAX_ID

        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
                abort(404)

    @app.before_request
    def _reject_unreadable_json():
        """Malformed JSON (including numbers too long to convert) is a 400, never a 500 in a parser."""
        from flask import request

        from community.errors import Invalid

        if request.path.startswith("/api/") and request.method in ("PUT", "PATCH") and request.url_rule \
                and not request.get_data(cache=True).strip():  # a change that says nothing is a mistake
            from flask_babel import gettext as _

            raise Invalid(_("Send the changes as a JSON body."), fields={"json": _("Missing data for required field.")})
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH") and request.is_json:
            import json

            try:
                json.loads(request.get_data(cache=True) or b"null")
            except (ValueError, RecursionError):
                from flask_babel import gettext as _

                raise Invalid(_("The request body is not valid JSON."), code="invalid",
                              fields={"json": _("Invalid JSON body.")}) from None

    from community import security_headers, static_assets, text_input

    security_headers.register(app)
    static_assets.register(app)
    text_input.register(app)
    errors.register_error_handlers(app)
    register_template_helpers(app)
    cli.register(app)
    from community import background, integrity

    integrity.register(app)
    background.register(app)  # the sweep of jobs left running by a stopped worker
    from community import bench_data

    bench_data.register(app)  # `flask bench-data`
    core.register(app)  # after the hooks above, which must run before any blueprint's
