"""The monthly regional report (issue 15, item 5): one region's caseload balance, compliance and
victims' feedback for a calendar month, printed as a tagged PDF with its charts and tables.

Each part of the oversight gives a `Section` (plain figures, charts and tables, already scoped and
already suppressed where numbers are small); this module only lays them out and prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from victims import printing
from victims.charts import Chart
from victims.compliance import charts as compliance_charts
from victims.compliance import queries as compliance
from victims.dashboard import pages
from victims.domain.compliance import DECIDED, SHORT, Count, Measure, Period
from victims.domain.oversight import TREND_MONTHS
from victims.feedback import queries as feedback
from victims.staff.scopes import Scope

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]]


@dataclass(frozen=True)
class Section:
    title: str
    lead: str | None = None  # a sentence under the title: when the figures are from
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


# --- The sections ----------------------------------------------------------------------------------


def balance_section(scope: Scope, first: date, today: date) -> Section:
    """The region's caseload balance as the month ended (its last snapshot on or before the
    month's last day; this month's report: the latest), its charts and tables."""
    overview = pages.region_overview(scope, today, as_at=min(month_end(first), today))
    figures = overview.figures
    shown = [
        ("Open cases", figures.get("open_cases")),
        ("Victims", figures.get("victims")),
        ("Victim liaison officers", figures.get("vlos")),
        ("Capacity used (%)", figures.get("capacity")),
        ("Above 100% capacity", len(overview.above_capacity)),
        ("Above 350 cases", len(overview.above_band)),
    ]
    chart_ids = {c.id for c in overview.charts}
    return Section(
        title="Caseload balance",
        lead=overview.as_at_words + ".",
        figures=[(label, _number(value)) for label, value in shown],
        charts=[_month_ends(c) if c.id.startswith("trend-") else c for c in overview.charts],
        tables=[
            Table(table.title, table.headers, table.rows)
            for id, table in overview.tables.items()
            if id not in chart_ids and table.rows
        ],
    )


def _month_ends(trend: Chart) -> Chart:
    """A trend's table in print: the last point of each month, not a row a week (the chart still
    draws every week)."""
    by_month: dict[str, tuple[object, ...]] = {}
    for row in trend.rows:
        by_month[str(row[0]).split(" ", 1)[-1]] = row  # "7 March 2026" -> "March 2026"
    return replace(trend, rows=list(by_month.values()))


def compliance_section(scope: Scope, first: date, today: date) -> Section:
    """The month's compliance: each measure for the region, by team, by month over the year to
    the month's end, and training completion now."""
    period = Period(first, month_end(first))
    found = compliance.breakdown(scope, period, today)
    totals = found.totals
    headers = ("Team", *(SHORT[measure] + " on time (%)" for measure in Measure), "Overdue deadlines now")
    rows: list[tuple[object, ...]] = [
        (
            child.name,
            *(_percent(figures.percent(m)) for m in Measure),
            figures.counts[Count.OVERDUE_DEADLINES],
        )
        for child, figures in found.children
    ]
    rows.append(
        (
            "The region",
            *(_percent(totals.percent(m)) for m in Measure),
            totals.counts[Count.OVERDUE_DEADLINES],
        )
    )
    measures = Table(
        "Deadlines due in the month",
        ("Measure", *(outcome.label for outcome in DECIDED), "On time (%)"),
        [(m.label, *(totals.deadlines[m][o] for o in DECIDED), _percent(totals.percent(m))) for m in Measure],
    )
    counts = Table(
        "Other work in the month",
        ("Count", "Number"),
        [(count.label, totals.counts[count]) for count in Count],
    )
    return Section(
        title="Compliance",
        figures=[(SHORT[m] + " on time", _percent(totals.percent(m))) for m in Measure],
        charts=[
            compliance_charts.monthly_chart(
                compliance.monthly(scope, TREND_MONTHS, today, ending=month_end(first))
            ),
            compliance_charts.training_chart(totals),
        ],
        tables=[measures, Table("By team", headers, rows), counts],
        notes=[
            "A deadline counts in the month it was due. Percentages are of the deadlines met on time, "
            "met late or missed; late and missed are as they stand on the day the report was made.",
            "Training is as it stands on the day the report was made.",
        ],
    )


def feedback_section(scope: Scope, first: date) -> Section:
    """The month's feedback by team and by what it was about, small groups hidden as everywhere
    (victims.feedback.queries), and satisfaction by month. Comments stay in the service, where
    who reads them is limited and recorded: a PDF is passed around."""
    found = feedback.report_section(scope, first, month_end(first))
    headers = tuple(found["headers"][1:])
    total = found["total"]
    return Section(
        title="Victims’ feedback",
        figures=[(label, _shown(value)) for label, value in zip(headers, total[1:], strict=True)],
        charts=[found["chart"]],
        tables=[
            Table("By team", ("Team", *headers), [*found["groups"], ("The region", *total[1:])]),
            Table("By what it was about", ("About", *headers), found["by_about"]),
        ],
        notes=[
            found["note"],
            "Comments are read in the service, on the Feedback page; they are not printed.",
        ],
    )


def regional_report(scope: Scope, first: date, today: date) -> list[Section]:
    return [
        balance_section(scope, first, today),
        compliance_section(scope, first, today),
        feedback_section(scope, first),
    ]


def _team_row(name: str, figures: compliance.Figures) -> tuple[object, ...]:
    return (name, *(_percent(figures.percent(m)) for m in Measure), figures.counts[Count.OVERDUE_DEADLINES])


def _shown(value: object) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _percent(value: int | None) -> str:
    return "None due" if value is None else f"{value}%"
