"""The compliance figures (issue 15, item 2), computed once here and read by the page, its CSV
downloads, the cases behind each figure, the monthly chart and the nightly snapshot.

Every figure is a grouped SQL statement (GROUP BY the child scope, or the month), never a loop
over rows in Python; a page makes the same few statements however many cases there are.

Scopes (victims.staff.scopes): a case belongs to its region and team, and to the VLO allocated
to it NOW (a case reallocated last week counts, with all its history, for its new VLO: the
figures answer "how is this VLO's caseload doing", and the cases list shows the same cases).
Training and active VLOs are counted by where the VLO works (their team and region).

The rules for a deadline's outcome are victims.domain.compliance's, written once as SQL below
(`_outcome`); the cases behind a figure filter on the same expression, so the list always holds
the rows the figure counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, literal, null, or_, select

from victims.cases.models import Case, ContactLogEntry, Offender
from victims.compliance.models import ComplianceMonth
from victims.domain.calendar import LONDON
from victims.domain.compliance import (
    DECIDED,
    MEASURE_CODES,
    Count,
    Measure,
    Outcome,
    Period,
    last_months,
    measure_for_code,
    month_end,
    month_start,
    percentage,
    split_period,
    stored_months,
    stored_set_usable,
)
from victims.domain.evidence import ContactOutcome
from victims.domain.needs import Course
from victims.domain.oversight import Level
from victims.domain.vocabulary import Role
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.lists import Page, paginate
from victims.people.models import Person
from victims.staff.models import TrainingRecord, User
from victims.staff.scopes import Scope, children
from victims.work.models import CaseDeadline, Task

ALL_CODES: tuple[str, ...] = tuple(code for codes in MEASURE_CODES.values() for code in codes)


@dataclass
class Figures:
    """A scope's figures for a period. Deadline measures by outcome; counts; training now."""

    deadlines: dict[Measure, dict[Outcome, int]] = field(
        default_factory=lambda: {measure: dict.fromkeys(Outcome, 0) for measure in Measure}
    )
    counts: dict[Count, int] = field(default_factory=lambda: dict.fromkeys(Count, 0))
    training: dict[Course, int] = field(default_factory=lambda: dict.fromkeys(Course, 0))
    active_vlos: int = 0

    def decided(self, measure: Measure) -> int:
        return sum(self.deadlines[measure][outcome] for outcome in DECIDED)

    def percent(self, measure: Measure, outcome: Outcome = Outcome.ON_TIME) -> int | None:
        """Of the decided deadlines; None when there were none ("no deadlines due")."""
        return percentage(self.deadlines[measure][outcome], self.decided(measure))

    def training_percent(self, course: Course) -> int | None:
        return percentage(self.training[course], self.active_vlos)

    def counted(self) -> bool:
        """Anything counted at all (deadlines, counts or VLOs)."""
        return bool(
            self.active_vlos
            or any(self.counts.values())
            or any(number for outcomes in self.deadlines.values() for number in outcomes.values())
        )

    def add(self, other: Figures) -> None:
        for measure, outcomes in other.deadlines.items():
            for outcome, number in outcomes.items():
                self.deadlines[measure][outcome] += number
        for count, number in other.counts.items():
            self.counts[count] += number
        for course, number in other.training.items():
            self.training[course] += number
        self.active_vlos += other.active_vlos


# --- the rules as SQL ------------------------------------------------------------------------


def _outcome(today: date) -> ColumnElement:
    """victims.domain.compliance.classify, as SQL (None: not counted)."""
    status = CaseDeadline.status
    return case(
        (and_(status == DeadlineStatus.MET, func.coalesce(CaseDeadline.days_late, 0) > 0), literal("late")),
        (status == DeadlineStatus.MET, literal("on_time")),
        (and_(status == DeadlineStatus.OPEN, CaseDeadline.due_on < today), literal("missed")),
        (status == DeadlineStatus.OPEN, literal("not_yet_due")),
        (
            and_(
                status == DeadlineStatus.CASE_CLOSED,
                Case.closed_at.is_not(None),
                CaseDeadline.due_on < func.date(Case.closed_at),
            ),
            literal("missed"),
        ),
        else_=None,
    )


