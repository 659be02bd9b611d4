"""Reads of work: the calendar and rule numbers in force, a case's deadlines, tasks and events.

Lists of tasks shown with their cases (My tasks, Team work) are read where cases are:
victims.cases.queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import abort, g, has_request_context
from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from victims import clock
from victims.domain import deadlines as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.evidence import EvidenceKind, what_meets
from victims.domain.vocabulary import Role
from victims.domain.work import DeadlineStatus, StoredDeadline, TaskStatus
from victims.extensions import db
from victims.staff.models import User
from victims.work.models import (
    CaseDeadline,
    DeadlineChange,
    NonWorkingDay,
    OffenderEventRecord,
    RuleSettingRecord,
    Task,
)

# A calendar wide enough for sentence dates in the past and release dates of long sentences: back
# to 1900, the earliest date intake accepts (a lifer sentenced decades ago is referred like anyone
# else, and their referral deadline counts from that sentence date), and 80 years ahead.
FIRST_YEAR, YEARS_AHEAD = 1900, 80


@lru_cache(maxsize=8)
def _calendar(first_year: int, last_year: int, extra: frozenset[date]) -> WorkingDayCalendar:
    return WorkingDayCalendar.england(first_year, last_year, extra_non_working=extra)


# Set for the length of a batch of work (an import of thousands of referrals): one calendar and
# one rule set, read once, instead of a query (and, outside a request, a calendar) for each case.
_FIXED: ContextVar[tuple[WorkingDayCalendar, rules.RuleSet] | None] = ContextVar(
    "fixed_settings", default=None
)


@contextmanager
def settings_fixed() -> Iterator[None]:
    """Read the calendar and the rule numbers once, for everything done inside."""
    token = _FIXED.set((working_calendar(), current_rules()))
    try:
        yield
    finally:
        _FIXED.reset(token)


def working_calendar() -> WorkingDayCalendar:
    """England and Wales working days, with the days administrators have added.

    Read once per request (a page of 25 deadlines asks 25 times)."""
    fixed = _FIXED.get()
    if fixed is not None:
        return fixed[0]
    if has_request_context() and "working_calendar" in g:
        return g.working_calendar
    extra = frozenset(db.session.scalars(select(NonWorkingDay.day)))
    year = clock.today().year
    calendar = _calendar(FIRST_YEAR, year + YEARS_AHEAD, extra)
    if has_request_context():
        g.working_calendar = calendar
    return calendar


def current_rules() -> rules.RuleSet:
    """The numbers in force: each code's newest version, the default where none is stored."""
    fixed = _FIXED.get()
    if fixed is not None:
        return fixed[1]
    newest = (
        select(RuleSettingRecord.code, func.max(RuleSettingRecord.version).label("version"))
        .group_by(RuleSettingRecord.code)
        .subquery()
    )
    stored = db.session.execute(
        select(RuleSettingRecord.code, RuleSettingRecord.number, RuleSettingRecord.version).join(
            newest,
            (RuleSettingRecord.code == newest.c.code) & (RuleSettingRecord.version == newest.c.version),
        )
    ).all()
    return rules.RuleSet.from_numbers({row.code: (row.number, row.version) for row in stored})


def non_working_days() -> list[NonWorkingDay]:
    return list(db.session.scalars(select(NonWorkingDay).order_by(NonWorkingDay.day.desc())))


def urgency(due: date, today: date | None = None) -> rules.Urgency:
    """Overdue, due soon or on track (victims.domain.deadlines.urgency), against a threshold
    worked out once per request and day: a page of many deadlines compares dates, it does not
    count the working days up to each."""
    today = today or clock.today()
    return rules.urgency_against(due, today, due_soon_before(today))


def due_soon_before(today: date) -> date:
    """The first due date that is on track `today` (victims.domain.deadlines.due_soon_before)."""
    cached = g.get("due_soon_before") if has_request_context() else None
    if cached is not None and cached[0] == today:
        return cached[1]
    threshold = rules.due_soon_before(today, working_calendar())
    if has_request_context():
        g.due_soon_before = (today, threshold)
    return threshold


STATUS_ORDER = sql_case(
    {DeadlineStatus.OPEN.value: 0, DeadlineStatus.MET.value: 1, DeadlineStatus.CANCELLED.value: 2},
    value=CaseDeadline.status,
)


def deadlines_for_case(case_id: int) -> list[CaseDeadline]:
    """A case's deadlines, open ones first by date, each with its history."""
    return list(
        db.session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id)
            .options(
                selectinload(CaseDeadline.changes).joinedload(DeadlineChange.changed_by),
                joinedload(CaseDeadline.met_by),
            )
            .order_by(STATUS_ORDER, CaseDeadline.due_on)
        )
    )


def stored_deadlines(case_id: int) -> list[StoredDeadline]:
    """A case's deadlines as the planner reads them (victims.domain.work.plan_case_deadlines)."""
    return stored_deadlines_for_cases([case_id])[0][case_id]


def stored_deadlines_for_cases(
    case_ids: list[int],
) -> tuple[dict[int, list[StoredDeadline]], dict[int, int]]:
    """stored_deadlines for many cases in one query, by case id, and each deadline's version (to
    change it only if nobody else has meanwhile: victims.types.update_versioned)."""
    found: dict[int, list[StoredDeadline]] = {case_id: [] for case_id in case_ids}
    versions: dict[int, int] = {}
    if not case_ids:
        return found, versions
    rows = db.session.execute(
        select(
            CaseDeadline.case_id,
            CaseDeadline.id,
            CaseDeadline.code,
            CaseDeadline.due_on,
            CaseDeadline.rule_version,
            CaseDeadline.status,
            CaseDeadline.event_id,
            CaseDeadline.version,
        ).where(CaseDeadline.case_id.in_(set(case_ids)))
    )
    for row in rows:
        found[row.case_id].append(
            StoredDeadline(row.id, row.code, row.due_on, row.rule_version, row.status, row.event_id)
        )
        versions[row.id] = row.version
    return found, versions


