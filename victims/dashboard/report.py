"""The monthly regional report (issue 15, item 5): one region's caseload balance, compliance and
victims' feedback for a calendar month, printed as a tagged PDF with its charts and tables.

Each part of the oversight gives a `Section` (plain figures, charts and tables, already scoped and
already suppressed where numbers are small); this module only lays them out and prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from victims import printing
from victims.charts import Chart

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]


@dataclass(frozen=True)
class Section:
    title: str
    # Key figures, as (label, value as shown): "Open cases", "3,412".
    figures: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_month(text: str | None, today: date) -> date | None:
    """The first day of a month written "2026-10"; None when it is not one, or is after this month,
    or is more than five years back."""
    match = _MONTH.fullmatch(text or "")
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    first = date(year, month, 1)
    if first > today.replace(day=1) or first < date(today.year - 5, today.month, 1):
        return None
    return first


def last_month(today: date) -> date:
    """The first day of the month before today's: the month a report is usually for."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def report_pdf(region_name: str, first: date, sections: list[Section], made_at: datetime) -> bytes:
    html = printing.render_template(
        "print/regional_report.html",
        region_name=region_name,
        first=first,
        last=month_end(first),
        sections=sections,
        made_at=made_at,
    )
    return printing.html_to_pdf(html)