def _case_filter(scope: Scope) -> list[ColumnElement]:
    if scope.level == Level.REGION:
        return [Case.region_id == scope.region_id]
    if scope.level == Level.TEAM:
        return [Case.team_id == scope.team_id]
    if scope.level == Level.VLO:
        return [Case.allocated_vlo_id == scope.vlo_id]
    return []


def _case_child(scope: Scope) -> Any:
    """The column a case's child scope is read from (at a VLO, the VLO: one group, no children)."""
    return {Level.NATIONAL: Case.region_id, Level.REGION: Case.team_id}.get(
        scope.level, Case.allocated_vlo_id
    )


def _user_filter(scope: Scope) -> list[ColumnElement]:
    filters = [User.role == Role.VLO.value, User.active.is_(True)]
    if scope.level == Level.REGION:
        filters.append(User.region_id == scope.region_id)
    elif scope.level == Level.TEAM:
        filters.append(User.team_id == scope.team_id)
    elif scope.level == Level.VLO:
        filters.append(User.id == scope.vlo_id)
    return filters


def _user_child(scope: Scope) -> Any:
    return {Level.NATIONAL: User.region_id, Level.REGION: User.team_id}.get(scope.level, User.id)


def _in_force(today: date) -> ColumnElement:
    """A training record valid today (victims.domain.training.record_status VALID or EXPIRING:
    completed by today and not expired before it)."""
    return and_(
        TrainingRecord.completed_on <= today,
        or_(TrainingRecord.expires_on.is_(None), TrainingRecord.expires_on >= today),
    )


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LONDON)


# --- the statements ----------------------------------------------------------------------------


def _outcome_sums(outcome: ColumnElement) -> list[ColumnElement]:
    """A count of each outcome as its own column, so a statement groups by real columns (the
    rule code, the child scope) whose statistics the planner knows, not by computed text."""
    return [func.sum(case((outcome == value.value, 1), else_=0)) for value in Outcome]


def _add_row(target: dict[Measure, dict[Outcome, int]], code: str, numbers: tuple) -> None:
    measure = measure_for_code(code)
    if measure is None:
        return
    for value, number in zip(Outcome, numbers, strict=True):
        target[measure][value] += int(number or 0)


def _empty() -> dict[Measure, dict[Outcome, int]]:
    return {measure: dict.fromkeys(Outcome, 0) for measure in Measure}


Ranges = list[tuple[date, date]]


def _due_in(ranges: Ranges) -> ColumnElement:
    """Due in any of the date ranges (each first and last day included): each a range of the
    due date alone, so the planner reads only those days' rows through the (due_on) index."""
    return or_(*(CaseDeadline.due_on.between(first, last) for first, last in ranges))


def _deadline_counts(
    scope: Scope, ranges: Ranges, today: date
) -> dict[Any, dict[Measure, dict[Outcome, int]]]:
    """One statement: the deadline measures by child scope, rule code and outcome, for the
    deadlines due in the ranges (none: no statement)."""
    if not ranges:
        return {}
    child = _case_child(scope)
    statement = (
        select(child, CaseDeadline.code, *_outcome_sums(_outcome(today)))
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.code.in_(ALL_CODES), _due_in(ranges), *_case_filter(scope))
        .group_by(child, CaseDeadline.code)
    )
    found: dict[Any, dict[Measure, dict[Outcome, int]]] = {}
    for key, code, *numbers in db.session.execute(statement):
        _add_row(found.setdefault(key, _empty()), code, tuple(numbers))
    return found


