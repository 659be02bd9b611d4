"""Compliance (issue 15, item 2): how a deadline stands for a period, the periods a manager
chooses, which deadlines count in one, and percentages that say so when there is nothing to
count. Pure: the queries (victims.compliance.queries) write the same rules as SQL.

Rules (also in docs/decisions.md, "Issue 15: compliance"):

- A deadline counts in a period when its DUE DATE falls in the period (first and last day
  included): the usual management-information rule, so a month's figure does not move when work
  is done later, only its outcome does.
- On time: met with 0 working days late. Late: met, more than 0 days late.
- Missed: still open after its due date, or closed with its case after its due date had passed
  (the case closed while the deadline was overdue: the work was never done). A deadline closed
  with its case on or before its due date is not counted (nobody missed it), nor is a cancelled
  one (the rule stopped applying).
- Not yet due: open, due today or later. Shown, but not in the percentage: nothing is decided.
- A percentage is of the decided deadlines (on time + late + missed). With none, it is "no
  deadlines due", never "0%".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from victims.domain.deadlines import (
    INITIAL_CONTACT,
    INITIAL_CONTACT_FROM_SENTENCE,
    LICENCE_OUTCOME,
    LICENCE_REPRESENTATIONS,
    PRE_RELEASE_WINDOW,
    VNS_INITIAL_CONTACT,
    OffenderEvent,
    event_code,
)
from victims.domain.vocabulary import Labelled
from victims.domain.work import DeadlineStatus


class Outcome(Labelled):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    MISSED = "missed", "Missed"
    NOT_YET_DUE = "not_yet_due", "Not yet due"


# The outcomes a percentage is taken of.
DECIDED: tuple[Outcome, ...] = (Outcome.ON_TIME, Outcome.LATE, Outcome.MISSED)


class Measure(Labelled):
    """The deadline measures: each is a set of rule codes, classified the same way."""

    INITIAL_CONTACT = "initial_contact", "Initial contact within its deadline"
    PRE_RELEASE = "pre_release", "Pre-release contact before the window"
    REPRESENTATIONS = "representations", "Representations before their deadline"
    OUTCOME = "outcome", "Outcomes told within 10 working days"
    EVENTS = "events", "Event tasks on time"


# For narrow columns (the table of child scopes).
SHORT: dict[Measure, str] = {
    Measure.INITIAL_CONTACT: "Initial contact",
    Measure.PRE_RELEASE: "Pre-release",
    Measure.REPRESENTATIONS: "Representations",
    Measure.OUTCOME: "Outcomes told",
    Measure.EVENTS: "Event tasks",
}

MEASURE_CODES: dict[Measure, tuple[str, ...]] = {
    Measure.INITIAL_CONTACT: (INITIAL_CONTACT, INITIAL_CONTACT_FROM_SENTENCE, VNS_INITIAL_CONTACT),
    Measure.PRE_RELEASE: (PRE_RELEASE_WINDOW,),
    Measure.REPRESENTATIONS: (LICENCE_REPRESENTATIONS,),
    Measure.OUTCOME: (LICENCE_OUTCOME,),
    Measure.EVENTS: tuple(event_code(event) for event in OffenderEvent),
}


class Count(Labelled):
    """The counts that are not deadlines in a period: cases behind them can be listed too."""

    OVERDUE_DEADLINES = "overdue_deadlines", "Open deadlines past their due date now"
    OVERDUE_TASKS = "overdue_tasks", "Open tasks past their due date now"
    LETTERS_RETURNED = "letters_returned", "Letters returned in the period"
    CONTACT_LOST = "contact_lost", "Contact lost in the period"
    CONTACT_REGAINED = "contact_regained", "Contact regained in the period"


def measure_for_code(code: str) -> Measure | None:
    for measure, codes in MEASURE_CODES.items():
        if code in codes:
            return measure
    return None


def classify(
    status: str, due_on: date, days_late: int | None, today: date, case_closed_on: date | None = None
) -> Outcome | None:
    """How one deadline stands today; None when it does not count (cancelled, or closed with its
    case before it was overdue)."""
    if status == DeadlineStatus.MET:
        return Outcome.LATE if (days_late or 0) > 0 else Outcome.ON_TIME
    if status == DeadlineStatus.OPEN:
        return Outcome.MISSED if due_on < today else Outcome.NOT_YET_DUE
    if status == DeadlineStatus.CASE_CLOSED:
        return Outcome.MISSED if case_closed_on is not None and due_on < case_closed_on else None
    return None


def percentage(part: int, whole: int) -> int | None:
    """Whole percent, rounded half up; None when there is nothing to take a percentage of."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def percentage_text(part: int, whole: int, nothing: str = "No deadlines due") -> str:
    value = percentage(part, whole)
    return nothing if value is None else f"{value}%"


