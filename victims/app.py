"""create_app(): the Flask application, its extensions, Celery, blueprints and commands.

The entry point of the web service (and, through tasks/, of the workers): it may import every
area; nothing in the package imports it (the import contracts in pyproject.toml)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from urllib.parse import urlsplit

from celery import Celery, Task
from flask import Flask, g, render_template, request, session
from flask_talisman import Talisman
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import victims.models  # noqa: F401  (every table known to the metadata, for Alembic and the tests)
from config import config_for
from victims import crypto, replica
from victims.absences.views import bp as absences_bp
from victims.admin.views import bp as admin_bp
from victims.allocation.views import bp as allocation_bp
from victims.api.cli import api_clients_cli
from victims.api.problems import problem
from victims.api.views import bp as api_bp
from victims.auth import services as auth
from victims.auth.views import bp as auth_bp
from victims.calibration.views import bp as calibration_bp
from victims.cases.views import bp as cases_bp
from victims.compliance.views import bp as compliance_bp
from victims.dashboard.views import bp as dashboard_bp
from victims.demo.cli import seed_cli
from victims.extensions import csrf, db, limiter, login_manager, migrate
from victims.feedback.views import bp as feedback_bp
from victims.imports.views import bp as imports_bp
from victims.letters.defaults import load_texts
from victims.letters.views import bp as letters_bp
from victims.main.views import bp as main_bp
from victims.notify.views import bp as notify_bp
from victims.outages import DATABASE_DOWN, is_database_down
from victims.oversight.views import bp as oversight_bp
from victims.people.views import bp as people_bp
from victims.postcodes.cli import postcodes_cli
from victims.prerelease.views import bp as prerelease_bp
from victims.reminders.cli import reminders_cli
from victims.reminders.views import bp as reminders_bp
from victims.staff.views import bp as staff_bp
from victims.web import layout
from victims.web.forms import draw_widgets_without_page_context
from victims.web.input import init_input_guard
from victims.web.paging import pagination
from victims.web.security import guard
from victims.web.transactions import init_commit_point
from victims.work.views import bp as work_bp
from victims.workforce.views import bp as workforce_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_class = config_for(config_name)
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        static_url_path="/assets",
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.check(app.config)
    crypto.configure(app.config["FIELD_ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"])
    load_texts()  # the built-in letter texts: a broken file stops the service here, not in a letter

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Record ids are 32-bit in the database: a larger number in a URL is simply not found.
    app.url_map.converters["int"] = DatabaseIdConverter
    _init_database(app)
    csrf.init_app(app)
    init_input_guard(app)
    login_manager.init_app(app)
    _init_client_addresses(app)
    _init_security_headers(app)
    _init_sessions(app)
    _register_blueprints(app)
    _init_templates(app)
    _init_errors(app)
    init_commit_point(app)
    _init_celery(app)
    _quiet_logs(app)
    return app


def _sqlite_behaves(engine) -> None:
    """Foreign keys on, and real transactions: Python's sqlite3 driver otherwise delays BEGIN
    until the first write, so a SAVEPOINT can open (and its RELEASE commit) the outermost
    transaction. Only on the service's own engine: kombu's SQLite broker manages its own."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _init_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # A database that is down or unreachable fails a connection attempt in seconds, so pages get
    # the "service unavailable" page and /health its answer quickly. The same for the replica.
    app.config["POSTGRES_CONNECT_ARGS"] = _postgres_connect_args(app.config)
    if uri.startswith("postgresql"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {**app.config["POSTGRES_CONNECT_ARGS"], **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    replica.configure(app)  # a second engine for the oversight pages' reads, when configured
    db.init_app(app)
    with app.app_context():
        if uri.startswith("sqlite"):
            _sqlite_behaves(db.engine)
        replica.init_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)


def _postgres_connect_args(config) -> dict:
    args: dict = {"connect_timeout": config["DATABASE_CONNECT_TIMEOUT_SECONDS"]}
    threshold = str(config.get("DATABASE_PREPARE_THRESHOLD") or "").strip().lower()
    if threshold in {"off", "none"}:
        args["prepare_threshold"] = None  # never prepare on the server (psycopg 3)
    elif threshold:
        args["prepare_threshold"] = int(threshold)
    return args


def _init_client_addresses(app: Flask) -> None:
    """The client's address, as the per-address sign-in limit counts it: behind the trusted
    proxies, the one they put in X-Forwarded-For (anything further left a client could forge)."""
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)