def _other_counts(
    scope: Scope, ranges: Ranges, today: date, overdue_since: date | None = None
) -> dict[Any, dict[Count, int]]:
    """Four statements (two with no ranges): overdue deadlines and tasks now (due from
    `overdue_since` only, when a stored set gives those due before it), letters returned and
    contact lost and regained in the ranges, each by child scope."""
    found: dict[Any, dict[Count, int]] = defaultdict(lambda: dict.fromkeys(Count, 0))
    child = _case_child(scope).label("child")
    since = [CaseDeadline.due_on >= overdue_since] if overdue_since else []
    overdue = (
        select(child, func.count())
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(
            CaseDeadline.status == DeadlineStatus.OPEN,
            *since,
            CaseDeadline.due_on < today,
            *_case_filter(scope),
        )
        .group_by(child)
    )
    for key, number in db.session.execute(overdue):
        found[key][Count.OVERDUE_DEADLINES] = number
    tasks = (
        select(child, func.count())
        .select_from(Task)
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .join(Case, Case.id == Task.case_id)
        .where(Task.status == TaskStatus.OPEN, *since, CaseDeadline.due_on < today, *_case_filter(scope))
        .group_by(child)
    )
    for key, number in db.session.execute(tasks):
        found[key][Count.OVERDUE_TASKS] = number
    if not ranges:
        return found
    letters = (
        select(child, func.count())
        .select_from(ContactLogEntry)
        .join(Case, Case.id == ContactLogEntry.case_id)
        .where(or_(*(_returned_in(Period(*one)) for one in ranges)), *_case_filter(scope))
        .group_by(child)
    )
    for key, number in db.session.execute(letters):
        found[key][Count.LETTERS_RETURNED] = number
    lost = or_(*(_lost_in(Period(*one)) for one in ranges))
    regained = or_(*(_regained_in(Period(*one)) for one in ranges))
    people = (
        select(
            child,
            func.sum(case((lost, 1), else_=0)),
            func.sum(case((regained, 1), else_=0)),
        )
        .select_from(Person)
        .join(Case, Case.id == Person.case_id)
        .where(or_(lost, regained), *_case_filter(scope))
        .group_by(child)
    )
    for key, lost_number, regained_number in db.session.execute(people):
        found[key][Count.CONTACT_LOST] = int(lost_number or 0)
        found[key][Count.CONTACT_REGAINED] = int(regained_number or 0)
    return found


def _returned_in(period: Period) -> ColumnElement:
    """A letter that came back: the contact log's returned-mail entry (victims.letters.sending
    records one when a letter is marked returned) dates it; the letter itself keeps no date."""
    return and_(
        ContactLogEntry.outcome == ContactOutcome.RETURNED_MAIL,
        ContactLogEntry.occurred_at >= _london_midnight(period.starts_on),
        ContactLogEntry.occurred_at < _london_midnight(period.ends_on + timedelta(days=1)),
    )


def _lost_in(period: Period) -> ColumnElement:
    return and_(Person.contact_lost_on >= period.starts_on, Person.contact_lost_on <= period.ends_on)


def _regained_in(period: Period) -> ColumnElement:
    return and_(Person.contact_regained_on >= period.starts_on, Person.contact_regained_on <= period.ends_on)


def _training(scope: Scope, today: date) -> tuple[dict[Any, dict[Course, int]], dict[Any, int]]:
    """Two statements: VLOs with a valid record of each course, and active VLOs, by child."""
    child = _user_child(scope).label("child")
    valid: dict[Any, dict[Course, int]] = defaultdict(lambda: dict.fromkeys(Course, 0))
    statement = (
        select(child, TrainingRecord.course, func.count(func.distinct(User.id)))
        .select_from(TrainingRecord)
        .join(User, User.id == TrainingRecord.user_id)
        .where(_in_force(today), *_user_filter(scope))
        .group_by(child, TrainingRecord.course)
    )
    for key, course, number in db.session.execute(statement):
        valid[key][Course(course)] = number
    active = dict(
        db.session.execute(
            select(child, func.count()).select_from(User).where(*_user_filter(scope)).group_by(child)
        )
        .tuples()
        .all()
    )
    return valid, active


# --- what the pages call -----------------------------------------------------------------------


