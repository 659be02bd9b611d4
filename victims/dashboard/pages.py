"""What the caseload balance pages show (issue 15, items 1, 3, 4), built once for the page and for
its CSV downloads: every table on a page is a `Table`, and the download is that table.

National and region pages read the latest nightly snapshot (a few hundred small rows, however many
cases the country holds); a region with no snapshot yet is worked out live. Team and VLO pages are
live. Trends read a subject's snapshots for 12 months in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from victims.charts import BLUE, GREEN, GREY, RED, Chart, Series, bars, lines
from victims.domain.oversight import Level
from victims.domain.workload import CASELOAD_HIGH, CASELOAD_LOW, Band, band
from victims.extensions import db
from victims.formatting import govuk_date
from victims.snapshots import balance, queries
from victims.snapshots.balance import FULL, TeamBalance, VloBalance
from victims.staff.models import User
from victims.staff.scopes import NATIONAL, Scope, children
from victims.workforce.peaks import HORIZONS, PeakKind, Peaks

BUCKET = 25  # cases: the width of a bar in the caseload distribution
BAND_COLOURS = {Band.BELOW: BLUE, Band.WITHIN: GREEN, Band.ABOVE: RED}


@dataclass(frozen=True)
class Table:
    """A table as the page shows it and the CSV writes it."""

    id: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]


# --- National and region pages: from the latest snapshot -----------------------------------------


@dataclass(frozen=True)
class Child:
    scope: Scope
    figures: dict[str, int] | None  # None: no figures (a team made since the last snapshot)


@dataclass(frozen=True)
class Named:
    """A VLO named in "who is above": where they are and the figure that puts them there."""

    user_id: int
    name: str
    cases: int
    capacity: int | None


@dataclass
class Overview:
    scope: Scope
    as_at: date  # the day of the snapshot read (today when worked out live)
    live: bool  # worked out now, for at least one region with no snapshot
    figures: dict[str, int]  # the scope's own
    children: list[Child]
    vlos: list[dict[str, int]]  # every VLO's figures: the distribution
    above_capacity: list[Named] = field(default_factory=list)
    above_band: list[Named] = field(default_factory=list)
    away: list[balance.AwayVlo] | None = None  # a region's officers away today (live)
    charts: list[Chart] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def as_at_words(self) -> str:
        if self.live:
            return f"Figures worked out now, {govuk_date(self.as_at)}"
        return f"Figures as at {govuk_date(self.as_at)}"


def national_overview(today: date) -> Overview:
    """Every region's figures from the latest snapshot (a region with none: live)."""
    regions = children(NATIONAL)
    day = queries.latest_day([r.subject_id for r in regions], levels=(Level.REGION, Level.VLO))
    found: list[Child] = []
    vlos: dict[int, dict[str, int]] = {}
    live = day is None
    for region in regions:
        row = day.of(Level.REGION, region.subject_id) if day is not None else None
        if row is None:
            live = True
            worked = balance.region_balance(region.subject_id, today)
            figures = balance.region_figures(worked) if worked else None
            vlos.update({v.user_id: balance.vlo_figures(v) for v in (worked.vlos if worked else [])})
        else:
            figures = row.figures
            vlos.update(
                {r.subject_id: r.figures for r in day.at(Level.VLO) if r.region_id == region.subject_id}
            )
        found.append(Child(region, figures))
    summed: dict[str, int] = {}
    for child in found:
        for name, value in (child.figures or {}).items():
            summed[name] = summed.get(name, 0) + value
    overview = Overview(
        NATIONAL,
        today if day is None else day.taken_on,
        live,
        queries.national_figures(summed),
        found,
        list(vlos.values()),
    )
    return _finish(overview, vlos, today)