def _init_security_headers(app: Flask) -> None:
    csp = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    tiles = app.config.get("MAP_TILE_URL") or ""
    if tiles:
        # The deployment's tile server for the exclusion-zone map (none by default).
        parts = urlsplit(tiles)
        host = parts.netloc.replace("{s}.", "*.")  # Leaflet's {s} subdomains
        csp["img-src"] += f" {parts.scheme}://{host}"
    Talisman(
        app,
        force_https=False,  # TLS ends at the load balancer; HSTS is still sent
        strict_transport_security=not app.debug,
        content_security_policy=csp,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="no-referrer",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def no_store(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.endpoint != "static":
            # Signed-in pages hold case data: never keep them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def _init_sessions(app: Flask) -> None:
    login_manager.session_protection = None  # our own server-side sessions do this job

    @login_manager.request_loader
    def load_user_from_session(_request):
        record, reason = auth.load_session(session.get("sid"))
        if record is None:
            if reason:
                session.pop("sid", None)
                g.session_end_reason = reason
            return None
        g.user_session = record
        if request.endpoint not in {"auth.session_status", "static"}:
            # A read within a few seconds of the last one writes nothing; anything else (a form
            # sent, "stay signed in") notes the session in use at once.
            quietly = request.method in ("GET", "HEAD") and request.endpoint != "auth.extend_session"
            auth.touch_session(record, unless_within=app.config["SESSION_TOUCH_EVERY"] if quietly else None)
        return record.user

    @login_manager.user_loader
    def never_from_cookie(_user_id):  # identity comes only from the server-side session
        return None

    app.before_request(guard(app))


def _register_blueprints(app: Flask) -> None:
    blueprints = (
        main_bp,
        auth_bp,
        cases_bp,
        people_bp,
        admin_bp,
        oversight_bp,
        work_bp,
        api_bp,
        imports_bp,
        reminders_bp,
        notify_bp,
        letters_bp,
        staff_bp,
        prerelease_bp,
        workforce_bp,
        allocation_bp,
        absences_bp,
        calibration_bp,
        dashboard_bp,
        compliance_bp,
        feedback_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.cli.add_command(seed_cli)
    app.cli.add_command(api_clients_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(postcodes_cli)


def _init_templates(app: Flask) -> None:
    WTFormsHelpers(app)
    draw_widgets_without_page_context()
    layout.register(app)
    app.add_template_global(pagination)


def _init_errors(app: Flask) -> None:
    messages = {
        400: ("There is a problem with your request", "Check the page and try again."),
        401: ("You need to sign in", "Sign in to use this service."),
        403: ("You do not have permission to see this page", "Ask your senior officer if you need it."),
        404: ("Page not found", "If you typed the web address, check it is correct."),
        405: ("Page not found", "If you typed the web address, check it is correct."),
        413: ("The file is too large", "Choose a smaller file."),
        429: ("Too many requests", "Wait a few minutes and try again."),
        500: ("Sorry, there is a problem with the service", "Try again later."),
        503: (
            "Sorry, the service is unavailable",
            "Try again in a few minutes. Anything you were saving has not been saved.",
        ),
    }

    def render_error(status: int, error: BaseException | None = None):
        if is_database_down(error):
            status = 503
        title, body = messages.get(status, messages[500])
        if request.path.startswith("/api/"):
            return problem(status, title, body)
        if status != 503:
            try:
                return render_template("errors/error.html", title=title, body=body, status=status), status
            except Exception as failure:
                if not is_database_down(failure):
                    raise
                app.logger.warning("The error page could not reach the database; drawn without it")
        return _error_page_without_database(title, body, status)

    def _error_page_without_database(title: str, body: str, status: int):
        """The page drawn as for someone signed out: the layout would otherwise load the user,
        their session and their unread count from the database that is down, and the error
        raised by the error page itself would leave only Werkzeug's bare text."""
        with contextlib.suppress(*DATABASE_DOWN):
            db.session.rollback()
        login_manager._update_request_context_with_user()  # anonymous, without asking the database
        g.navigation = []
        g.pop("user_session", None)
        return render_template("errors/error.html", title=title, body=body, status=status), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        with contextlib.suppress(*DATABASE_DOWN):
            db.session.rollback()
        cause = getattr(error, "original_exception", None)  # what an InternalServerError wraps
        app.logger.info("HTTP %s on %s: %s", error.code, request.endpoint, error.description)
        return render_error(error.code or 500, cause)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        with contextlib.suppress(*DATABASE_DOWN):
            db.session.rollback()
        if is_database_down(error):
            # Expected during an outage: one line, not a traceback per request.
            app.logger.warning(
                "Database unreachable on %s %s (%s)", request.method, request.endpoint, type(error).__name__
            )
        else:
            # The traceback names no victim: models' reprs show ids only.
            app.logger.exception("Unhandled error on %s %s", request.method, request.endpoint)
        return render_error(500, error)


def _init_celery(app: Flask) -> None:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app


def _quiet_logs(app: Flask) -> None:
    # Werkzeug's access log prints query strings, which can carry search terms (names), and
    # paths, where a victim's feedback link carries its token (/f/<token>, issue 15).
    class DropQueryStrings(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if isinstance(record.args, tuple) and record.args:
                first = record.args[0]
                if isinstance(first, str) and ("?" in first or " /f/" in first):
                    parts = first.split(" ")
                    if len(parts) == 3:
                        path, query, _rest = parts[1].partition("?")
                        if path.startswith("/f/") and path != "/f/thank-you":
                            path = "/f/[removed]"
                        parts[1] = path + ("?[removed]" if query else "")
                        record.args = (" ".join(parts),) + record.args[1:]
            return True

    logging.getLogger("werkzeug").addFilter(DropQueryStrings())