def _by_key(
    scope: Scope, ranges: Ranges, today: date, overdue_since: date | None = None
) -> dict[Any, Figures]:
    deadlines = _deadline_counts(scope, ranges, today)
    others = _other_counts(scope, ranges, today, overdue_since)
    valid, active = _training(scope, today)
    found: dict[Any, Figures] = {}
    for key in set(deadlines) | set(others) | set(valid) | set(active):
        figures = Figures()
        if key in deadlines:
            figures.deadlines = deadlines[key]
        if key in others:
            figures.counts = dict(others[key])
        if key in valid:
            figures.training = dict(valid[key])
        figures.active_vlos = active.get(key, 0)
        found[key] = figures
    return found


# --- closed months from the nightly snapshot ------------------------------------------------------
#
# The snapshot stores, every night, each team's figures for each of the 13 closed months before
# (victims.compliance.services.store_months): deadline outcomes by measure, letters returned,
# contact lost and regained. The national and region pages read the newest such set for the
# whole closed months of what they show and work out only the rest live (this month, and any
# part of a custom period outside the stored months). Team and VLO pages stay live: a team's
# deadlines are a few thousand rows through the team's cases.
#
# Outcomes of a closed month's deadlines change only when someone records something about them
# (met late, a case closed or transferred): the set is recomputed in full every night, so such a
# change shows from the next night's set; the page says how old the set is.

_STORED_LEVELS = (Level.NATIONAL, Level.REGION)
_PERIOD_COUNTS = (Count.LETTERS_RETURNED, Count.CONTACT_LOST, Count.CONTACT_REGAINED)
# Kept in each team's row of the newest month: open deadlines (tasks) due by that month's end.
_OVERDUE_COUNTS = (Count.OVERDUE_DEADLINES, Count.OVERDUE_TASKS)


def figure_name(measure: Measure, outcome: Outcome) -> str:
    return f"{measure.value}.{outcome.value}"


@dataclass(frozen=True)
class Stored:
    """The newest usable set's rows for a scope: by month (first day), by child key."""

    taken_on: date
    months: dict[date, dict[Any, dict[str, int]]]

    def holds(self) -> list[date]:
        return stored_months(self.taken_on)

    @property
    def overdue_since(self) -> date:
        """Overdue work due before this day is in the set (in its newest month's rows)."""
        return month_start(self.taken_on)

    def add_to(self, found: dict[Any, Figures], months: list[date]) -> None:
        for month in months:
            for key, numbers in self.months.get(month, {}).items():
                _add_stored(found.setdefault(key, Figures()), numbers)
        for key, numbers in self.months.get(month_start(self.taken_on, 1), {}).items():
            figures = found.setdefault(key, Figures())
            for count in _OVERDUE_COUNTS:
                figures.counts[count] += numbers.get(count.value, 0)


def _add_stored(figures: Figures, numbers: dict[str, int], *, counts: bool = True) -> None:
    for measure in Measure:
        for outcome in Outcome:
            figures.deadlines[measure][outcome] += numbers.get(figure_name(measure, outcome), 0)
    if not counts:  # the monthly trend: deadlines only
        return
    for count in _PERIOD_COUNTS:
        figures.counts[count] += numbers.get(count.value, 0)


def stored(scope: Scope, today: date) -> Stored | None:
    """The newest stored set of closed months for a national or region scope, if it is fresh
    enough (victims.domain.compliance.stored_set_usable): one statement. None: work it all out
    live (a team or VLO, no set yet, or the nightly snapshot missed)."""
    if scope.level not in _STORED_LEVELS:
        return None
    newest = (
        select(func.max(ComplianceMonth.taken_on)).where(ComplianceMonth.taken_on <= today).scalar_subquery()
    )
    statement = select(
        ComplianceMonth.taken_on,
        ComplianceMonth.month,
        ComplianceMonth.region_id,
        ComplianceMonth.team_id,
        ComplianceMonth.figures,
    ).where(ComplianceMonth.taken_on == newest)
    if scope.level == Level.REGION:
        statement = statement.where(ComplianceMonth.region_id == scope.region_id)
    rows = db.session.execute(statement).all()
    if not rows or not stored_set_usable(rows[0].taken_on, today):
        return None
    months: dict[date, dict[Any, dict[str, int]]] = defaultdict(dict)
    for row in rows:
        key = row.region_id if scope.level == Level.NATIONAL else row.team_id
        into = months[row.month].setdefault(key, {})
        for name, number in row.figures.items():
            into[name] = into.get(name, 0) + int(number)
    return Stored(rows[0].taken_on, dict(months))


