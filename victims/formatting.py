"""Dates and times as GOV.UK writes them. Pure: used by pages, emails and documents alike."""

from __future__ import annotations

from datetime import date, datetime

from victims.clock import LONDON, london_date


def govuk_date(value: date | datetime | None) -> str:
    """3 March 2027."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london_date(value)
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """3 March 2027 at 2:05pm (Europe/London)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
