"""Fixtures for the migration tests: an application on an empty database of each kind, which
the test migrates itself (upgrade / downgrade) with the rows it needs at each revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.helpers import keeping_default_celery_app, throwaway_postgres_database
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
