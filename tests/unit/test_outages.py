"""Telling a database that is down from SQL of ours that is wrong (victims.outages)."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from victims.outages import is_database_down


def _error(kind, original, invalidated=False):
    return kind("SELECT 1", {}, original, connection_invalidated=invalidated)


def _sqlite(name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(name)
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    ("error", "down"),
    [
        (_error(OperationalError, SimpleNamespace(sqlstate=None)), True),  # connection refused
        (_error(OperationalError, SimpleNamespace(sqlstate="57P01")), True),  # admin shutdown
        (_error(OperationalError, SimpleNamespace(sqlstate="08006")), True),  # connection failure
        (_error(OperationalError, SimpleNamespace(sqlstate="40P01")), False),  # deadlock
        (_error(OperationalError, SimpleNamespace(sqlstate="40P01"), invalidated=True), True),
        (_error(InterfaceError, Exception("the connection is closed")), True),
        (_error(OperationalError, _sqlite("SQLITE_CANTOPEN")), True),
        (_error(OperationalError, _sqlite("SQLITE_ERROR")), False),  # no such table
        (_error(ProgrammingError, SimpleNamespace(sqlstate="42P01")), False),
        (_error(IntegrityError, SimpleNamespace(sqlstate="23505")), False),
        (RuntimeError("boom"), False),
        (None, False),
    ],
)
def test_only_an_unreachable_database_counts_as_down(error, down):
    assert is_database_down(error) is down
