"""Feedback figures for managers: per region or team, for a period, with small numbers hidden
(victims.domain.feedback). Counted by the database in one statement per table; comments read
only for a scope the manager may see (victims.staff.scopes: a regional manager's own region)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import case, func, select

from victims import charts, clock
from victims.domain import feedback as rules
from victims.domain.feedback import Figures, Tally
from victims.domain.oversight import TREND_MONTHS, Answer, FeedbackAbout, Level
from victims.extensions import db
from victims.feedback.models import FeedbackResponse
from victims.staff.scopes import Scope, children

FEWER = "fewer than 5"
COMMENTS_SHOWN = 50  # the newest; a shorter period shows older ones
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LONG_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# -- the period --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date  # inclusive


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _month_start(first, -1) - timedelta(days=1)


def periods(today: date | None = None) -> list[Period]:
    """The periods a manager may choose: the last 12 and 3 months (to today), then each month."""
    today = today or clock.today()
    chosen = [
        Period("12m", "The last 12 months", _month_start(today, TREND_MONTHS - 1), today),
        Period("3m", "The last 3 months", _month_start(today, 2), today),
    ]
    for back in range(TREND_MONTHS):
        first = _month_start(today, back)
        chosen.append(
            Period(
                f"{first:%Y-%m}",
                f"{LONG_MONTHS[first.month - 1]} {first.year}",
                first,
                min(_month_end(first), today),
            )
        )
    return chosen


def period_from_key(text: str | None, today: date | None = None) -> Period:
    """The period a query string names; the last 12 months when it names none; 404 for nonsense."""
    found = periods(today)
    if not text:
        return found[0]
    for period in found:
        if period.key == text:
            return period
    abort(404)


# -- the figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    figures: Figures
    scope_key: str | None = None

    @property
    def cells(self) -> tuple[object, ...]:
        """As a table or CSV shows it: a hidden group has no numbers at all."""
        f = self.figures
        if f.hidden:
            return (self.name, FEWER, FEWER, FEWER, FEWER)
        if not f.responses:
            return (self.name, 0, None, None, None)
        return (self.name, f.responses, f.average_satisfaction, f.kept_informed_percent, f.felt_safer_percent)


HEADERS = ("", "Responses", "Average satisfaction (1 to 5)", "Kept informed (%)", "Felt safer (%)")


@dataclass(frozen=True)
class FeedbackSummary:
    scope: Scope
    period: Period
    group_label: str | None  # "Region" or "Team"; None when the scope has no groups below it
    total: Row
    groups: list[Row]
    by_about: list[Row]


def _where(statement, scope: Scope, start: date, end: date):
    statement = statement.where(FeedbackResponse.received_on >= start, FeedbackResponse.received_on <= end)
    if scope.level == Level.REGION:
        statement = statement.where(FeedbackResponse.region_id == scope.region_id)
    elif scope.level in (Level.TEAM, Level.VLO):
        # A response keeps no VLO: a VLO's scope reads their team's.
        statement = statement.where(FeedbackResponse.team_id == scope.team_id)
    return statement


def _tally_columns() -> list:
    yes_informed = case((FeedbackResponse.kept_informed == Answer.YES, 1), else_=0)
    yes_safer = case((FeedbackResponse.felt_safer == Answer.YES, 1), else_=0)
    return [
        func.count(FeedbackResponse.id),
        func.coalesce(func.sum(FeedbackResponse.satisfaction), 0),
        func.coalesce(func.sum(yes_informed), 0),
        func.count(FeedbackResponse.kept_informed),
        func.coalesce(func.sum(yes_safer), 0),
        func.count(FeedbackResponse.felt_safer),
    ]


def _tally(row) -> Tally:
    return Tally(*(int(value or 0) for value in row))


def _with_complement(rows: list[tuple[str, Tally, str | None]], total_shown: bool) -> list[Row]:
    hide = rules.complementary([tally.responses for _name, tally, _key in rows]) if total_shown else set()
    return [
        Row(name, rules.figures(tally, hide=index in hide), key)
        for index, (name, tally, key) in enumerate(rows)
    ]


def summary(scope: Scope, period: Period) -> FeedbackSummary:
    """Responses, average satisfaction, % kept informed and % felt safer for the scope, for each
    region (national) or team (a region) in it, and by what the feedback was about. Any group
    under 5 responses is "fewer than 5", and so is the next smallest when one alone would be
    revealed by subtracting the others from the total (victims.domain.feedback.complementary)."""
    group_column = {Level.NATIONAL: FeedbackResponse.region_id, Level.REGION: FeedbackResponse.team_id}.get(
        scope.level
    )
    group_key = group_column if group_column is not None else FeedbackResponse.team_id
    statement = _where(
        select(group_key, FeedbackResponse.about, *_tally_columns()), scope, period.start, period.end
    ).group_by(group_key, FeedbackResponse.about)
    by_group: dict[int, Tally] = {}
    by_about: dict[FeedbackAbout, Tally] = {}
    total = Tally()
    for row in db.session.execute(statement):
        counted = _tally(row[2:])
        about = FeedbackAbout(row[1])
        by_group[row[0]] = by_group.get(row[0], Tally()) + counted
        by_about[about] = by_about.get(about, Tally()) + counted
        total += counted
    total_row = Row("All responses", rules.figures(total))
    shown = not total_row.figures.hidden and total.responses > 0
    groups: list[Row] = []
    label = None
    if group_column is not None:
        label = "Region" if scope.level == Level.NATIONAL else "Team"
        groups = _with_complement(
            [
                (child.name, by_group.get(child.subject_id or 0, Tally()), child.key)
                for child in children(scope)
            ],
            shown,
        )
    abouts = _with_complement(
        [(about.label, by_about.get(about, Tally()), None) for about in FeedbackAbout], shown
    )
    return FeedbackSummary(scope, period, label, total_row, groups, abouts)


def csv_rows(found: FeedbackSummary) -> list[tuple[object, ...]]:
    """The summary as the CSV has it: what each row is, then the same cells as the page."""
    level = found.group_label or "Scope"
    rows: list[tuple[object, ...]] = [("Total", *found.total.cells)]
    rows += [(level, *row.cells) for row in found.groups]
    rows += [("About", *row.cells) for row in found.by_about]
    return rows


CSV_HEADERS = ("Row", "Name", *HEADERS[1:])


# -- by month and the chart ---------------------------------------------------------------------


def by_month(scope: Scope, end: date, months: int = TREND_MONTHS) -> list[tuple[date, Figures]]:
    """Each month's figures up to the month of `end`, hidden as the summary hides them."""
    first = _month_start(end, months - 1)
    month = func.strftime("%Y-%m", FeedbackResponse.received_on)
    if db.engine.dialect.name == "postgresql":
        month = func.to_char(FeedbackResponse.received_on, "YYYY-MM")
    statement = _where(select(month, *_tally_columns()), scope, first, end).group_by(month)
    found = {row[0]: _tally(row[1:]) for row in db.session.execute(statement)}
    starts = [_month_start(end, back) for back in range(months - 1, -1, -1)]
    tallies = [found.get(f"{start:%Y-%m}", Tally()) for start in starts]
    total_shown = not rules.suppressed(sum(t.responses for t in tallies))
    hide = rules.complementary([t.responses for t in tallies]) if total_shown else set()
    return [
        (start, rules.figures(counted, hide=index in hide))
        for index, (start, counted) in enumerate(zip(starts, tallies, strict=True))
    ]