def region_overview(scope: Scope, today: date, as_at: date | None = None) -> Overview:
    """The region's teams from its latest snapshot (on or before `as_at`: a past month's report),
    or live when it has none."""
    day = queries.latest_day([scope.region_id], on_or_before=as_at) if scope.region_id is not None else None
    own = day.of(Level.REGION, scope.region_id) if day is not None else None
    teams = children(scope)
    if day is None or own is None:
        worked = balance.region_balance(scope.region_id, today)
        by_team = {t.team_id: balance.team_figures(t) for t in worked.teams} if worked else {}
        vlos = {v.user_id: balance.vlo_figures(v) for v in (worked.vlos if worked else [])}
        overview = Overview(
            scope,
            today,
            True,
            balance.region_figures(worked) if worked else {},
            [Child(t, by_team.get(t.subject_id)) for t in teams],
            list(vlos.values()),
        )
        return _finish(overview, vlos, today)
    vlos = {r.subject_id: r.figures for r in day.at(Level.VLO)}
    overview = Overview(
        scope,
        day.taken_on,
        False,
        own.figures,
        [Child(t, _figures(day, Level.TEAM, t.subject_id)) for t in teams],
        list(vlos.values()),
    )
    return _finish(overview, vlos, today)


def _figures(day: queries.Day, level: Level, subject_id: int | None) -> dict[str, int] | None:
    row = day.of(level, subject_id) if subject_id is not None else None
    return row.figures if row is not None else None


def _finish(overview: Overview, vlos: dict[int, dict[str, int]], today: date) -> Overview:
    """Who is above (their names, one statement), the charts and the tables."""
    above = {
        user_id
        for user_id, f in vlos.items()
        if f.get("capacity", 0) > FULL or f.get("open_cases", 0) > CASELOAD_HIGH
    }
    names = _names(above)
    named = sorted(
        (
            Named(i, names.get(i, "(left)"), vlos[i].get("open_cases", 0), vlos[i].get("capacity"))
            for i in above
        ),
        key=lambda n: n.name,
    )
    if overview.scope.level == Level.REGION and overview.scope.region_id is not None:
        overview.away = balance.away_in_region(overview.scope.region_id, today)
    overview.above_capacity = [n for n in named if (n.capacity or 0) > FULL]

    overview.above_band = [n for n in named if n.cases > CASELOAD_HIGH]
    kind = "Region" if overview.scope.level == Level.NATIONAL else "Team"
    plural = "regions" if overview.scope.level == Level.NATIONAL else "teams"
    with_figures = [c for c in overview.children if c.figures is not None]
    overview.charts = [
        distribution_chart([f.get("open_cases", 0) for f in vlos.values()], overview.scope.name),
        bars(
            "capacity-by-child",
            f"Capacity used by {plural}",
            f"Bar chart of the capacity each of the {plural} is using, against the 100% line.",
            [c.scope.name for c in with_figures],
            [
                Series(
                    "Capacity (%)",
                    [c.figures.get("capacity") for c in with_figures],
                    colours=[RED if (c.figures.get("capacity") or 0) > FULL else BLUE for c in with_figures],
                )
            ],
            horizontal=True,
            references=[FULL],
            table_headers=(kind, "Capacity (%)"),
        ),
        *trend_charts(overview.scope, overview.as_at),
    ]
    overview.tables = {
        **{
            id: Table(
                id,
                f"{title} {kind.lower()}",
                (kind, *(label for _, label in columns)),
                [(c.scope.name, *group_cells(c.figures, columns)) for c in overview.children],
            )
            for id, title, columns in GROUP_TABLES
        },
        "above": Table(
            "above",
            "Victim liaison officers above 100% capacity or above 350 cases",
            ("Victim liaison officer", "Open cases", "Capacity (%)"),
            [(n.name, n.cases, n.capacity) for n in named],
        ),
        **chart_tables(overview.charts),
    }
    if overview.away is not None:
        teams = {c.scope.subject_id: c.scope.name for c in overview.children}
        overview.tables["away"] = Table(
            "away",
            "Victim liaison officers away today",
            ("Victim liaison officer", "Team", "Absence", "Until", "Covered by"),
            [
                (
                    a.name,
                    teams.get(a.team_id, ""),
                    a.away.kind_label,
                    govuk_date(a.away.ends_on) if a.away.ends_on else "Not known",
                    a.away.cover_name or "The team’s queue",
                )
                for a in overview.away
            ],
        )
    return overview


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).tuples().all())


