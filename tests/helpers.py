"""Small helpers shared by the security and integration tests."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from victims import create_app
from victims.cases.models import Case, Offender, Sentence
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.staff.models import Region, Team, User
from victims.work.models import CaseDeadline, Task

# The project folder, and the rendered texts the snapshot tests compare with.
PROJECT = Path(__file__).resolve().parents[1]
SNAPSHOTS = PROJECT / "tests" / "snapshots"

# The layout carries the session's CSRF token for the timeout warning's "stay signed in".
LAYOUT_CSRF = re.compile(r'data-csrf-token="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def task_module(name: str):
    """A module of the `tasks` package ("absences"), loaded by file without importing the package
    (whose import makes the worker's application), under its own name: a later import of the
    package finds it in sys.modules, so each task name is registered once, to one callable."""
    qualified = f"tasks.{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, PROJECT / "tasks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


def send(browser, method: str, path: str, **kwargs):
    """The raw response, in a fresh app context, as the Browser does it."""
    return browser._send(method, path, **kwargs)


def csrf_token(browser, path: str = "/sign-in") -> str:
    """The session's CSRF token, read from a page's form or from the signed-in layout."""
    html = send(browser, "get", path).get_data(as_text=True)
    match = FORM_CSRF.search(html) or LAYOUT_CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_with_token(browser, path: str, data: dict | None = None, from_page: str = "/", **kwargs):
    """POST with the session's token, taken from any page (for roles that cannot open the form)."""
    page = send(browser, "get", from_page, follow_redirects=True).get_data(as_text=True)
    match = FORM_CSRF.search(page) or LAYOUT_CSRF.search(page)
    assert match, f"no CSRF token reachable from {from_page}"
    data = {"csrf_token": match.group(1), **(data or {})}
    return send(browser, "post", path, data=data, **kwargs)


def date_parts(value: date) -> list[str]:
    """A date as the three GOV.UK date boxes send it: day, month, year."""
    return [str(value.day), str(value.month), str(value.year)]


@contextmanager
def app_on_test_connection(app: Flask, setup: Callable[[Flask], None]) -> Iterator[Flask]:
    """A fresh application (so routes can still be added) that reads and writes through the
    test's connection, and so sees the test's data and is rolled back with it."""
    with keeping_default_celery_app():
        fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    setup(fresh)
    engines = db._app_engines[fresh]
    own_engine = engines[None]
    engines[None] = db._app_engines[app][None]  # the test's connection (see conftest.database)
    try:
        yield fresh
    finally:
        engines[None] = own_engine
        own_engine.dispose()


@contextmanager
def keeping_default_celery_app() -> Iterator[None]:
    """create_app() makes its Celery app the process default. Put the old one back, so the
    suite's application (which that default keeps alive, with its pooled connections)
    is not left for the garbage collector while its connection is still open."""
    from celery import _state

    saved = _state.default_app
    try:
        yield
    finally:
        _state.set_default_app(saved)


class PageParser(HTMLParser):
    """Links, scripts and the text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_handlers: list[tuple[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "title":
            self._in_title = True
        for name, _ in attrs:
            if name.startswith("on"):
                self.inline_handlers.append((tag, name))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def signed_in(app: Flask, user):
    """A Browser already signed in as the user, without going through the sign-in pages
    (for tests about something else). The server-side session is made as sign-in makes it."""
    from tests.conftest import Browser
    from victims.auth import services as auth

    browser = Browser(app, user)
    token = auth.start_session(user)  # flushed into the test's transaction
    with browser.client.session_transaction() as session:
        session.permanent = True
        session["sid"] = token
    return browser


POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def throwaway_postgres_database(prefix: str = "vcs_migration_test") -> Iterator[str]:
    """A throwaway PostgreSQL database, made and dropped here (skipped, or failed under
    REQUIRE_SERVICES=1, when PostgreSQL cannot be reached)."""
    try:
        import psycopg

        admin = make_url(POSTGRES_ADMIN_URL)
        connect = {
            "host": admin.host,
            "port": admin.port or 5432,
            "user": admin.username,
            "dbname": admin.database,
            "connect_timeout": 3,
        }
        if admin.password:
            connect["password"] = admin.password
        connection = psycopg.connect(autocommit=True, **connect)
    except Exception as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL is required (REQUIRE_SERVICES=1) but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_service(database_url: str) -> Iterator[Flask]:
    """An application of its own on a throwaway database, migrated to the head: for tests that run
    requests or services in threads, each with its own connection (races). Yields the app and
    closes its connections after."""
    with keeping_default_celery_app():
        application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# -- work for a worker in another process: written straight into its database --------------------


@dataclass
class Work:
    deadline_ids: list[int]
    case_ids: list[int]
    vlo_id: int
    spo_id: int
    emails: bool


def make_work(engine, due_dates: list[date], *, emails: bool) -> Work:
    """A team with a VLO and an SPO, and one case per due date, each with a deadline and its task."""
    with Session(engine) as session, session.begin():
        region_id = session.scalar(select(Region.id).order_by(Region.id).limit(1))
        team = Team(region_id=region_id, name=f"Fault team {uuid.uuid4().hex[:8]}")
        session.add(team)
        session.flush()
        people = {}
        for role in (Role.VLO, Role.SPO):
            people[role] = User(
                email=f"{role.value}-{uuid.uuid4().hex[:8]}@probation.example",
                name=f"Fault {role.label}",
                role=role.value,
                region_id=region_id,
                team_id=team.id,
                password_hash="not-used",
                email_reminders=emails,
                # These tests run on whatever day it really is, weekends too; the wait for a
                # working day is tested with a frozen clock (tests/integration/reminders).
                reminder_emails_any_day=True,
            )
            session.add(people[role])
        session.flush()
        deadline_ids, case_ids = [], []
        for due in due_dates:
            number = uuid.uuid4().int % 10**6
            offender = Offender(crn=f"F{number:06d}", first_name="Fault", last_name=f"Test{number}")
            session.add(offender)
            session.flush()
            sentence = Sentence(
                offender_id=offender.id,
                offence="Wounding with intent",
                offence_category="violent",
                sentence_type="determinate",
                length_months=48,
                sentence_date=date(2024, 3, 1),
            )
            session.add(sentence)
            session.flush()
            case = Case(
                offender_id=offender.id,
                sentence_id=sentence.id,
                region_id=region_id,
                team_id=team.id,
                scheme="statutory",
                referral_received_on=date(2024, 3, 10),
                allocated_vlo_id=people[Role.VLO].id,
            )
            session.add(case)
            session.flush()
            deadline = CaseDeadline(
                case_id=case.id,
                code="initial_contact",
                due_on=due,
                counted_from=due - timedelta(days=14),
                rule_version=1,
                rule_number=10,
            )
            session.add(deadline)
            session.flush()
            session.add(
                Task(
                    case_id=case.id,
                    team_id=team.id,
                    deadline_id=deadline.id,
                    title="Make initial contact with the victims",
                    assigned_to_id=people[Role.VLO].id,
                )
            )
            deadline_ids.append(deadline.id)
            case_ids.append(case.id)
        return Work(deadline_ids, case_ids, people[Role.VLO].id, people[Role.SPO].id, emails)


_NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


def finish(section, words: str = "Written by the VLO.") -> str:
    """A free section's text as a VLO finishes it: every [note in square brackets] written over,
    and what its guidance asks for written (the guidance itself is never in the text)."""
    body = _NOTE.sub(words, section.body)
    if section.guidance and words not in body:
        body = f"{body}\n\n{words}".strip()
    return body


def zone_contains(zone, lat: float, lon: float) -> bool:
    """Whether a WGS 84 point is inside a zone (victims.domain.geometry's polygons), measured on
    the National Grid as the zone's checks measure: for tests of shapes made from postcodes."""
    from shapely.geometry import Point, Polygon

    from victims.domain.geometry import lonlat_to_bng

    point = Point(*lonlat_to_bng(lon, lat))
    for polygon in zone:
        shell, *holes = ([lonlat_to_bng(x, y) for x, y in ring] for ring in polygon)
        if Polygon(shell, holes).contains(point):
            return True
    return False
