"""End-to-end set-up: the real app in its own process, on its own database, driven by
headless Chromium.

The database is built by the real migrations and filled by `flask seed demo`, so the
browser sees what a newcomer sees after `make run`. With TEST_DATABASE_URL pointing at
PostgreSQL (as in CI) the server gets a database of its own (`vcs_e2e`), never the one
the other tests roll back in; otherwise a SQLite file in a temporary folder.

The live server has a base map: a fake XYZ tile server (tests.fakes.tiles) started here is
its map provider (MAP_TILE_URL, MAP_TILE_ATTRIBUTION), so every map on screen loads tiles from
it and every printed map is drawn over them.

Every page a test visits goes through `ui.check()`: axe finds no accessibility
violations, the browser logged no errors, GOV.UK Frontend started its components, and
nothing was fetched from any host but the live server and the tile server. A page loaded
without a check fails the test.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.fakes.tiles import ATTRIBUTION as TILE_ATTRIBUTION
from tests.fakes.tiles import FakeTiles
from victims.demo.staff import DEMO_DOMAIN, demo_password, demo_totp_secret

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
E2E_DATABASE = os.environ.get("E2E_DATABASE_NAME", "vcs_e2e")
# What `flask seed demo` printed for the live server (sign-ins, the demo's feedback link).
SEED_PRINTED: list[str] = []
STARTUP_SECONDS = 30


# ---------------------------------------------------------------------------
# The live server and its database
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_admin(url: str):
    """An autocommit psycopg connection to the server's maintenance database."""
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return psycopg.connect(
        host=parts.host or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def _recreate_postgres_database(url: str) -> str:
    from psycopg import sql
    from sqlalchemy.engine import make_url

    with _postgres_admin(url) as connection:
        name = sql.Identifier(E2E_DATABASE)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return make_url(url).set(database=E2E_DATABASE).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    from psycopg import sql

    with _postgres_admin(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(E2E_DATABASE))
        )


def _flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "victims", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the live server stopped:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310  (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"no answer within {STARTUP_SECONDS} s from the live server:\n{log.read_text()}", pytrace=False
    )


@pytest.fixture(scope="session")
def tile_server() -> FakeTiles:
    """The live server's map provider: a fake XYZ tile server on the loopback."""
    server = FakeTiles().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, tile_server) -> str:
    """The base URL of the real app, migrated and seeded with the demo data, with the fake tile
    server as its map provider."""
    for asset in ("govuk-frontend.min.js", "moj-frontend.min.js", "app.js", "app.css"):
        if not (ROOT / "static" / asset).exists():
            pytest.fail(f"static/{asset} is missing: run `npm run build` (or `make e2e`)", pytrace=False)
    instance = tmp_path_factory.mktemp("e2e-instance")
    shared_url = os.environ.get("TEST_DATABASE_URL", "")
    postgres = shared_url.startswith("postgresql")
    database_url = (
        _recreate_postgres_database(shared_url) if postgres else f"sqlite:///{instance / 'e2e.sqlite3'}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "SESSION_", "SQLALCHEMY_")) and key != "TEST_DATABASE_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        VICTIMS_ENV="development",
        INSTANCE_PATH=str(instance),  # development secrets and the embedded broker go here
        SESSION_COOKIE_SECURE="false",  # plain http on the loopback
        PYTHONUNBUFFERED="1",
        MAP_TILE_URL=tile_server.url,
        MAP_TILE_ATTRIBUTION=TILE_ATTRIBUTION,
        MAP_TILE_CACHE_DIR=str(instance / "tile-cache"),
    )
    _flask(env, "db", "upgrade")
    SEED_PRINTED.extend(_flask(env, "seed", "demo").splitlines())
    _flask(env, "reminders", "send-due")  # as `make setup` does: the demo's reminders, at once

    # A real Celery worker on the embedded broker, as `make run` starts: it sends letters (to the
    # development outbox, as there is no Notify key) and reminders.
    with (instance / "worker.log").open("w") as worker_output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=worker_output,
            stderr=subprocess.STDOUT,
        )

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "victims",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-reload",
                "--no-debugger",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if postgres:
            _drop_postgres_database(shared_url)


# ---------------------------------------------------------------------------
# pytest-playwright: Debian's Chromium, pointed at the live server
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def _short_timeouts(page: Page):
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


# ---------------------------------------------------------------------------
# Every page checked: accessibility, console errors, other hosts, GOV.UK JS
# ---------------------------------------------------------------------------

AXE_SCRIPT = Axe().axe_script  # the axe-core that axe-playwright-python bundles
# Injected once per document; only the violations come back (the full results are large and slow).
AXE_RUN = "(options) => axe.run(document, options).then((results) => results.violations)"
AXE_OPTIONS = {"resultTypes": ["violations"]}  # every rule axe runs by default, best practices too

# The one finding we accept, node by node. The GOV.UK Design System puts the back link before
# <main> on purpose, so "Skip to main content" skips it too; axe's best-practice `region` rule
# (not a WCAG criterion) flags that. Known upstream: alphagov/govuk-design-system-backlog#32,
# alphagov/govuk-frontend#1604. Any other node outside a landmark still fails.
ACCEPTED = {"region": (".govuk-back-link",)}


