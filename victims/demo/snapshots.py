"""The demo's year of snapshots (issue 15, item 7): a row a day for every demo VLO, team and region
for the 365 days before today, then today's real snapshot, so a manager signing in on `make run`
sees trends that look real.

Daily rows, made from today's real figures going backwards: a seasonal drift (fuller in late
winter, quieter in late summer), a busy spell in the spring (a run of releases, caseloads and
points up by about a tenth for six weeks), and a leaver in the first team five months ago (before
that the team had one more VLO, and the others held fewer cases; the leaver has no VLO row of
their own, only their share of the team's and the region's figures), with a little day-to-day
noise. Teams' and regions' figures are added up from their VLOs' the way the nightly snapshot
does it (victims.snapshots.balance.group_figures), so the drill-down agrees with itself. A few
days have no snapshot (the beat was down), which the charts show as gaps.

Written in one multi-row insert: about a second for the demo's eight VLOs.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import insert, select

from victims import clock
from victims.compliance.queries import snapshot_figures as compliance_figures
from victims.domain.oversight import Level
from victims.domain.workload import capacity_percent
from victims.extensions import db
from victims.snapshots import services
from victims.snapshots.balance import VloBalance, group_figures, vlo_figures
from victims.snapshots.models import Snapshot
from victims.workforce.peaks import SpoWorkload

DAYS = 365
LEAVER_DAYS_AGO = 150
BUSY = range(200, 242)  # days ago: a busy spell in the spring
MISSING = {45, 46, 190}  # days ago with no snapshot: the beat was down


def add_snapshots(echo: Callable[[str], object], today: date | None = None) -> None:
    today = today or clock.today()
    services.take(today)
    rows = db.session.execute(
        select(
            Snapshot.level, Snapshot.subject_id, Snapshot.region_id, Snapshot.team_id, Snapshot.figures
        ).where(Snapshot.taken_on == today)
    ).all()
    vlos = [r for r in rows if r.level == Level.VLO]
    teams = {r.subject_id: r for r in rows if r.level == Level.TEAM}
    if not vlos:
        return
    # What other sources (compliance) recorded today, scaled back through the year like the rest:
    # counts of work (overdue, contact lost) move with the caseload; staff and training do not.
    others = compliance_figures(today)
    first_team = min(r.team_id for r in vlos)
    random_ = random.Random(2026)
    now = clock.utcnow()
    history: list[dict] = []
    for days_ago in range(1, DAYS + 1):
        if days_ago in MISSING:
            continue
        day = today - timedelta(days=days_ago)
        seasonal = 1 + 0.06 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 45) / 365)
        busy = 1.1 if days_ago in BUSY else 1.0
        by_team: dict[int, list[VloBalance]] = defaultdict(list)
        for row in vlos:
            before_leaver = row.team_id == first_team and days_ago > LEAVER_DAYS_AGO
            scale = seasonal * busy * (0.85 if before_leaver else 1.0) * random_.uniform(0.98, 1.02)
            vlo = _scaled(row, scale)
            by_team[row.team_id].append(vlo)
            figures = vlo_figures(vlo) | _scaled_others(others.get((Level.VLO, row.subject_id), {}), scale)
            history.append(_row(day, Level.VLO, row.subject_id, row.region_id, row.team_id, figures, now))
        by_region: dict[int, tuple[list[VloBalance], list[SpoWorkload], int, int]] = {}
        for team_id, members in by_team.items():
            team = teams[team_id]
            if team_id == first_team and days_ago > LEAVER_DAYS_AGO:
                members = [*members, _leaver(members)]  # counted in the team's figures only
            spo = _spo(team.figures, seasonal * busy, len(members))
            peaks_30 = sum(v.peaks_30 for v in members)
            peaks_90 = sum(v.peaks_90 for v in members)
            figures = group_figures(members, [spo], peaks_30, peaks_90)
            figures |= _scaled_others(others.get((Level.TEAM, team_id), {}), seasonal * busy)
            history.append(_row(day, Level.TEAM, team_id, team.region_id, team_id, figures, now))
            got = by_region.setdefault(team.region_id, ([], [], 0, 0))
            by_region[team.region_id] = (
                got[0] + members,
                [*got[1], spo],
                got[2] + peaks_30,
                got[3] + peaks_90,
            )
        for region_id, (members, spos, peaks_30, peaks_90) in by_region.items():
            figures = group_figures(members, spos, peaks_30, peaks_90)
            figures |= _scaled_others(others.get((Level.REGION, region_id), {}), seasonal * busy)
            history.append(_row(day, Level.REGION, region_id, region_id, None, figures, now))
    db.session.execute(insert(Snapshot), history)
    echo(f"Snapshots: {len(history):,} rows for the {DAYS} days before today, and today's.")


# Figures from the other sources that grow and shrink with the caseload.
WORK_COUNTS = ("overdue_deadlines", "overdue_tasks", "contact_lost")


def _scaled_others(figures: dict[str, int], scale: float) -> dict[str, int]:
    return {name: round(value * scale) if name in WORK_COUNTS else value for name, value in figures.items()}


def _scaled(row, scale: float) -> VloBalance:
    f = row.figures
    cases = round(f.get("open_cases", 0) * scale)
    points = round(f.get("points", 0) * scale)
    available = f.get("available_points", 0)
    return VloBalance(
        user_id=row.subject_id,
        name="",
        team_id=row.team_id,
        region_id=row.region_id,
        cases=cases,
        victims=round(f.get("victims", 0) * scale),
        points=points,
        available=available,
        capacity=capacity_percent(points, available),
        peaks_30=round(f.get("peaks_30", 0) * scale),
        peaks_90=round(f.get("peaks_90", 0) * scale),
    )


def _leaver(members: list[VloBalance]) -> VloBalance:
    """The VLO who left: a caseload like the team's average, full time."""
    count = len(members) or 1
    cases = sum(v.cases for v in members) // count
    points = sum(v.points for v in members) // count
    return VloBalance(
        user_id=0,
        name="",
        team_id=members[0].team_id,
        region_id=members[0].region_id,
        cases=cases,
        victims=sum(v.victims for v in members) // count,
        points=points,
        available=2400,
        capacity=capacity_percent(points, 2400),
        peaks_30=sum(v.peaks_30 for v in members) // count,
        peaks_90=sum(v.peaks_90 for v in members) // count,
    )


def _spo(figures: dict[str, int], scale: float, size: int) -> SpoWorkload:
    return SpoWorkload(
        letters_to_countersign=round(figures.get("spo_checking", 0) * scale),
        zones_to_check=0,
        requests_to_check=0,
        unallocated_cases=round(figures.get("unallocated", 0) * scale),
        queue_tasks=round(figures.get("spo_queue_tasks", 0) * scale),
        escalations=round(figures.get("spo_escalations", 0) * scale),
        team_size=size,
    )


def _row(day, level, subject_id, region_id, team_id, figures, now) -> dict:
    return {
        "taken_on": day,
        "level": level,
        "subject_id": subject_id,
        "region_id": region_id,
        "team_id": team_id,
        "figures": figures,
        "taken_at": now,
    }