@dataclass(frozen=True)
class Breakdown:
    """A scope's figures and its children's, from one run of the statements."""

    totals: Figures
    children: list[tuple[Scope, Figures]]
    # What is in the totals but in no child's row: at a team, cases with no VLO allocated or
    # allocated to one no longer active in the team.
    rest: Figures | None = None
    # The night whose stored figures gave the period's whole closed months and the overdue work
    # due before this month (None: all live).
    stored_on: date | None = None


def breakdown(
    scope: Scope, period: Period, today: date, *, live: bool = False, kept: Stored | None = None
) -> Breakdown:
    """The scope's totals and one row per child scope, from the same grouped statements (a
    fixed number however many children or cases): the whole closed months of the period from
    the newest stored set where there is one (not with `live`; `kept`: the set the caller read),
    the rest live."""
    if live:
        kept = None
    elif kept is None:
        kept = stored(scope, today)
    months, ranges = split_period(period, kept.holds() if kept else [])
    found = _by_key(scope, ranges, today, kept.overdue_since if kept else None)
    if kept is not None:
        kept.add_to(found, months)
    totals = Figures()
    for figures in found.values():
        totals.add(figures)
    below = children(scope)
    rows = [(child, found.get(child.subject_id) or Figures()) for child in below]
    listed = {child.subject_id for child in below}
    rest = Figures()
    for key, figures in found.items():
        if key not in listed:
            rest.add(figures)
    return Breakdown(
        totals, rows, rest if below and rest.counted() else None, kept.taken_on if kept else None
    )


def figures(scope: Scope, period: Period, today: date, *, live: bool = False) -> Figures:
    return breakdown(scope, period, today, live=live).totals


def by_child(scope: Scope, period: Period, today: date) -> list[tuple[Scope, Figures]]:
    return breakdown(scope, period, today).children


def monthly(
    scope: Scope,
    months: int,
    today: date,
    ending: date | None = None,
    *,
    live: bool = False,
    kept: Stored | None = None,
) -> list[tuple[date, Figures]]:
    """The deadline measures for each of the last `months` months (the current one last, or the
    month of `ending`: a past month's report), by the month the deadline was due. Outcomes are as
    they stand today (closed months: as they stood on the night of the stored set read). The
    months the newest stored set holds come from it (one statement, or none when the caller
    passes the set it read); the rest (this month) in one statement over their days only."""
    spans = last_months(ending or today, months)
    if live:
        kept = None
    elif kept is None:
        kept = stored(scope, today)
    held = set(kept.holds()) if kept else set()
    result = [(first, Figures()) for first, _last in spans]
    for index, (first, _last) in enumerate(spans):
        if first in held and kept is not None:
            for numbers in kept.months.get(first, {}).values():
                _add_stored(result[index][1], numbers, counts=False)
    left = [(index, first, last) for index, (first, last) in enumerate(spans) if first not in held]
    if not left:
        return result
    bucket = case(
        *((CaseDeadline.due_on.between(first, last), index) for index, first, last in left),
        else_=None,
    )
    inner = (
        select(bucket.label("month"), CaseDeadline.code.label("code"), _outcome(today).label("outcome"))
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(
            CaseDeadline.code.in_(ALL_CODES),
            _due_in([(first, last) for _index, first, last in left]),
            *_case_filter(scope),
        )
        .subquery()
    )
    statement = (
        select(inner.c.month, inner.c.code, *_outcome_sums(inner.c.outcome))
        .where(inner.c.month.is_not(None))
        .group_by(inner.c.month, inner.c.code)
    )
    for month, code, *numbers in db.session.execute(statement):
        _add_row(result[int(month)][1].deadlines, code, tuple(numbers))
    return result