def run_axe(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations = []
    for violation in page.evaluate(AXE_RUN, AXE_OPTIONS):
        accepted = ACCEPTED.get(violation["id"], ())
        nodes = [node for node in violation["nodes"] if ", ".join(map(str, node["target"])) not in accepted]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def axe_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(f"\n* {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    - {', '.join(str(part) for part in node['target'])}")
            lines.append(f"      {node.get('html', '').strip()[:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


@dataclass
class Watched:
    """What the browser did that a test must not let pass silently."""

    origin: str
    also_allowed: frozenset[str] = frozenset()  # the tile server's origin
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    unchecked_loads: list[str] = field(default_factory=list)

    def take_problems(self) -> list[str]:
        """The problems seen since the last call (each is reported once)."""
        found = []
        if self.console_errors:
            found.append("Browser console errors:\n  " + "\n  ".join(self.console_errors))
        if self.foreign_requests:
            found.append(
                "Requests to other hosts than the live server:\n  " + "\n  ".join(self.foreign_requests)
            )
        self.console_errors, self.foreign_requests = [], []
        return found


class UI:
    """A page plus the checks every visited page must pass."""

    def __init__(self, page: Page, base_url: str, tiles_url: str = ""):
        self.page = page
        self.base_url = base_url
        allowed = frozenset({_origin(tiles_url)}) if tiles_url else frozenset()
        self.watched = Watched(origin=_origin(base_url), also_allowed=allowed)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.watched.console_errors.append(f"[pageerror] {error}"))
        page.on("request", self._on_request)
        page.on("load", lambda loaded: self.watched.unchecked_loads.append(loaded.url))

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.watched.console_errors.append(f"{message.text} ({where or self.page.url})")

    def _on_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if _origin(url) != self.watched.origin and _origin(url) not in self.watched.also_allowed:
            self.watched.foreign_requests.append(f"{request.method} {url}")

    # -- navigation -------------------------------------------------------

    def goto(self, path: str) -> UI:
        self.page.goto(path)
        return self.check()

    def submit(self, button_name: str, *, refused: bool = False) -> UI:
        """Press a form's button, wait for the next page, check it. `refused`: the page answers
        400 with its GOV.UK errors (the browser logs that status as a console error: expected)."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button_name, exact=True).click()
        if refused:
            assert navigation.value.status == 400, f"{button_name}: answered {navigation.value.status}"
            self.watched.console_errors = [
                error for error in self.watched.console_errors if "status of 400" not in error
            ]
        return self.check()

    def follow(self, locator) -> UI:
        with self.page.expect_navigation():
            locator.click()
        return self.check()

    def section(self, name: str) -> UI:
        """Open a section of the case page from its sub-navigation ("People", "Letters" …)."""
        sections = self.page.get_by_role("navigation", name="Case sections")
        self.follow(sections.get_by_role("link", name=name, exact=True))
        expect(sections.locator("[aria-current=page]")).to_have_text(name)
        return self

    # -- the checks -------------------------------------------------------

    def check(self) -> UI:
        """Run every per-page check on the page as it is now."""
        page = self.page
        page.wait_for_load_state("load")
        loads = self.watched.unchecked_loads
        assert len(loads) <= 1, f"pages loaded without being checked: {loads[:-1]}"
        self.watched.unchecked_loads = []

        violations = run_axe(page)
        assert not violations, f"on {page.url}\n{axe_report(violations)}"

        uninitialised = page.evaluate(
            """() => [...document.querySelectorAll('[data-module^="govuk-"], [data-module^="moj-"]')]
                 .filter((el) => !el.hasAttribute(`data-${el.dataset.module}-init`))
                 .map((el) => el.dataset.module)"""
        )
        assert not uninitialised, f"on {page.url}: JavaScript components not started: {uninitialised}"
        problems = self.watched.take_problems()
        assert not problems, f"on {page.url}\n" + "\n".join(problems)
        return self

    def finish(self) -> None:
        problems = self.watched.take_problems()
        if self.watched.unchecked_loads:
            problems.append(f"Pages loaded without being checked: {self.watched.unchecked_loads}")
        assert not problems, "\n".join(problems)

    # -- signing in -------------------------------------------------------

    def sign_in(self, who: str) -> UI:
        """Sign in as a demo user ("amelia.vlo") over HTTP in this browser context, then
        open the home page. The sign-in pages themselves are driven and checked in
        test_sign_in.py; here they would only add seconds to every test."""
        email = f"{who}@{DEMO_DOMAIN}"
        http = self.page.request  # shares the browser context's cookies
        steps = [
            ("/sign-in", lambda: {"email": email, "password": demo_password(email)}),
            ("/sign-in/security-code", lambda: {"code": totp_code(email)}),
        ]
        for path, fields in steps:
            form = http.get(path)
            token = CSRF_TOKEN.search(form.text())
            assert token, f"no CSRF token on {path} (status {form.status})"
            answer = http.post(path, form={"csrf_token": token.group(1), **fields()}, max_redirects=0)
            assert answer.status == 302, f"{path} answered {answer.status}"
        self.goto("/")
        expect(self.page.locator(".app-signed-in-as")).to_contain_text("Signed in as")
        return self


CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Each demo user's last used step, so a test that signs in twice never reuses a code.
_last_step: dict[str, int] = {}


def totp_code(email: str) -> str:
    """A code the server will accept: a step not used yet, inside its window (current - 1
    to current + 1). The current step, not the previous one, so that a step boundary passing
    before the server checks the code still leaves it inside the window."""
    current = int(time.time()) // 30
    step = max(current, _last_step.get(email, current - 1) + 1)
    if step > current + 1:
        time.sleep(30 - time.time() % 30 + 0.5)
        return totp_code(email)
    _last_step[email] = step
    return pyotp.TOTP(demo_totp_secret(email)).generate_otp(step)


@pytest.fixture()
def ui(page: Page, base_url: str, tile_server: FakeTiles):
    """The page, checked on every visit; fails the test on console errors or hosts other than the
    live server and its tile server."""
    watched = UI(page, base_url, tile_server.url)
    yield watched
    watched.finish()
