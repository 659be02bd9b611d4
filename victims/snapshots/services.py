"""The nightly snapshot (issue 15, item 3): one row per VLO, team and region a day, with whole
numbers only (ids and counts; nothing about a victim), so every figure has a 12-month trend.

The figures come from `SOURCES`: each a callable `(today) -> {(level, subject id): {name: int}}`.
Caseload balance is one (victims.snapshots.balance); compliance adds its own. A subject's figures
from every source are merged into its one row.

The same night stores every team's compliance figures of the 13 closed months before (a table of
its own, victims.compliance.models.ComplianceMonth: many figures a row, read only by the national
and region compliance pages, so the trends here stay small).

Taking the day's snapshot again changes nothing: each row is inserted only if the (level,
subject, day) is not there yet (`ON CONFLICT DO NOTHING` on the unique constraint), so a retry,
a second beat or two workers at once leave exactly one row per subject per day. Flushes, never
commits: the task commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from victims import clock
from victims.compliance.queries import snapshot_figures as compliance_figures
from victims.compliance.services import store_months
from victims.domain.oversight import Level
from victims.extensions import db
from victims.snapshots.balance import balance_figures
from victims.snapshots.models import Snapshot
from victims.staff.models import Team, User

Figures = dict[tuple[Level, int], dict[str, int]]
Source = Callable[[date], Figures]

SOURCES: tuple[Source, ...] = (balance_figures, compliance_figures)


def gather(today: date, sources: tuple[Source, ...] | None = None) -> Figures:
    """Every source's figures for the day, merged by subject; whole numbers only."""
    merged: Figures = defaultdict(dict)
    for source in SOURCES if sources is None else sources:
        for subject, figures in source(today).items():
            for name, value in figures.items():
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError(f"Snapshot figure {name!r} of {subject} is not a whole number: {value!r}")
                merged[subject][name] = value
    return dict(merged)


def take(today: date, sources: tuple[Source, ...] | None = None) -> int:
    """Record the day's snapshot of every VLO, team and region, and the closed months' compliance
    figures (victims.compliance.services.store_months, with the default sources); the number of
    snapshot rows written (0 when the day was already taken)."""
    figures = gather(today, sources)
    if not figures:
        if sources is None:
            store_months(today)
        return 0
    places = _places(
        {subject for level, subject in figures if level == Level.TEAM},
        {subject for level, subject in figures if level == Level.VLO},
    )
    now = clock.utcnow()
    rows = []
    for (level, subject_id), values in sorted(
        figures.items(), key=lambda item: (item[0][0].value, item[0][1])
    ):
        region_id, team_id = places.get((level, subject_id), (None, None))
        if level == Level.REGION:
            region_id, team_id = subject_id, None
        if region_id is None:
            continue  # a subject that no longer exists
        rows.append(
            {
                "taken_on": today,
                "level": level,
                "subject_id": subject_id,
                "region_id": region_id,
                "team_id": team_id,
                "figures": values,
                "taken_at": now,
            }
        )
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Snapshot)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["level", "subject_id", "taken_on"])
        .returning(Snapshot.id)
    )
    # The rows written come back (a row already there is not): the driver's rowcount is not
    # reliable for a multi-row insert that skips conflicts.
    written = len(db.session.execute(statement).all())
    if sources is None:
        # After the rows above: a second run at once waits there for the first to commit.
        store_months(today)
    db.session.flush()
    return written


def _places(team_ids: set[int], user_ids: set[int]) -> dict[tuple[Level, int], tuple[int, int | None]]:
    """Each team's and VLO's region and team, for the rows: two statements."""
    found: dict[tuple[Level, int], tuple[int, int | None]] = {}
    if team_ids:
        for team_id, region_id in db.session.execute(
            select(Team.id, Team.region_id).where(Team.id.in_(team_ids))
        ):
            found[(Level.TEAM, team_id)] = (region_id, team_id)
    if user_ids:
        for user_id, region_id, team_id in db.session.execute(
            select(User.id, User.region_id, User.team_id).where(User.id.in_(user_ids))
        ):
            found[(Level.VLO, user_id)] = (region_id, team_id)
    return found
