"""Fixtures for the integration tests.

- For the migration tests: an application on an empty database of each kind, which the test
  migrates itself (upgrade / downgrade) with the rows it needs at each revision.
- For the tests that start real processes beside the suite (reminder faults, outages, two
  machines): a redis-server of the module's own and GOV.UK Notify faked on a local port."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.fakes.notify import RunningFake
from tests.helpers import keeping_default_celery_app, throwaway_postgres_database
from tests.processes import RedisServer, required
from victims import create_app
from victims.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    else:
        yield from throwaway_postgres_database()


@pytest.fixture()
def migrated_app(database_url) -> Iterator[Flask]:
    with keeping_default_celery_app():
        application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    """A redis-server of the module's own, keeping nothing on disk."""
    if shutil.which("redis-server") is None:
        required("redis-server", "not installed (Debian package redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notify() -> Iterator[RunningFake]:
    """GOV.UK Notify faked on a local port, for processes that call it through its client."""
    with RunningFake() as running:
        yield running
