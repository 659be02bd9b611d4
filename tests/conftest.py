"""Test set-up: the schema is built by the real migrations, once per run, and every
test runs inside a transaction that is rolled back (a savepoint for the code's commits).

TEST_DATABASE_URL picks the database: PostgreSQL in CI, a SQLite file otherwise.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

from tests import factories
from victims import clock, create_app
from victims.extensions import db


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_database(url: str) -> None:
    """Empty a PostgreSQL test database so the migrations start from nothing."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    reset_database(url)
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        upgrade()
    yield application
    # Close the pool's connections now. Left to the garbage collector, they are closed when the
    # application is collected at the end of the session, and psycopg warns of each connection
    # "deleted while still open": a ResourceWarning, an error here, failing a green run.
    with application.app_context():
        db.session.remove()
        for engine in db._app_engines[application].values():
            engine.dispose()
    # Anything else left open is found here, every run, rather than whenever the collector
    # happens to run: its ResourceWarning fails the session at this point.
    gc.collect()


@pytest.fixture(autouse=True)
def _fresh_address_limits():
    """Each test starts with no sign-in failures counted against any client address (the limits
    live in this process's memory in tests, and every test client comes from 127.0.0.1)."""
    from victims.extensions import limiter

    if limiter.initialized:
        limiter.reset()
    yield


@pytest.fixture()
def database(app) -> Iterator:
    """A connection whose outer transaction is rolled back after the test."""
    with app.app_context():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection  # the session binds to this connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield db
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine


@pytest.fixture()
def frozen_clock(monkeypatch):
    """Set and move the service's clock: frozen_clock.set(dt), frozen_clock.advance(minutes=5)."""

    class Clock:
        now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

        def set(self, value: datetime) -> None:
            self.now = value

        def advance(self, **kwargs) -> None:
            self.now = self.now + timedelta(**kwargs)

    fake = Clock()
    monkeypatch.setattr(clock, "utcnow", lambda: fake.now)
    return fake


@pytest.fixture()
def make(database):
    return factories.Factory(database.session)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(database):
    """with count_queries() as counter: ...; counter.count"""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        target = database.engines[None].engine  # the Engine behind the test's connection
        event.listen(target, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(target, "before_cursor_execute", counter)

    return counting


def next_unused_code(user) -> str:
    """A code the service will accept now: a step not yet used, within the drift window."""
    db.session.refresh(user)
    current = int(clock.utcnow().timestamp()) // 30
    # Prefer the current step: a step about to fall out of the window could be refused.
    step = max(current, (user.totp_last_step or 0) + 1)
    assert step <= current + 1, "no unused code in the window: advance the clock"
    return pyotp.TOTP(user.totp_secret).generate_otp(step)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """A test client that signs in like a person and reads pages like one."""

    def __init__(self, app, user=None):
        self.app = app
        self.client = app.test_client()
        self.user = user

    def _send(self, method: str, path: str, **kwargs):
        # A fresh app context per request, as in production: `g` and the database
        # session do not leak from the test (or one request) into the next.
        with self.app.app_context():
            return getattr(self.client, method)(path, **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self._send("get", path)
        match = CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {path} (status {page.status_code})"
        return match.group(1)

    def get(self, path: str, status: int = 200, **kwargs) -> str:
        response = self._send("get", path, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.headers.get("Location"))
        return response.get_data(as_text=True)

    def post(
        self, path: str, data: dict | None = None, status: int | None = None, form_path: str | None = None
    ):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(form_path or path))
        response = self._send("post", path, data=data)
        if status is not None:
            assert response.status_code == status, (
                path,
                response.status_code,
                response.get_data(as_text=True)[:2000],
            )
        return response

    def sign_in(self, user=None, password: str = factories.PASSWORD) -> Browser:
        user = user or self.user
        self.post("/sign-in", {"email": user.email, "password": password}, status=302)
        code = next_unused_code(user)
        response = self.post("/sign-in/security-code", {"code": code}, form_path="/sign-in/security-code")
        assert response.status_code == 302, re.findall(
            r"<h1.*?</h1>|<p class=\"govuk-body\">.*?</p>|error-message.*?</p>",
            response.get_data(as_text=True),
            re.S,
        )
        return self


@pytest.fixture()
def web(app, database):
    """web(user) -> a signed-in Browser; web() -> signed out."""

    def make_browser(user=None, sign_in: bool = True) -> Browser:
        client = Browser(app, user)
        if user is not None and sign_in:
            client.sign_in()
        return client

    return make_browser


@pytest.fixture(scope="session")
def _notify_server():
    from tests.fakes.notify import RunningFake

    with RunningFake() as running:
        yield running


@pytest.fixture()
def fake_notify(app, _notify_server, monkeypatch):
    """GOV.UK Notify, faked on a local port and called through the real client library."""
    from tests.fakes.notify import LETTER_EMAIL_TEMPLATE_ID, REMINDER_TEMPLATE_ID

    _notify_server.fake.reset()
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", _notify_server.fake.api_key)
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", _notify_server.url)
    monkeypatch.setitem(app.config, "NOTIFY_REMINDER_TEMPLATE_ID", REMINDER_TEMPLATE_ID)
    monkeypatch.setitem(app.config, "NOTIFY_LETTER_EMAIL_TEMPLATE_ID", LETTER_EMAIL_TEMPLATE_ID)
    yield _notify_server.fake
    _notify_server.fake.reset()


@pytest.fixture(scope="module")
def poppler():
    """poppler-utils, to read PDFs back (skipped without it, or failed under REQUIRE_SERVICES=1)."""
    import shutil

    missing = [tool for tool in ("pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        why = f"{', '.join(missing)} not installed (Debian package poppler-utils; `make system-packages`)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{why}, and REQUIRE_SERVICES=1")
        pytest.skip(why)


@pytest.fixture()
def no_weasyprint_warnings(caplog):
    """WeasyPrint reports bad CSS, bad SVG and unfetchable resources by logging, not with warnings:
    a test that uses this fails if it logs any."""
    import logging

    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    complaints = [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")]
    assert complaints == []