BALANCE_COLUMNS = (
    ("vlos", "VLOs"),
    ("open_cases", "Open cases"),
    ("victims", "Victims"),
    ("points", "Points"),
    ("available_points", "Available points"),
    ("capacity", "Capacity (%)"),
    ("above_capacity", "VLOs above 100%"),
    ("above_band", "VLOs above 350 cases"),
    ("away", "VLOs away"),
)
SPREAD_COLUMNS = (
    ("cases_min", "Fewest cases"),
    ("cases_median", "Median cases"),
    ("cases_max", "Most cases"),
    ("capacity_median", "Median capacity (%)"),
    ("unallocated", "Cases not allocated"),
    ("spo_checking", "SPO checks waiting"),
    ("spo_escalations", "Escalations"),
    ("peaks_30", "Due in 30 days"),
    ("peaks_90", "Due in 90 days"),
)
GROUP_TABLES = (
    ("children", "Caseload balance by", BALANCE_COLUMNS),
    ("spread", "Spread, SPOs’ workload and peaks ahead by", SPREAD_COLUMNS),
)


def group_cells(figures: dict[str, int] | None, columns: Sequence[tuple[str, str]]) -> tuple[object, ...]:
    if figures is None:
        return tuple(None for _ in columns)
    return tuple(figures.get(key) for key, _ in columns)


# --- Team and VLO pages: live -----------------------------------------------------------------------


VLO_HEADERS = (
    "Victim liaison officer",
    "Open cases",
    "Victims",
    "Points",
    "Available points",
    "Capacity (%)",
    "Band",
    "Away",
    "Covered by",
    "Due in 30 days",
    "Due in 90 days",
)


def vlo_cells(vlo: VloBalance) -> tuple[object, ...]:
    return (
        vlo.name,
        vlo.cases,
        vlo.victims,
        vlo.points,
        vlo.available,
        vlo.capacity,
        vlo.band.label,
        _away_words(vlo),
        (vlo.away.cover_name or "The team’s queue") if vlo.away else None,
        vlo.peaks_30,
        vlo.peaks_90,
    )


def _away_words(vlo: VloBalance) -> str | None:
    if vlo.away is None:
        return None
    until = f" until {govuk_date(vlo.away.ends_on)}" if vlo.away.ends_on else ""
    return vlo.away.kind_label + until


@dataclass
class TeamPage:
    scope: Scope
    found: TeamBalance
    charts: list[Chart]
    tables: dict[str, Table]


def team_page(scope: Scope, today: date) -> TeamPage | None:
    found = balance.team_balance(scope.subject_id, today)
    if found is None:
        return None
    names = [v.name for v in found.vlos]
    charts = [
        capacity_chart(names, [v.capacity for v in found.vlos]),
        cases_chart(names, [v.cases for v in found.vlos]),
        *trend_charts(scope, today),
    ]
    tables = {
        "peaks": peaks_table(found.peaks),
        "vlos": Table(
            "vlos",
            "Caseload balance by victim liaison officer",
            VLO_HEADERS,
            [vlo_cells(v) for v in found.vlos],
        ),
        **chart_tables(charts),
    }
    return TeamPage(scope, found, charts, tables)


@dataclass
class VloPage:
    scope: Scope
    vlo: VloBalance
    ahead: Peaks
    charts: list[Chart]
    tables: dict[str, Table]


def vlo_page(scope: Scope, today: date) -> VloPage | None:
    found = balance.vlo_balance(scope.subject_id, today)
    if found is None:
        return None
    vlo, ahead = found
    charts = trend_charts(scope, today)
    tables = {
        "balance": Table("balance", "Caseload balance", VLO_HEADERS, [vlo_cells(vlo)]),
        "peaks": peaks_table(ahead),
        **chart_tables(charts),
    }
    return VloPage(scope, vlo, ahead, charts, tables)


def peaks_table(ahead: Peaks) -> Table:
    return Table(
        "peaks",
        "Peaks ahead",
        ("Work falling due", *(f"Next {days} days" for days in HORIZONS)),
        [(kind.label, *(ahead.count(days, kind) for days in HORIZONS)) for kind in PeakKind],
    )


# --- Charts -------------------------------------------------------------------------------------------


