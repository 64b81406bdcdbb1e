"""Domain errors raised by services, and how pages and the API show them."""
from __future__ import annotations

from flask import flash, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the request (HTTP 422 in the API)."""

    status = 422
    code = "rule_violated"

    def __init__(self, message: str, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class Invalid(DomainError):
    """Malformed or missing input (400)."""

    status = 400
    code = "invalid"


class NotFound(DomainError):
    """An unknown id (404)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The person's roles do not cover this object (403)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """A conflict with existing data: a duplicate, a second vote, an exhausted quota (409)."""

    status = 409
    code = "conflict"


class DiskFull(DomainError):
    """The server's disk is full: what was to be written was not (507, "Insufficient Storage")."""

    status = 507
    code = "disk_full"


HTTP_CODES = {400: "invalid", 401: "unauthorised", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid", 429: "too_many_requests", 500: "server_error", 503: "unavailable",
              507: "disk_full"}


def http_message(status: int) -> str:
    """A Chinese-first sentence for a bare HTTP status."""
    messages = {
        400: _("The request is malformed."),
        401: _("Please sign in first."),
        403: _("You do not have permission to do this."),
        404: _("The page or object was not found."),
        405: _("This method is not allowed here."),
        413: _("The upload is too large."),
        415: _("The request must be JSON."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Please try again later."),
        503: _("The database cannot be reached at the moment. Nothing was saved; please try again in a minute."),
    }
    return messages.get(status, _("The request could not be handled."))


def is_api_request() -> bool:
    """True for requests to the JSON API."""
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    """The error body of shared/API.md."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_fields(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); the API wants field names."""
    fields = {}
    for location, errors in (messages or {}).items():
        if isinstance(errors, dict):
            for name, problems in errors.items():
                fields[name] = _field_text(problems)
        else:
            fields[location] = _field_text(errors)
    return fields


def _field_text(problems) -> str:
    if isinstance(problems, dict):
        return "; ".join(f"{k}: {_field_text(v)}" for k, v in problems.items())
    if isinstance(problems, (list, tuple)):
        return "; ".join(_field_text(p) for p in problems)
    return str(problems)


def run_form_action(action, success: str | None, back: str):
    """Call a service for a page's form post: (redirect to `back`, None) when it refused, with its message
    flashed; (None, its result) when it succeeded, with `success` flashed. 403 and 404 go to the error page."""
    from flask import redirect

    try:
        result = action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
        return redirect(back), None
    if success:
        flash(success, "success")
    return None, result


def register_error_handlers(app) -> None:
    """JSON errors under /api/, Chinese error pages elsewhere; never a bare 500 for bad input."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if is_api_request():
            return api_error(error.status, error.code, error.message, error.fields)
        if error.status in (403, 404):
            return render_template("errors/error.html", status=error.status, message=error.message), error.status
        flash(error.message, "danger")
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        allow = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        if is_api_request():
            data = getattr(error, "data", None) or {}
            headers = {**(data.get("headers") or {}), **allow}  # a 405 says what is allowed (RFC 9110)
            if status == 429:
                headers = dict(error.get_headers()) if hasattr(error, "get_headers") else {}
                headers = {k: v for k, v in headers.items() if k.lower().startswith(("retry", "x-ratelimit"))}
            if "messages" in data:  # webargs validation: malformed input is a 400
                fields = _flatten_fields(data["messages"])
                return api_error(400, "invalid", _("Some fields are missing or malformed."), fields, headers)
            return api_error(status, HTTP_CODES.get(status, "error"), http_message(status), None, headers)
        return render_template("errors/error.html", status=status, message=http_message(status)), status, allow

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("The form has expired or did not come from this site. Please reload the page and try again.")
        return render_template("errors/error.html", status=400, message=message), 400

    from sqlalchemy.exc import DBAPIError

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        if not database_unavailable(error):
            return _unexpected(error)
        app.logger.error("database unavailable: %s", error.orig)  # the driver's message, without the SQL
        _forget_the_database()
        busy = database_busy(error)
        message = _("The system is busy at the moment. Nothing was saved; please try again.") if busy \
            else http_message(503)
        if is_api_request():
            return api_error(503, "busy" if busy else "unavailable", message, None, RETRY_AFTER)
        return render_template("errors/error.html", status=503, message=message), 503, RETRY_AFTER

    @app.errorhandler(OSError)
    def _os_error(error: OSError):
        from community.files import disk_full, disk_full_message

        if not disk_full(error):
            return _unexpected(error)
        app.logger.error("disk full: %s", error)  # a full disk met where no form field can say so
        from app import db
        db.session.rollback()
        if is_api_request():
            return api_error(507, "disk_full", disk_full_message())
        return render_template("errors/error.html", status=507, message=disk_full_message()), 507

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        from app import db
        db.session.rollback()
        if is_api_request():
            return api_error(500, "server_error", http_message(500))
        return render_template("errors/error.html", status=500, message=http_message(500)), 500


RETRY_AFTER = {"Retry-After": "30"}
_SQLITE_BUGS = ("no such ", "syntax error", "table ", "near ")  # sqlite3 calls these OperationalError too


def database_unavailable(error) -> bool:
    """Whether a database error means the database went away or cannot answer now (a lost or refused
    connection, a terminated backend, a locked or unwritable SQLite file), not a bug in a statement."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    return not str(error.orig).lower().startswith(_SQLITE_BUGS)


_BUSY_STATES = {"40P01", "40001", "55P03", "57014"}  # deadlock, serialisation, lock not available, timeout


def database_busy(error) -> bool:
    """Whether the database is there but could not finish now (a deadlock, a serialisation failure, a lock or
    statement timeout, SQLite's "database is locked"): worth saying "busy, try again", not "cannot be reached"."""
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) in _BUSY_STATES or "database is locked" in str(orig).lower()


def _forget_the_database() -> None:
    """Leave the request's transaction (the unit of work has rolled it back) and let the error page render
    without the database: the header then shows no signed-in person, whose menu and unread count need
    queries. The next request gets a fresh connection (pool_pre_ping replaces a dead one)."""
    from flask import current_app, g

    from app import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back on it
        db.session.invalidate()
    g._login_user = current_app.login_manager.anonymous_user()