def month_figures(months: list[date], today: date) -> dict[tuple[date, int, int], dict[str, int]]:
    """Every team's figures for each of the months (first days; each closed), for the nightly
    store: {(month, region id, team id): {figure name: number}}, grouped as the live statements
    group (the case's region and team), zeros left out. Three statements over those months'
    deadlines, returned letters and people; and two for the open deadlines and tasks due by the
    newest month's end (overdue, whenever they were due), kept in that month's rows."""
    found: dict[tuple[date, int, int], dict[str, int]] = defaultdict(dict)
    spans = [(first, month_end(first)) for first in months]
    if not spans:
        return {}
    groups = (Case.region_id, Case.team_id)
    by_due = case(
        *((CaseDeadline.due_on.between(first, last), index) for index, (first, last) in enumerate(spans)),
        else_=None,
    )
    inner = (
        select(
            *groups,
            by_due.label("month"),
            CaseDeadline.code.label("code"),
            _outcome(today).label("outcome"),
        )
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.code.in_(ALL_CODES), _due_in(spans))
        .subquery()
    )
    statement = select(
        inner.c.region_id, inner.c.team_id, inner.c.month, inner.c.code, *_outcome_sums(inner.c.outcome)
    ).group_by(inner.c.region_id, inner.c.team_id, inner.c.month, inner.c.code)
    for region_id, team_id, month, code, *numbers in db.session.execute(statement):
        measure = measure_for_code(code)
        if measure is None:
            continue
        into = found[(spans[int(month)][0], region_id, team_id)]
        for outcome, number in zip(Outcome, numbers, strict=True):
            if number:
                name = figure_name(measure, outcome)
                into[name] = into.get(name, 0) + int(number)
    by_returned = case(
        *(
            (
                and_(
                    ContactLogEntry.occurred_at >= _london_midnight(first),
                    ContactLogEntry.occurred_at < _london_midnight(last + timedelta(days=1)),
                ),
                index,
            )
            for index, (first, last) in enumerate(spans)
        ),
        else_=None,
    ).label("month")
    letters = (
        select(*groups, by_returned, func.count())
        .select_from(ContactLogEntry)
        .join(Case, Case.id == ContactLogEntry.case_id)
        .where(or_(*(_returned_in(Period(*one)) for one in spans)))
        .group_by(*groups, by_returned)
    )
    for region_id, team_id, month, number in db.session.execute(letters):
        found[(spans[int(month)][0], region_id, team_id)][Count.LETTERS_RETURNED.value] = int(number)
    lost_month = case(
        *((Person.contact_lost_on.between(first, last), index) for index, (first, last) in enumerate(spans)),
        else_=None,
    )
    regained_month = case(
        *(
            (Person.contact_regained_on.between(first, last), index)
            for index, (first, last) in enumerate(spans)
        ),
        else_=None,
    )
    people = (
        select(*groups, lost_month.label("lost"), regained_month.label("regained"), func.count())
        .select_from(Person)
        .join(Case, Case.id == Person.case_id)
        .where(
            or_(
                *(_lost_in(Period(*one)) for one in spans),
                *(_regained_in(Period(*one)) for one in spans),
            )
        )
        .group_by(*groups, lost_month, regained_month)
    )
    for region_id, team_id, lost, regained, number in db.session.execute(people):
        for month, count in ((lost, Count.CONTACT_LOST), (regained, Count.CONTACT_REGAINED)):
            if month is not None:
                into = found[(spans[int(month)][0], region_id, team_id)]
                into[count.value] = into.get(count.value, 0) + int(number)
    newest = spans[-1]
    overdue = (
        select(*groups, func.count())
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_on <= newest[1])
        .group_by(*groups)
    )
    tasks = (
        select(*groups, func.count())
        .select_from(Task)
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .join(Case, Case.id == Task.case_id)
        .where(Task.status == TaskStatus.OPEN, CaseDeadline.due_on <= newest[1])
        .group_by(*groups)
    )
    for count, statement in ((Count.OVERDUE_DEADLINES, overdue), (Count.OVERDUE_TASKS, tasks)):
        for region_id, team_id, number in db.session.execute(statement):
            found[(newest[0], region_id, team_id)][count.value] = int(number)
    return {key: value for key, value in found.items() if value}


