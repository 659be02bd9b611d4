"""Absence and cover (issue 14, item 5): a VLO away on planned leave or sick has their due tasks
and reminders handled by a named cover VLO or the team's queue, and gets them back on return.

Pure rules: the service passes the days in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from victims.domain.vocabulary import Labelled


class AbsenceKind(Labelled):
    LEAVE = "leave", "Planned leave"
    SICKNESS = "sickness", "Sickness"
    LONG_TERM = "long_term", "Long-term absence"
    LEAVING = "leaving", "Leaving the team"


# Kinds after which the SPO is offered a plan to rebalance the VLO's whole caseload.
REBALANCE_KINDS = frozenset({AbsenceKind.LONG_TERM, AbsenceKind.LEAVING})


class When(Labelled):
    """Where an absence stands on a day."""

    PLANNED = "planned", "Planned"
    CURRENT = "current", "Away now"
    PAST = "past", "Back"
    CANCELLED = "cancelled", "Cancelled"


@dataclass(frozen=True)
class Days:
    """An absence's first day and last day (None: not known yet)."""

    starts_on: date
    ends_on: date | None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, other: Days) -> bool:
        mine_ends = self.ends_on or date.max
        theirs_ends = other.ends_on or date.max
        return self.starts_on <= theirs_ends and other.starts_on <= mine_ends


# Tasks falling due up to this many days after the last day go to cover too: the VLO comes back
# to work they can start, not to work already late.
COVER_LOOKAHEAD_DAYS = 7


def covered_until(days: Days) -> date | None:
    """The last due date of the tasks that go to cover: a week past the last day, or every task
    when the last day is not known (None). Work due later stays with the VLO, who is back for it."""
    if days.ends_on is None:
        return None
    return days.ends_on + timedelta(days=COVER_LOOKAHEAD_DAYS)


def when(days: Days, today: date, cancelled: bool = False) -> When:
    if cancelled:
        return When.CANCELLED
    if days.starts_on > today:
        return When.PLANNED
    if days.ends_on is not None and days.ends_on < today:
        return When.PAST
    return When.CURRENT


def absence_problems(
    days: Days,
    *,
    user_id: int,
    cover_id: int | None,
    own_absences: Iterable[Days],
    cover_absences: Iterable[Days],
) -> dict[str, str]:
    """Every reason the absence cannot be recorded, by the form field it is about.

    `own_absences`: the person's other absences (not cancelled); `cover_absences`: the cover's."""
    problems: dict[str, str] = {}
    if days.ends_on is not None and days.ends_on < days.starts_on:
        problems["ends_on"] = "The last day must be the same as or after the first day"
        return problems
    if cover_id is not None and cover_id == user_id:
        problems["cover"] = "Choose someone other than the person who is away to cover"
    elif cover_id is not None and any(days.overlaps(other) for other in cover_absences):
        problems["cover"] = (
            "The person covering is away on some of those days: choose someone else or the team’s queue"
        )
    if any(days.overlaps(other) for other in own_absences):
        problems["starts_on"] = "They already have an absence recorded on some of those days"
    return problems


def cover_target(cover_id: int | None, needs_mapping: bool, cover_maps: bool) -> int | None:
    """Who takes one task of an absent VLO: the cover, unless the task is a map and the cover
    lacks the mapping skill; None is the team's queue."""
    if cover_id is None or (needs_mapping and not cover_maps):
        return None
    return cover_id


def comes_back(assigned_to_id: int | None, cover_id: int | None) -> bool:
    """On return, a task still where cover put it (the cover VLO, or the queue) comes back; one
    an SPO gave to someone else meanwhile stays with them."""
    return assigned_to_id is None or assigned_to_id == cover_id


def starts_now(days: Days, today: date, covered: bool, returned: bool) -> bool:
    """Whether the work should move to cover today (and has not)."""
    return not covered and not returned and days.covers(today)


def ends_now(days: Days, today: date, covered: bool, returned: bool) -> bool:
    """Whether the work should come back today (and has not): the last day has passed."""
    return covered and not returned and days.ends_on is not None and days.ends_on < today
