"""Tongxin (同心圆): the extension objects and the application factory.

This is the only module that knows every package. Run it with ``flask --app app``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent
TIME_ZONE = "Asia/Shanghai"
LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
api = Api()
compress = Compress()


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, creating it on first start."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def cookies_secure(testing: bool) -> bool:
    """Cookies only over HTTPS in production; COOKIE_SECURE=0/1 decides, else off only for tests and debug."""
    chosen = os.environ.get("COOKIE_SECURE", "").strip().lower()
    if chosen:
        return chosen in ("1", "true", "yes")
    return not (testing or os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"))


class Config:
    """Settings read from the environment; see README "Deployment"."""

    def __init__(self, **overrides):
        instance = Path(os.environ.get("TONGXIN_INSTANCE", ROOT / "instance"))
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret(instance)
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'tongxin.db'}"
        )
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        # Background jobs: a Huey queue in this SQLite file, or in Redis when REDIS_URL is set.
        self.TASK_QUEUE_FILE = os.environ.get("TASK_QUEUE_FILE") or str(instance / "queue.db")
        self.BACKGROUND_SYNC = False  # tests: run each job inside the request (Huey's immediate mode)
        # A job `running` without progress for this long was left by a worker that died: the sweep fails it.
        self.JOB_STALLED_MINUTES = float(os.environ.get("JOB_STALLED_MINUTES", "30"))
        self.RATELIMIT_HEADERS_ENABLED = True
        # Per-address limit on sign-in posts (e.g. "300 per minute;3000 per hour"); empty: the built-in one.
        self.SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@tongxin.local")
        self.MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
        self.BACKUP_KEY = os.environ.get("BACKUP_KEY", "")  # a Fernet key: `flask backup --generate-key`
        self.INTEGRITY_KEY = os.environ.get("INTEGRITY_KEY", "")  # keys the hash chains (default: SECRET_KEY)
        # Reminders (community.reminders): a webhook for SMS or WeChat gateways, quiet hours, retries, links.
        self.WEBHOOK_URL = os.environ.get("WEBHOOK_URL", "")
        self.WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET", "")
        self.WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
        self.QUIET_HOURS_START = os.environ.get("QUIET_HOURS_START", "21:00")
        self.QUIET_HOURS_END = os.environ.get("QUIET_HOURS_END", "08:00")
        self.REMINDER_MAX_ATTEMPTS = int(os.environ.get("REMINDER_MAX_ATTEMPTS", "5"))
        self.REMINDER_RETRY_SECONDS = int(os.environ.get("REMINDER_RETRY_SECONDS", "60"))  # doubled each try
        self.REMINDER_SENDING_LEASE = int(os.environ.get("REMINDER_SENDING_LEASE", "300"))  # then a row is retried
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "")  # e.g. https://tongxin.example.cn: links in e-mails
        self.TIME_ZONE = TIME_ZONE
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        self.BABEL_DEFAULT_TIMEZONE = TIME_ZONE
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.API_TITLE = "Tongxin 同心圆 API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.API_SPEC_OPTIONS = {
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": "同心圆 public JSON API: see shared/API.md. Errors are "
                                    "{\"error\": {\"code\", \"message\", \"fields\"}}."},
        }
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024
        self.API_TOKEN_DAYS = 30
        self.TRUST_PROXY = os.environ.get("TRUST_PROXY", "") in ("1", "true", "yes")
        # Flask-Compress: text answers (pages, JSON, CSS, JS, SVG) in Brotli or gzip; downloads (xlsx, pdf, fonts,
        # images) are not in the list, so they go out byte for byte, streamed as before.
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        self.COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]  # static files are streamed from disk
        self.COMPRESS_REGISTER = False  # create_app registers it, leaving byte ranges alone
        self.COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
                                   "application/json", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon"]
        for key, value in overrides.items():
            setattr(self, key, value)
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(self.SQLALCHEMY_DATABASE_URI)
        if "SESSION_COOKIE_SECURE" not in overrides:
            self.SESSION_COOKIE_SECURE = cookies_secure(testing=bool(getattr(self, "TESTING", False)))
        if "REMEMBER_COOKIE_SECURE" not in overrides:
            self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        if "RATELIMIT_STORAGE_URI" not in overrides:
            self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        if "SQLALCHEMY_ENGINE_OPTIONS" not in overrides:
            self.SQLALCHEMY_ENGINE_OPTIONS = (
                {"connect_args": {"timeout": 30, "check_same_thread": False}}
                if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite") else {"pool_pre_ping": True})


def compile_catalogues(directory: Path) -> list[Path]:
    """Compile each translations/*/LC_MESSAGES/messages.po whose .mo is missing or older (returns those compiled).

    The documented set-up runs `pybabel compile -d translations`; this safety net keeps a deployment that skipped
    it, or pulled a new .po and only restarted, from falling back to English. Each worker writes a temporary
    file and renames it into place, so workers starting together never read half a catalogue."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
            with temporary.open("wb") as target:
                write_mo(target, catalogue)
            os.replace(temporary, mo)
            compiled.append(mo)
        except OSError as error:  # a read-only checkout: the documented compile step is then the only way
            import logging

            logging.getLogger(__name__).error("cannot compile %s (%s): the interface falls back to English", po, error)
    return compiled


def select_locale() -> str:
    """Chinese unless the visitor chose English (session) or an API client asks for it."""
    if not has_request_context():
        return "zh_Hans_CN"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.headers.get("Accept-Language", "").lower().startswith("en") and request.path.startswith("/api/"):
        return "en"
    return "zh_Hans_CN"


def create_app(config: Config | dict | None = None, extra_packages=()) -> Flask:
    """Build the application: extensions, then every package's `init_app`, which registers through the
    app's registry (community.registry); the registry then checks that the packages fit together.

    `extra_packages`: more objects with an `init_app(app)` (tests plug toy packages in this way)."""
    if config is None or isinstance(config, dict):
        config = Config(**(config or {}))
    app = Flask(__name__, instance_path=config.INSTANCE_PATH, template_folder="templates")
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    compile_catalogues(Path(config.BABEL_TRANSLATION_DIRECTORIES))
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: TIME_ZONE)
    limiter.init_app(app)
    compress.init_app(app)
    # Registered first, so it runs last, on the finished answer; a byte range (206) must stay the bytes asked for.
    app.after_request(lambda response: response if response.status_code == 206 else compress.after_request(response))
    from community.apitools import ApiErrorSchema

    api.ERROR_SCHEMA = ApiErrorSchema  # documented error responses show the body the API really returns
    api.init_app(app)
    from community.apitools import decimals_as_strings

    api.ma_plugin.converter.add_attribute_function(decimals_as_strings)  # each init_app makes a new spec

    import branches
    import community
    import community.discussions
    import community.elections
    import community.meetings
    import volunteers
    from community.registry import init_registry

    registry = init_registry(app)
    for package in (community, community.elections, community.meetings, community.discussions, branches, volunteers,
                    *extra_packages):
        package.init_app(app)
    registry.finalize()

    from community.background import make_queue

    make_queue(app)
    return app