def snapshot_figures(today: date) -> dict[tuple[Level, int], dict[str, int]]:
    """Counts now for every VLO, team and region at once (ints only, snake_case keys), for the
    nightly snapshot: overdue deadlines and tasks, people with contact lost, active VLOs and VLOs
    with valid training per course ("training_valid_<course>"). Five statements."""
    keys = ["overdue_deadlines", "overdue_tasks", "contact_lost", "active_vlos"] + [
        f"training_valid_{course.value}" for course in Course
    ]
    found: dict[tuple[Level, int], dict[str, int]] = {}

    def add(region_id: int | None, team_id: int | None, vlo_id: int | None, key: str, number: int) -> None:
        for level, subject in ((Level.REGION, region_id), (Level.TEAM, team_id), (Level.VLO, vlo_id)):
            if subject is not None:
                found.setdefault((level, subject), dict.fromkeys(keys, 0))[key] += int(number)

    groups = (Case.region_id, Case.team_id, Case.allocated_vlo_id)
    overdue = (
        select(*groups, func.count())
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_on < today)
        .group_by(*groups)
    )
    for region_id, team_id, vlo_id, number in db.session.execute(overdue):
        add(region_id, team_id, vlo_id, "overdue_deadlines", number)
    tasks = (
        select(*groups, func.count())
        .select_from(Task)
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .join(Case, Case.id == Task.case_id)
        .where(Task.status == TaskStatus.OPEN, CaseDeadline.due_on < today)
        .group_by(*groups)
    )
    for region_id, team_id, vlo_id, number in db.session.execute(tasks):
        add(region_id, team_id, vlo_id, "overdue_tasks", number)
    lost = (
        select(*groups, func.count())
        .select_from(Person)
        .join(Case, Case.id == Person.case_id)
        .where(Person.contact_lost.is_(True))
        .group_by(*groups)
    )
    for region_id, team_id, vlo_id, number in db.session.execute(lost):
        add(region_id, team_id, vlo_id, "contact_lost", number)
    vlo_filter = (User.role == Role.VLO.value, User.active.is_(True))
    active = select(User.region_id, User.team_id, User.id).where(*vlo_filter)
    for region_id, team_id, vlo_id in db.session.execute(active):
        add(region_id, team_id, vlo_id, "active_vlos", 1)
    valid = (
        select(User.region_id, User.team_id, User.id, TrainingRecord.course)
        .select_from(TrainingRecord)
        .join(User, User.id == TrainingRecord.user_id)
        .where(_in_force(today), *vlo_filter)
        .group_by(User.region_id, User.team_id, User.id, TrainingRecord.course)
    )
    for region_id, team_id, vlo_id, course in db.session.execute(valid):
        add(region_id, team_id, vlo_id, f"training_valid_{Course(course).value}", 1)
    return found


# --- the cases behind a figure -----------------------------------------------------------------


class CaseRow(NamedTuple):
    case_id: int
    crn: str
    offender: str
    vlo: str | None
    what: str  # the deadline's rule code, or the count's
    due_on: date | None
    met_on: date | None
    days_late: int | None
    outcome: str | None
    day: date | datetime | None  # the day a letter came back or contact was lost or regained


