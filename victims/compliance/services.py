"""The nightly store of closed months' compliance figures (issue 16): called by the snapshot
(victims.snapshots.services.take), in its transaction. Flushes, never commits."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from victims import clock
from victims.compliance.models import ComplianceMonth
from victims.compliance.queries import month_figures
from victims.domain.compliance import stored_months
from victims.extensions import db
from victims.staff.models import Team

# Nights of stored sets kept: only the newest is read; a week back shows what changed.
KEEP_DAYS = 7


def store_months(today: date) -> int:
    """Work out every team's figures for the closed months a set taken today holds and store
    them as tonight's set; the rows written (0 when tonight's set is already there: taking it
    again, or two at once, changes nothing). A team with nothing in a month has a row of no
    figures, so the set says "nothing" rather than leave the month out. Sets older than
    KEEP_DAYS are removed."""
    months = stored_months(today)
    found = month_figures(months, today)
    teams = db.session.execute(select(Team.id, Team.region_id)).all()
    for team in teams:
        for month in months:
            found.setdefault((month, team.region_id, team.id), {})
    if not found:
        return 0
    now = clock.utcnow()
    rows = [
        {
            "taken_on": today,
            "month": month,
            "region_id": region_id,
            "team_id": team_id,
            "figures": figures,
            "taken_at": now,
        }
        for (month, region_id, team_id), figures in sorted(found.items())
    ]
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ComplianceMonth)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["taken_on", "month", "region_id", "team_id"])
        .returning(ComplianceMonth.id)
    )
    written = len(db.session.execute(statement).all())
    db.session.execute(
        delete(ComplianceMonth).where(ComplianceMonth.taken_on < today - timedelta(days=KEEP_DAYS))
    )
    db.session.flush()
    return written
