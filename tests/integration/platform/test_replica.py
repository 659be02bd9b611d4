"""DATABASE_REPLICA_URL sends the oversight pages' reads to a second database, and nothing else.

The stand-in replica is a second database, migrated by the real migrations, holding *different*
rows from the primary (a PostgreSQL database of the test's own in CI, a SQLite file otherwise).
So which database a page read is seen in what it shows: the national balance page, its CSV and
the feedback report show the replica's figures; the same pages without the setting, and a case
page with it, show the primary's; the exports' audit records are written to the primary. A
replica that cannot be reached sends those pages back to the primary, logged once."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.factories import Factory
from tests.helpers import keeping_default_celery_app, signed_in, throwaway_postgres_database
from tests.integration.feedback.test_feedback_reports import respond
from victims import create_app, replica
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.extensions import REPLICA, db
from victims.snapshots import services as snapshots

TODAY = date(2026, 11, 25)
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/no_replica_here"


@pytest.fixture(scope="module")
def replica_url(tmp_path_factory) -> Iterator[str]:
    """The stand-in replica, migrated, with its own rows: a team of the East of England whose VLO
    holds 3 open cases (CRNs RPLICA1–3), the day's snapshot of them, and 6 feedback responses."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        urls = throwaway_postgres_database("vcs_replica")
        url = next(urls)
    else:
        urls = None
        url = f"sqlite:///{tmp_path_factory.mktemp('replica') / 'replica.sqlite3'}"
    with keeping_default_celery_app():
        service = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with service.app_context():
        upgrade()
        make = Factory(db.session)
        team = make.team(name="Replica team")
        vlo = make.user(Role.VLO, team, name="Rhian Replica")
        for number in range(3):
            make.case(vlo=vlo, crn=f"RPLICA{number + 1}")
        respond(team, 6, on=date(2026, 11, 2))
        db.session.commit()
        assert snapshots.take(TODAY) > 0
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield url
    if urls is not None:
        next(urls, None)  # drops the database


@pytest.fixture()
def primary(make, database, frozen_clock) -> dict:
    """The primary's own rows (rolled back after the test): a team of the same region whose VLO
    holds 1 open case, the day's snapshot, no feedback; a national manager."""
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    team = make.team(name="Primary team")
    vlo = make.user(Role.VLO, team, name="Pat Primary")
    case = make.case(vlo=vlo, crn="PRIMRY1")
    assert snapshots.take(TODAY) > 0
    manager = make.user(Role.MANAGER, region=make.region(), national=True, name="Nina National")
    return {"region": make.region(), "vlo": vlo, "case": case, "manager": manager}


@contextmanager
def service_with_replica(app: Flask, url: str) -> Iterator[Flask]:
    """A fresh application with DATABASE_REPLICA_URL set, whose primary is the test's connection
    (so it sees the test's rows and is rolled back with them)."""
    with keeping_default_celery_app():
        fresh = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], DATABASE_REPLICA_URL=url
        )
    engines = db._app_engines[fresh]
    own = engines[None]
    engines[None] = db._app_engines[app][None]
    try:
        yield fresh
    finally:
        engines[None] = own
        own.dispose()
        engines[REPLICA].dispose()


def _cell(html: str, region_id: int, col: str) -> str:
    table = re.search(r'data-testid="children".*?</table>', html, re.S).group(0)
    row = re.search(rf'data-child-id="{region_id}".*?</tr>', table, re.S).group(0)
    return re.sub(r"<[^>]+>", " ", re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)).split()[0]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_oversight_pages_read_the_replica_and_case_pages_the_primary(app, database, primary, replica_url):
    region = primary["region"]
    # Without the setting: the primary's figures (1 open case in the region, no feedback).
    plain = signed_in(app, primary["manager"])
    assert _cell(plain.get("/management/"), region.id, "open_cases") == "1"

    with service_with_replica(app, replica_url) as service:
        manager = signed_in(service, primary["manager"])
        assert manager._send("get", "/health").get_json()["replica"] == "ok"
        # The national balance page and its CSV: the replica's snapshot (3 open cases).
        assert _cell(manager.get("/management/"), region.id, "open_cases") == "3"
        rows = _csv(manager._send("get", "/management/export.csv?scope=national&table=children"))
        by_name = {row[0]: row for row in rows[1:]}
        assert by_name["East of England"][2] == "3", rows  # open cases
        # The feedback report: the replica's 6 responses (the primary has none).
        rows = _csv(manager._send("get", "/management/feedback.csv?scope=national&period=12m"))
        assert rows[1][1:3] == ["All responses", "6"], rows
        page = manager.get("/management/feedback?scope=national&period=12m")
        total = re.search(r'data-testid="feedback-total".*?</table>', page, re.S).group(0)
        assert re.search(r">\s*6\s*<", total), total
        # Compliance reads there too (its figures are the compliance tests' business): it answers.
        manager.get("/management/compliance/?scope=national")

        # The exports' audit records went to the primary, within the test's transaction.
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.user_id == primary["manager"].id)
        ).all()
        assert sorted(actions) == ["dashboard_exported", "feedback_exported"]

        # A case page reads the primary: its case PRIMRY1, never the replica's RPLICA1–3 (CRNs no
        # random value on the page, such as its CSP nonce, can happen to hold).
        vlo = signed_in(service, primary["vlo"])
        page = vlo.get(f"/cases/{primary['case'].id}")
        assert "PRIMRY1" in page and "RPLICA" not in page
        assert "RPLICA" not in vlo.get("/cases/mine")


def test_nothing_is_written_through_the_replica(app, replica_url):
    with service_with_replica(app, replica_url) as service, service.app_context():
        engine = db.engines[REPLICA]
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.execute(text("UPDATE teams SET name = 'Changed' WHERE name = 'Replica team'"))
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM teams WHERE name = 'Replica team'")) == 1


def test_an_unreachable_replica_sends_the_pages_to_the_primary_and_is_logged_once(
    app, database, primary, caplog
):
    region = primary["region"]
    with service_with_replica(app, UNREACHABLE) as service:
        manager = signed_in(service, primary["manager"])
        with caplog.at_level(logging.WARNING, logger="victims.replica"):
            assert _cell(manager.get("/management/"), region.id, "open_cases") == "1"
            rows = _csv(manager._send("get", "/management/export.csv?scope=national&table=children"))
            assert {row[0]: row for row in rows[1:]}["East of England"][2] == "1"
        warnings = [r.getMessage() for r in caplog.records if r.name == "victims.replica"]
        assert len(warnings) == 1, warnings  # not once per page
        assert "unreachable" in warnings[0] and "127.0.0.1" not in warnings[0]
        with service.app_context():
            assert replica.status() == replica.DOWN
        assert manager._send("get", "/health").get_json()["replica"] == "down"  # and /health is 200