def behind_statement(
    scope: Scope, measure: Measure | Count, outcome: Outcome | None, period: Period, today: date
):
    """The rows behind one figure: the same filters as the figure's own statement."""
    vlo_name = User.name.label("vlo")
    offender = (Offender.first_name + " " + Offender.last_name).label("offender")
    base = [Case.id.label("case_id"), Offender.crn.label("crn"), offender, vlo_name]

    if isinstance(measure, Measure):
        outcome_expr = _outcome(today)
        statement = (
            select(
                *base,
                CaseDeadline.code.label("what"),
                CaseDeadline.due_on,
                CaseDeadline.met_on,
                CaseDeadline.days_late,
                outcome_expr.label("outcome"),
                null().label("day"),
            )
            .select_from(CaseDeadline)
            .join(Case, Case.id == CaseDeadline.case_id)
            .join(Offender, Offender.id == Case.offender_id)
            .outerjoin(User, User.id == Case.allocated_vlo_id)
            .where(
                CaseDeadline.code.in_(MEASURE_CODES[measure]),
                CaseDeadline.due_on >= period.starts_on,
                CaseDeadline.due_on <= period.ends_on,
                outcome_expr == outcome.value if outcome else outcome_expr.is_not(None),
                *_case_filter(scope),
            )
        )
        return statement, (CaseDeadline.due_on, CaseDeadline.id)
    if measure in (Count.OVERDUE_DEADLINES, Count.OVERDUE_TASKS):
        statement = (
            select(
                *base,
                CaseDeadline.code.label("what"),
                CaseDeadline.due_on,
                CaseDeadline.met_on,
                CaseDeadline.days_late,
                literal("missed").label("outcome"),
                null().label("day"),
            )
            .select_from(CaseDeadline)
            .join(Case, Case.id == CaseDeadline.case_id)
            .join(Offender, Offender.id == Case.offender_id)
            .outerjoin(User, User.id == Case.allocated_vlo_id)
            .where(
                CaseDeadline.status == DeadlineStatus.OPEN, CaseDeadline.due_on < today, *_case_filter(scope)
            )
        )
        if measure == Count.OVERDUE_TASKS:
            statement = statement.join(Task, Task.deadline_id == CaseDeadline.id).where(
                Task.status == TaskStatus.OPEN
            )
        return statement, (CaseDeadline.due_on, CaseDeadline.id)
    if measure == Count.LETTERS_RETURNED:
        statement = (
            select(
                *base,
                literal(measure.value).label("what"),
                null().label("due_on"),
                null().label("met_on"),
                null().label("days_late"),
                null().label("outcome"),
                ContactLogEntry.occurred_at.label("day"),
            )
            .select_from(ContactLogEntry)
            .join(Case, Case.id == ContactLogEntry.case_id)
            .join(Offender, Offender.id == Case.offender_id)
            .outerjoin(User, User.id == Case.allocated_vlo_id)
            .where(_returned_in(period), *_case_filter(scope))
        )
        return statement, (ContactLogEntry.occurred_at, ContactLogEntry.id)
    column = Person.contact_lost_on if measure == Count.CONTACT_LOST else Person.contact_regained_on
    condition = _lost_in(period) if measure == Count.CONTACT_LOST else _regained_in(period)
    statement = (
        select(
            *base,
            literal(measure.value).label("what"),
            null().label("due_on"),
            null().label("met_on"),
            null().label("days_late"),
            null().label("outcome"),
            column.label("day"),
        )
        .select_from(Person)
        .join(Case, Case.id == Person.case_id)
        .join(Offender, Offender.id == Case.offender_id)
        .outerjoin(User, User.id == Case.allocated_vlo_id)
        .where(condition, *_case_filter(scope))
    )
    return statement, (column, Person.id)


def cases_behind(
    scope: Scope,
    measure: Measure | Count,
    outcome: Outcome | None,
    period: Period,
    today: date,
    *,
    page: int,
    per_page: int,
) -> Page[CaseRow]:
    statement, order = behind_statement(scope, measure, outcome, period, today)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=lambda row: CaseRow(*row))


def all_cases_behind(
    scope: Scope, measure: Measure | Count, outcome: Outcome | None, period: Period, today: date
) -> list[CaseRow]:
    statement, order = behind_statement(scope, measure, outcome, period, today)
    return [CaseRow(*row) for row in db.session.execute(statement.order_by(*order))]
