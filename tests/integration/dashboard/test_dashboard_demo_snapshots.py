"""The demo's year of snapshots (victims.demo.snapshots): a row a day for a year for every VLO,
team and region with VLOs, a few days missing, a leaver, teams' figures that add up their VLOs'."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.integration.dashboard.conftest import TODAY, three_vlos
from victims.demo.snapshots import DAYS, LEAVER_DAYS_AGO, MISSING, add_snapshots
from victims.domain.oversight import Level
from victims.snapshots.models import Snapshot


def test_a_year_of_daily_snapshots_that_add_up(make, database, frozen_clock):
    team = three_vlos(make, database.session)
    said = []
    add_snapshots(said.append, TODAY)
    rows = database.session.execute(
        select(Snapshot.taken_on, Snapshot.level, Snapshot.subject_id, Snapshot.figures)
    ).all()
    ann = sorted(r.taken_on for r in rows if (r.level, r.subject_id) == (Level.VLO, team["ann"].id))
    assert len(ann) == DAYS + 1 - len(MISSING) and ann[-1] == TODAY
    assert TODAY - timedelta(days=min(MISSING)) not in ann
    assert "rows for the 365 days" in said[0]
    teams = {r.taken_on: r.figures for r in rows if (r.level, r.subject_id) == (Level.TEAM, team["team"].id)}
    vlos = [r for r in rows if r.level == Level.VLO]
    for day in (TODAY - timedelta(days=10), TODAY - timedelta(days=300)):
        held = sum(r.figures["open_cases"] for r in vlos if r.taken_on == day)
        leaver = teams[day]["vlos"] == 4
        assert leaver == (day < TODAY - timedelta(days=LEAVER_DAYS_AGO))
        assert (teams[day]["open_cases"] > held) if leaver else (teams[day]["open_cases"] == held)
    assert all(type(v) is int for r in rows for v in r.figures.values())