def month_chart(scope: Scope, end: date) -> charts.Chart:
    """Average satisfaction by month, a gap where a month had fewer than 5 responses; the table
    beneath says "fewer than 5" there."""
    months = by_month(scope, end)
    labels = [f"{MONTHS[start.month - 1]} {start.year}" for start, _f in months]
    chart = charts.lines(
        "feedback-by-month",
        "Average satisfaction by month",
        f"Average satisfaction (1 to 5) each month for {scope.name}; months with fewer than 5 "
        "responses are left out.",
        labels,
        [charts.Series("Average satisfaction", [f.average_satisfaction for _s, f in months])],
        y_title="Average satisfaction (1 to 5)",
        table_headers=("Month", "Responses", "Average satisfaction (1 to 5)"),
    )
    rows: list[tuple[object, ...]] = []
    for label, (_start, f) in zip(labels, months, strict=True):
        rows.append((label, FEWER, FEWER) if f.hidden else (label, f.responses, f.average_satisfaction))
    return dataclasses.replace(chart, rows=rows)


# -- comments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    month: str  # "November 2026": no day, nothing else that could point to a person
    text: str


def comments(scope: Scope, period: Period, found: FeedbackSummary) -> list[Comment] | None:
    """What victims wrote, newest first (the newest 50), with only the month. None (not shown)
    when the scope's responses are too few to show: a comment from a team with 3 responses would
    point to a victim. The caller has checked the scope is one the manager may see (a region's own)."""
    if found.total.figures.hidden or not found.total.figures.responses:
        return None
    statement = (
        _where(
            select(FeedbackResponse.received_on, FeedbackResponse.comments).where(
                FeedbackResponse.comments.is_not(None)
            ),
            scope,
            period.start,
            period.end,
        )
        .order_by(FeedbackResponse.received_on.desc(), FeedbackResponse.id.desc())
        .limit(COMMENTS_SHOWN)
    )
    return [
        Comment(f"{LONG_MONTHS[row.received_on.month - 1]} {row.received_on.year}", row.comments)
        for row in db.session.execute(statement)
        if row.comments
    ]


# -- for the monthly report ------------------------------------------------------------------------


def report_section(scope: Scope, start: date, end: date) -> dict:
    """What the monthly PDF report needs about feedback: the summary's rows for the period (as
    cells, hidden groups saying "fewer than 5"), the headers, and the chart by month to `end`."""
    found = summary(scope, Period("report", "", start, end))
    return {
        "title": "Victims' feedback",
        "headers": HEADERS,
        "group_label": found.group_label,
        "total": found.total.cells,
        "groups": [row.cells for row in found.groups],
        "by_about": [row.cells for row in found.by_about],
        "chart": month_chart(scope, end),
        "note": "Groups with fewer than 5 responses are shown as “fewer than 5”, with no figures.",
    }
