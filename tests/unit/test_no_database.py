"""The unit layer's guard (tests/unit/conftest.py) stops a test that reaches for a database."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.unit.conftest import DatabaseUsed


def test_an_engine_cannot_connect():
    engine = create_engine("sqlite://")
    with pytest.raises(DatabaseUsed, match="belongs in tests/integration"), engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def test_the_drivers_cannot_connect():
    with pytest.raises(DatabaseUsed):
        sqlite3.connect(":memory:")
    with pytest.raises(DatabaseUsed):
        psycopg.connect("postgresql://127.0.0.1/test")
