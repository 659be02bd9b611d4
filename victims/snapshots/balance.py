"""Caseload balance (issue 15, item 1): the one home of the figures. The team and VLO pages, the
region page when no snapshot exists yet, the CSV downloads and the nightly snapshot all read them
from here.

Built on the workforce tool (issue 14): each VLO's workload from `team_workloads`, the peaks
ahead from `peaks_for`, the SPO's own workload from `spo_workload`, who is away from `absent_on`.
A team's figures take a fixed number of statements whatever its caseload; a region's, that number
for each of its teams (a handful), never one per case or per VLO.

Ids, names of staff and counts only: nothing here reads a victim's details.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from victims.absences.queries import absent_on
from victims.domain.oversight import Level
from victims.domain.vocabulary import Role
from victims.domain.workload import CASELOAD_HIGH, Band, band, capacity_percent
from victims.extensions import db
from victims.staff.models import Region, Team, User
from victims.workforce.peaks import HORIZONS, Peaks, SpoWorkload, peaks_for, spo_workload, team_peaks
from victims.workforce.queries import Model, VloWorkload, current_model, team_workloads, vlo_workload

FULL = 100  # capacity %: the 100% line


@dataclass(frozen=True)
class Away:
    """An absence today: what kind, until when, and who covers (None: the team's queue)."""

    kind_label: str
    ends_on: date | None
    cover_name: str | None


@dataclass(frozen=True)
class VloBalance:
    user_id: int
    name: str
    team_id: int
    region_id: int
    cases: int
    victims: int  # people on the VLO's open cases, not opted out
    points: int
    available: int
    capacity: int | None  # None: no available points (say "no capacity")
    peaks_30: int
    peaks_90: int
    away: Away | None = None

    @property
    def band(self) -> Band:
        return band(self.cases)

    @property
    def above_capacity(self) -> bool:
        return self.capacity is not None and self.capacity > FULL

    @property
    def above_band(self) -> bool:
        return self.cases > CASELOAD_HIGH


@dataclass(frozen=True)
class Spread:
    """How a set of VLOs' caseloads spread: the least, the median and the most (cases and
    capacity %), and how many are above 100% or above 350 cases."""

    vlos: int
    cases_min: int | None
    cases_median: float | None
    cases_max: int | None
    capacity_min: int | None
    capacity_median: float | None
    capacity_max: int | None
    above_capacity: int
    above_band: int

    @classmethod
    def of(cls, vlos: Sequence[VloBalance]) -> Spread:
        cases = [vlo.cases for vlo in vlos]
        capacities = [vlo.capacity for vlo in vlos if vlo.capacity is not None]
        return cls(
            vlos=len(vlos),
            cases_min=min(cases, default=None),
            cases_median=statistics.median(cases) if cases else None,
            cases_max=max(cases, default=None),
            capacity_min=min(capacities, default=None),
            capacity_median=statistics.median(capacities) if capacities else None,
            capacity_max=max(capacities, default=None),
            above_capacity=sum(vlo.above_capacity for vlo in vlos),
            above_band=sum(vlo.above_band for vlo in vlos),
        )


@dataclass(frozen=True)
class Totals:
    cases: int
    victims: int
    points: int
    available: int
    away: int

    @property
    def capacity(self) -> int | None:
        return capacity_percent(self.points, self.available)

    @classmethod
    def of(cls, vlos: Iterable[VloBalance]) -> Totals:
        chosen = list(vlos)
        return cls(
            cases=sum(v.cases for v in chosen),
            victims=sum(v.victims for v in chosen),
            points=sum(v.points for v in chosen),
            available=sum(v.available for v in chosen),
            away=sum(v.away is not None for v in chosen),
        )


@dataclass(frozen=True)
class TeamBalance:
    team_id: int
    name: str
    region_id: int
    vlos: list[VloBalance]
    spo: SpoWorkload
    peaks: Peaks  # on the cases allocated to the team's VLOs

    @property
    def totals(self) -> Totals:
        return Totals.of(self.vlos)

    @property
    def spread(self) -> Spread:
        return Spread.of(self.vlos)

    @property
    def unallocated(self) -> int:
        return self.spo.unallocated_cases


@dataclass(frozen=True)
class RegionBalance:
    region_id: int
    name: str
    teams: list[TeamBalance] = field(default_factory=list)

    @property
    def vlos(self) -> list[VloBalance]:
        return [vlo for team in self.teams for vlo in team.vlos]

    @property
    def totals(self) -> Totals:
        return Totals.of(self.vlos)

    @property
    def spread(self) -> Spread:
        return Spread.of(self.vlos)

    @property
    def unallocated(self) -> int:
        return sum(team.unallocated for team in self.teams)


# --- Reads ------------------------------------------------------------------------------------------


def team_balance(team_id: int, today: date, model: Model | None = None) -> TeamBalance | None:
    team = db.session.execute(select(Team.id, Team.name, Team.region_id).where(Team.id == team_id)).first()
    if team is None:
        return None
    return _team(team, today, model or current_model())


def region_balance(region_id: int, today: date, model: Model | None = None) -> RegionBalance | None:
    """Every team of the region, live: a fixed number of statements for each team."""
    name = db.session.scalar(select(Region.name).where(Region.id == region_id))
    if name is None:
        return None
    model = model or current_model()
    teams = db.session.execute(
        select(Team.id, Team.name, Team.region_id).where(Team.region_id == region_id).order_by(Team.name)
    ).all()
    return RegionBalance(region_id, name, [_team(team, today, model) for team in teams])


def all_balances(today: date, model: Model | None = None) -> list[RegionBalance]:
    """Every region and team, live: the nightly snapshot's read."""
    model = model or current_model()
    regions = db.session.execute(select(Region.id, Region.name).order_by(Region.name)).all()
    teams = db.session.execute(select(Team.id, Team.name, Team.region_id).order_by(Team.name)).all()
    return [
        RegionBalance(
            region.id,
            region.name,
            [_team(team, today, model) for team in teams if team.region_id == region.id],
        )
        for region in regions
    ]


def vlo_balance(user_id: int, today: date, model: Model | None = None) -> tuple[VloBalance, Peaks] | None:
    """One VLO's balance and their peaks ahead (each item, for the page's table)."""
    vlo = db.session.execute(
        select(User.id, User.team_id, User.region_id).where(User.id == user_id, User.role == Role.VLO.value)
    ).first()
    if vlo is None:
        return None
    found = vlo_workload(user_id, today, model or current_model())
    if found is None:
        return None
    ahead = peaks_for({fact.case_id: fact for fact in found.cases}, today).get(user_id) or Peaks(today)
    return _vlo(found, vlo.team_id, vlo.region_id, ahead, _away([user_id], today)), ahead


@dataclass(frozen=True)
class AwayVlo:
    user_id: int
    name: str
    team_id: int | None
    away: Away


def away_in_region(region_id: int, today: date) -> list[AwayVlo]:
    """The region's VLOs away today and who covers them, by name: three statements."""
    vlos = db.session.execute(
        select(User.id, User.name, User.team_id)
        .where(User.region_id == region_id, User.role == Role.VLO.value, User.active.is_(True))
        .order_by(User.name)
    ).all()
    away = _away([vlo.id for vlo in vlos], today)
    return [AwayVlo(vlo.id, vlo.name, vlo.team_id, away[vlo.id]) for vlo in vlos if vlo.id in away]


def _team(team, today: date, model: Model) -> TeamBalance:
    rows = team_workloads(team.id, today, model)
    by_vlo = peaks_for({fact.case_id: fact for row in rows for fact in row.cases}, today)
    away = _away([row.user_id for row in rows], today)
    vlos = [_vlo(row, team.id, team.region_id, by_vlo.get(row.user_id) or Peaks(today), away) for row in rows]
    return TeamBalance(
        team_id=team.id,
        name=team.name,
        region_id=team.region_id,
        vlos=vlos,
        spo=spo_workload(team.id, today),
        peaks=team_peaks(by_vlo, today),
    )


def _vlo(row: VloWorkload, team_id: int, region_id: int, ahead: Peaks, away: dict[int, Away]) -> VloBalance:
    work = row.workload
    short, long = HORIZONS
    return VloBalance(
        user_id=row.user_id,
        name=row.name,
        team_id=team_id,
        region_id=region_id,
        cases=work.cases,
        victims=work.people,
        points=work.points,
        available=work.available.points,
        capacity=work.capacity,
        peaks_30=ahead.count(short),
        peaks_90=ahead.count(long),
        away=away.get(row.user_id),
    )


def _away(user_ids: list[int], today: date) -> dict[int, Away]:
    """Who is away today and who covers: two statements whatever the number of people."""
    absences = absent_on(user_ids, today)
    covers = {a.cover_user_id for a in absences.values() if a.cover_user_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(covers))).tuples().all())
        if covers
        else {}
    )
    return {
        user_id: Away(a.kind.label, a.ends_on, names.get(a.cover_user_id) if a.cover_user_id else None)
        for user_id, a in absences.items()
    }


