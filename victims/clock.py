"""The one place the service asks what time it is, so tests can freeze or move it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from victims.domain.calendar import LONDON, london_date

__all__ = ["LONDON", "london_date", "today", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in England and Wales."""
    return london_date(utcnow())