class Preset(Labelled):
    THIS_MONTH = "this_month", "This month"
    LAST_MONTH = "last_month", "Last month"
    LAST_3_MONTHS = "last_3_months", "Last 3 months"
    LAST_12_MONTHS = "last_12_months", "Last 12 months"
    CUSTOM = "custom", "Choose dates"


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date
    preset: Preset = Preset.CUSTOM

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError("a period ends on or after the day it starts")

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def label(self) -> str:
        return f"{_long(self.starts_on)} to {_long(self.ends_on)}"


def _long(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before the month of `day`."""
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def month_end(first: date) -> date:
    return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


def preset_period(preset: Preset, today: date) -> Period:
    """A preset on a day. "This month" runs from the 1st to the month's last day (deadlines due
    later this month are "not yet due"); "last N months" are the N whole months before this one,
    so their figures are complete."""
    if preset == Preset.THIS_MONTH:
        first = month_start(today)
        return Period(first, month_end(first), preset)
    months = {Preset.LAST_MONTH: 1, Preset.LAST_3_MONTHS: 3, Preset.LAST_12_MONTHS: 12}.get(preset)
    if months is None:
        raise ValueError("a custom period needs its dates")
    return Period(month_start(today, months), month_start(today) - timedelta(days=1), preset)


def last_months(today: date, months: int) -> list[tuple[date, date]]:
    """The last `months` months, the current one last, each as (first day, last day)."""
    return [
        (month_start(today, back), month_end(month_start(today, back))) for back in range(months - 1, -1, -1)
    ]


# --- Closed months kept by the nightly snapshot (issue 16) ----------------------------------------

# The closed months each night's stored set holds: the 12 of the "last 12 months" period and the
# monthly trend, and one more so a report of last month can draw its 12 months too.
STORED_MONTHS = 13
# A set is read while it is last night's (or, before tonight's is taken, the night before's); an
# older one (the beat was down) is not: the pages work everything out live until the next one.
STORED_FRESH_DAYS = 1


def stored_months(taken_on: date) -> list[date]:
    """The first days of the closed months a set taken on `taken_on` holds, oldest first: the
    STORED_MONTHS whole months before the month of `taken_on` (whose own month is still open)."""
    return [month_start(taken_on, back) for back in range(STORED_MONTHS, 0, -1)]


def stored_set_usable(taken_on: date, today: date) -> bool:
    return today - timedelta(days=STORED_FRESH_DAYS) <= taken_on <= today


def split_period(period: Period, stored: list[date]) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole months of `period` that a stored set holds (their first days), and the date
    ranges of the period left to work out live (before, between or after them): every day of
    the period is in exactly one of the two."""
    whole = [first for first in stored if period.starts_on <= first and month_end(first) <= period.ends_on]
    live: list[tuple[date, date]] = []
    cursor = period.starts_on
    for first in whole:
        if cursor < first:
            live.append((cursor, first - timedelta(days=1)))
        cursor = month_end(first) + timedelta(days=1)
    if cursor <= period.ends_on:
        live.append((cursor, period.ends_on))
    return whole, live