# --- As snapshot figures ----------------------------------------------------------------------------


def _whole(value: float | None) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _without_none(figures: dict[str, int | None]) -> dict[str, int]:
    """Whole numbers only: a figure that does not exist (no capacity) is left out."""
    return {key: int(value) for key, value in figures.items() if value is not None}


def vlo_figures(vlo: VloBalance) -> dict[str, int]:
    return _without_none(
        {
            "open_cases": vlo.cases,
            "victims": vlo.victims,
            "points": vlo.points,
            "available_points": vlo.available,
            "capacity": vlo.capacity,
            "above_capacity": int(vlo.above_capacity),
            "above_band": int(vlo.above_band),
            "away": int(vlo.away is not None),
            "peaks_30": vlo.peaks_30,
            "peaks_90": vlo.peaks_90,
        }
    )


def group_figures(
    vlos: Sequence[VloBalance], spos: Sequence[SpoWorkload], peaks_30: int, peaks_90: int
) -> dict[str, int]:
    """A team's or a region's figures: totals, spread, the SPOs' own workload, peaks ahead."""
    totals, spread = Totals.of(vlos), Spread.of(vlos)
    return _without_none(
        {
            "open_cases": totals.cases,
            "victims": totals.victims,
            "points": totals.points,
            "available_points": totals.available,
            "capacity": totals.capacity,
            "vlos": spread.vlos,
            "away": totals.away,
            "cases_min": spread.cases_min,
            "cases_median": _whole(spread.cases_median),
            "cases_max": spread.cases_max,
            "capacity_min": spread.capacity_min,
            "capacity_median": _whole(spread.capacity_median),
            "capacity_max": spread.capacity_max,
            "above_capacity": spread.above_capacity,
            "above_band": spread.above_band,
            "unallocated": sum(spo.unallocated_cases for spo in spos),
            "spo_checking": sum(spo.checking for spo in spos),
            "spo_queue_tasks": sum(spo.queue_tasks for spo in spos),
            "spo_escalations": sum(spo.escalations for spo in spos),
            "peaks_30": peaks_30,
            "peaks_90": peaks_90,
        }
    )


def team_figures(team: TeamBalance) -> dict[str, int]:
    short, long = HORIZONS
    return group_figures(team.vlos, [team.spo], team.peaks.count(short), team.peaks.count(long))


def region_figures(region: RegionBalance) -> dict[str, int]:
    short, long = HORIZONS
    return group_figures(
        region.vlos,
        [team.spo for team in region.teams],
        sum(team.peaks.count(short) for team in region.teams),
        sum(team.peaks.count(long) for team in region.teams),
    )


def balance_figures(today: date) -> dict[tuple[Level, int], dict[str, int]]:
    """The snapshot source of caseload balance: every VLO, team and region's figures today."""
    found: dict[tuple[Level, int], dict[str, int]] = {}
    for region in all_balances(today):
        found[(Level.REGION, region.region_id)] = region_figures(region)
        for team in region.teams:
            found[(Level.TEAM, team.team_id)] = team_figures(team)
            for vlo in team.vlos:
                found[(Level.VLO, vlo.user_id)] = vlo_figures(vlo)
    return found
