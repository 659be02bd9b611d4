"""The one place the service asks what time it is, so tests can freeze or move it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in England and Wales."""
    return utcnow().astimezone(LONDON).date()
