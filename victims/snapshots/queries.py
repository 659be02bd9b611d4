"""Reads of the nightly snapshots: the latest day's rows for the national and region pages (which
so read a few hundred small rows, not every case in the country), and a subject's trend.

Each read is one statement (two for the latest day: which day, then its rows), whatever the
number of cases, VLOs or days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from victims.domain.deadlines import add_months
from victims.domain.oversight import TREND_MONTHS, Level
from victims.domain.workload import capacity_percent
from victims.extensions import db
from victims.snapshots.models import Snapshot


@dataclass(frozen=True)
class Row:
    level: Level
    subject_id: int
    region_id: int
    team_id: int | None
    figures: dict[str, int]


@dataclass(frozen=True)
class Day:
    """One day's snapshot rows of a region or the country."""

    taken_on: date
    rows: list[Row]

    def at(self, level: Level) -> list[Row]:
        return [row for row in self.rows if row.level == level]

    def of(self, level: Level, subject_id: int) -> Row | None:
        return next((r for r in self.rows if r.level == level and r.subject_id == subject_id), None)


def latest_day(
    region_ids: Sequence[int], *, levels: tuple[Level, ...] = tuple(Level), on_or_before: date | None = None
) -> Day | None:
    """The newest day with a snapshot of these regions (on or before a day, for a past month's
    report) and that day's rows at these levels. Both
    statements go through the (region_id, taken_on) index, one region at a time: a few index
    lookups, not a scan of a year of every VLO's rows."""
    chosen = list(region_ids)
    if not chosen:
        return None
    taken_on = db.session.scalar(
        select(func.max(Snapshot.taken_on)).where(
            Snapshot.region_id.in_(chosen),
            Snapshot.level == Level.REGION,
            *([Snapshot.taken_on <= on_or_before] if on_or_before is not None else []),
        )
    )
    if taken_on is None:
        return None
    statement = select(
        Snapshot.level, Snapshot.subject_id, Snapshot.region_id, Snapshot.team_id, Snapshot.figures
    ).where(Snapshot.region_id.in_(chosen), Snapshot.taken_on == taken_on, Snapshot.level.in_(list(levels)))
    rows = [
        Row(Level(r.level), r.subject_id, r.region_id, r.team_id, dict(r.figures))
        for r in db.session.execute(statement)
    ]
    return Day(taken_on, rows)


def trend_days(today: date) -> list[date]:
    """The days a trend shows: today and every seventh day before it, back 12 months. A point a
    week reads as a trend; a point a day made each chart's table 365 rows long."""
    first = add_months(today, -TREND_MONTHS) + timedelta(days=1)
    return sorted(today - timedelta(days=7 * n) for n in range((today - first).days // 7 + 1))


def trend(
    level: Level, subject_id: int | None, today: date, *, every_day: bool = False
) -> dict[date, dict[str, int]]:
    """A subject's figures on each day of the trend (`trend_days`; every day of the 12 months
    with `every_day`, for the download; national: every region's summed), in one statement. A
    day with no snapshot is missing (the chart leaves a gap)."""
    if every_day:
        when = Snapshot.taken_on.between(add_months(today, -TREND_MONTHS) + timedelta(days=1), today)
    else:
        when = Snapshot.taken_on.in_(trend_days(today))
    statement = select(Snapshot.taken_on, Snapshot.figures).where(when)
    if level == Level.NATIONAL:
        statement = statement.where(Snapshot.level == Level.REGION)
    else:
        statement = statement.where(Snapshot.level == level, Snapshot.subject_id == subject_id)
    found: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for taken_on, figures in db.session.execute(statement):
        for name, value in figures.items():
            found[taken_on][name] += int(value)
    if level != Level.NATIONAL:
        return {day: dict(values) for day, values in found.items()}
    return {day: national_figures(values) for day, values in found.items()}


def national_figures(summed: dict[str, int]) -> dict[str, int]:
    """The country's figures from its regions' summed: capacity worked out again from the points
    (a sum of percentages means nothing), and no spread (a sum of medians means nothing)."""
    figures = {k: v for k, v in summed.items() if not k.endswith(("_min", "_median", "_max"))}
    capacity = capacity_percent(figures.get("points", 0), figures.get("available_points", 0))
    figures.pop("capacity", None)
    if capacity is not None:
        figures["capacity"] = capacity
    return figures
