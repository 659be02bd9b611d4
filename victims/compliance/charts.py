"""The compliance page's charts: compliance by month (stacked on time, late, missed) and
training completion by course against the inspection's 65–72%."""

from __future__ import annotations

from datetime import date

from victims.charts import GREEN, ORANGE, RED, Chart, Series, bars
from victims.compliance.queries import Figures
from victims.domain.compliance import DECIDED, Measure, Outcome
from victims.domain.needs import Course

# The share of staff trained that the inspection found (SPEC §8): the chart marks both ends.
INSPECTION_LOW, INSPECTION_HIGH = 65, 72
_COLOURS = {Outcome.ON_TIME: GREEN, Outcome.LATE: ORANGE, Outcome.MISSED: RED}


def _decided_total(figures: Figures, outcome: Outcome) -> int:
    return sum(figures.deadlines[measure][outcome] for measure in Measure)


def monthly_chart(months: list[tuple[date, Figures]]) -> Chart:
    """Every deadline measure together, by the month the deadlines were due."""
    labels = [first.strftime("%b %Y") for first, _figures in months]
    series = [
        Series(outcome.label, [_decided_total(figures, outcome) for _first, figures in months])
        for outcome in DECIDED
    ]
    chart = bars(
        "compliance-by-month",
        "Compliance by month",
        "Deadlines due each month (initial contact, pre-release, representations, outcomes and "
        "event tasks) met on time, met late and missed, for the last 12 months.",
        labels,
        series,
        stacked=True,
        palette=[_COLOURS[outcome] for outcome in DECIDED],
        y_title="Deadlines due",
        table_headers=("Month", *(outcome.label for outcome in DECIDED)),
    )
    return chart


def training_chart(figures: Figures) -> Chart:
    """Per course, the share of active VLOs with a valid record, with the inspection's range."""
    values = [figures.training_percent(course) for course in Course]
    return bars(
        "training-by-course",
        "Training completion by course",
        f"The percentage of active VLOs with valid training in each course; the inspection found "
        f"{INSPECTION_LOW}% to {INSPECTION_HIGH}%, marked by the dashed lines.",
        [course.label for course in Course],
        [Series("VLOs with valid training (%)", values)],
        horizontal=True,
        references=[INSPECTION_LOW, INSPECTION_HIGH],
        y_title="Per cent of active VLOs",
        table_headers=("Course", "VLOs with valid training (%)"),
    )
