"""Unit tests run the pure rules and nothing else: any use of a database fails the test."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.engine import Engine


class DatabaseUsed(AssertionError):
    pass


def _refuse(*_args, **_kwargs):
    raise DatabaseUsed("a unit test used a database: it belongs in tests/integration")


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    """Connecting through SQLAlchemy, or straight to SQLite or PostgreSQL, fails the test."""
    for name in ("connect", "raw_connection", "begin"):
        monkeypatch.setattr(Engine, name, _refuse)
    monkeypatch.setattr(sqlite3, "connect", _refuse)
    monkeypatch.setattr(psycopg, "connect", _refuse)
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(_refuse))