def deadlines_by_id(ids: list[int]) -> dict[int, CaseDeadline]:
    """Deadlines to change, in one query, by id."""
    if not ids:
        return {}
    return {
        row.id: row for row in db.session.scalars(select(CaseDeadline).where(CaseDeadline.id.in_(set(ids))))
    }


def tasks_for_deadlines(deadline_ids: list[int]) -> dict[int, Task]:
    """The tasks of deadlines, in one query, by deadline id (a deadline without one is absent)."""
    if not deadline_ids:
        return {}
    return {
        task.deadline_id: task
        for task in db.session.scalars(select(Task).where(Task.deadline_id.in_(set(deadline_ids))))
    }


def open_deadline(case_id: int, code: str, *, person_id: int | None = None) -> CaseDeadline | None:
    """The case's open deadline of a rule that falls due first; with `person_id`, one about that
    person or about nobody in particular."""
    statement = select(CaseDeadline).where(
        CaseDeadline.case_id == case_id,
        CaseDeadline.code == code,
        CaseDeadline.status == DeadlineStatus.OPEN,
    )
    if person_id is not None:
        statement = statement.where((CaseDeadline.person_id == person_id) | CaseDeadline.person_id.is_(None))
    return db.session.scalar(statement.order_by(CaseDeadline.due_on, CaseDeadline.id).limit(1))


def open_deadlines(case_id: int) -> list[CaseDeadline]:
    """The case's open deadlines, soonest first."""
    return list(
        db.session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id, CaseDeadline.status == DeadlineStatus.OPEN)
            .order_by(CaseDeadline.due_on, CaseDeadline.id)
        )
    )


def met_by(case_id: int, kinds: tuple[EvidenceKind, ...], evidence_id: int) -> list[CaseDeadline]:
    """The case's met deadlines that this record (of one of these kinds) met."""
    return list(
        db.session.scalars(
            select(CaseDeadline)
            .where(
                CaseDeadline.case_id == case_id,
                CaseDeadline.status == DeadlineStatus.MET,
                CaseDeadline.met_how.in_(kinds),
                CaseDeadline.met_evidence_id == evidence_id,
            )
            .order_by(CaseDeadline.id)
        )
    )


def deadline(deadline_id: int) -> CaseDeadline | None:
    """One deadline, for a caller that then scopes its case to the user."""
    return db.session.get(CaseDeadline, deadline_id)


def first_due(case_id: int, codes: tuple[str, ...]) -> dict[str, date]:
    """For each rule of `codes`, the earliest due date the case has had (open, met or cancelled)."""
    return dict(
        db.session.execute(
            select(CaseDeadline.code, func.min(CaseDeadline.due_on))
            .where(CaseDeadline.case_id == case_id, CaseDeadline.code.in_(codes))
            .group_by(CaseDeadline.code)
        ).all()
    )


def task_for_deadline(deadline_id: int) -> Task | None:
    return db.session.scalar(select(Task).where(Task.deadline_id == deadline_id))


def task_for_change(task_id: int, user: User) -> Task:
    """A task of the user's team; another team's task is not found (404)."""
    task = db.session.get(Task, task_id)
    if task is None or user.role not in (Role.VLO, Role.SPO) or task.team_id != user.team_id:
        abort(404)
    return task


def task_code(task: Task) -> str:
    """The rule of the task's deadline."""
    return db.session.scalar(select(CaseDeadline.code).where(CaseDeadline.id == task.deadline_id))


@dataclass(frozen=True)
class CaseTask:
    task: Task
    due_on: date
    code: str = ""

    @property
    def what_meets(self) -> str | None:
        """What meets the task's deadline; None when "Mark as done" does (victims.domain.evidence)."""
        return what_meets(self.code)

    @property
    def status_label(self) -> str:
        return TaskStatus(self.task.status).label


@dataclass(frozen=True)
class CaseWork:
    tasks: list[CaseTask]
    events: list[OffenderEventRecord]


def work_for_case(case_id: int) -> CaseWork:
    """A case's tasks (open ones first, by due date) and its offender events (newest first),
    with the people named on them: two queries. The caller has already scoped the case."""
    tasks = db.session.execute(
        select(Task, CaseDeadline.due_on, CaseDeadline.code)
        .join(CaseDeadline, Task.deadline_id == CaseDeadline.id)
        .where(Task.case_id == case_id)
        .options(joinedload(Task.assigned_to), joinedload(Task.done_by))
        .order_by((Task.status != TaskStatus.OPEN), CaseDeadline.due_on, Task.id)
    ).all()
    events = db.session.scalars(
        select(OffenderEventRecord)
        .where(OffenderEventRecord.case_id == case_id)
        .options(joinedload(OffenderEventRecord.recorded_by))
        .order_by(OffenderEventRecord.recorded_at.desc(), OffenderEventRecord.id.desc())
    ).all()
    return CaseWork(tasks=[CaseTask(task, due_on, code) for task, due_on, code in tasks], events=list(events))