def capacity_chart(names: Sequence[str], capacities: Sequence[int | None]) -> Chart:
    return bars(
        "capacity",
        "Capacity used by each victim liaison officer",
        "Bar chart of the capacity each victim liaison officer is using, against the 100% line; "
        "bars above 100% are red.",
        names,
        [
            Series(
                "Capacity (%)",
                list(capacities),
                colours=[RED if (c or 0) > FULL else BLUE for c in capacities],
            )
        ],
        horizontal=True,
        references=[FULL],
        table_headers=("Victim liaison officer", "Capacity (%)"),
    )


def cases_chart(names: Sequence[str], cases: Sequence[int]) -> Chart:
    return bars(
        "open-cases",
        "Open cases of each victim liaison officer",
        f"Bar chart of each victim liaison officer’s open cases against the {CASELOAD_LOW} to "
        f"{CASELOAD_HIGH} case band: blue below it, green within it, red above it.",
        names,
        [Series("Open cases", list(cases), colours=[BAND_COLOURS[band(n)] for n in cases])],
        horizontal=True,
        references=[CASELOAD_LOW, CASELOAD_HIGH],
        table_headers=("Victim liaison officer", "Open cases"),
    )


def distribution_chart(cases: Sequence[int], where: str) -> Chart:
    """How many VLOs hold 0–24 cases, 25–49, …: a histogram in 25-case buckets."""
    top = max(cases, default=0)
    buckets = [0] * (top // BUCKET + 1)
    for count in cases:
        buckets[count // BUCKET] += 1
    labels = [f"{n * BUCKET}–{n * BUCKET + BUCKET - 1}" for n in range(len(buckets))]
    colours = [
        GREY if (n + 1) * BUCKET <= CASELOAD_LOW or n * BUCKET > CASELOAD_HIGH else GREEN
        for n in range(len(buckets))
    ]
    return bars(
        "distribution",
        f"Caseload distribution across {where}",
        f"Bar chart of how many victim liaison officers hold each number of open cases, in "
        f"{BUCKET}-case steps; the green bars are within the {CASELOAD_LOW} to {CASELOAD_HIGH} band.",
        labels,
        [Series("Victim liaison officers", buckets, colours=colours)],
        table_headers=("Open cases", "Victim liaison officers"),
        counts=True,
    )


TRENDS = (
    ("open_cases", "Open cases over 12 months", "Open cases", ()),
    ("capacity", "Capacity used over 12 months", "Capacity (%)", (FULL,)),
    # From the compliance source (victims.compliance.queries.snapshot_figures).
    ("overdue_deadlines", "Overdue deadlines over 12 months", "Overdue deadlines", ()),
)


def trend_charts(scope: Scope, today: date) -> list[Chart]:
    """A point a week for 12 months, from the snapshots (one statement); a day with none is a gap.
    A figure no snapshot has (overdue deadlines in snapshots taken before the compliance source)
    has no chart."""
    by_day = queries.trend(scope.level, scope.subject_id, today)
    days = queries.trend_days(today)
    labels = [govuk_date(day) for day in days]
    charts = []
    for key, title, name, references in TRENDS:
        values = [by_day.get(day, {}).get(key) for day in days]
        if all(value is None for value in values):
            continue
        charts.append(
            lines(
                f"trend-{key.replace('_', '-')}",
                title,
                f"Line chart of {name.lower()} each week over the last 12 months for {scope.name}; "
                "a gap is a day with no snapshot.",
                labels,
                [Series(name, values)],
                references=references,
                table_headers=("Day", name),
            )
        )
    return charts


HISTORY = "history"


def history_table(scope: Scope, today: date) -> Table:
    """Every figure the snapshots hold for the scope, each day of the last 12 months: the trend of
    any figure on the page, for a spreadsheet. Figures by their stored names; a day with no
    snapshot has no row."""
    by_day = queries.trend(scope.level, scope.subject_id, today, every_day=True)
    names = sorted({name for figures in by_day.values() for name in figures})
    return Table(
        HISTORY,
        f"Every figure each day for 12 months, {scope.name}",
        ("Day", *names),
        [(day.isoformat(), *(by_day[day].get(name) for name in names)) for day in sorted(by_day)],
    )


def chart_tables(charts: Sequence[Chart]) -> dict[str, Table]:
    return {c.id: Table(c.id, c.title, c.headers, c.rows) for c in charts}
