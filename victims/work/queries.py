"""Reads of tasks and offender events, scoped to the cases the user may see.

Every list is one query for its rows (and one for its count): a task row carries its due
date and its case's offender, joined in, so a page never loads them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from victims import clock
from victims.cases.models import Case, Offender
from victims.cases.queries import scope
from victims.deadlines.models import CaseDeadline
from victims.extensions import db
from victims.pagination import Page
from victims.staff.models import User
from victims.work.models import TASK_CANCELLED, TASK_DONE, TASK_OPEN, OffenderEventRecord, Task

STATUS_LABELS = {TASK_OPEN: "Open", TASK_DONE: "Done", TASK_CANCELLED: "No longer needed"}


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    status: str
    due_on: date
    case_id: int
    offender_name: str
    crn: str
    assigned_to_name: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _rows_statement(user: User) -> Select:
    assignee = aliased(User)
    statement = (
        select(
            Task.id,
            Task.title,
            Task.status,
            CaseDeadline.due_on,
            Case.id.label("case_id"),
            Offender.first_name,
            Offender.last_name,
            Offender.crn,
            assignee.name.label("assigned_to_name"),
        )
        .select_from(Task)
        .join(CaseDeadline, Task.deadline_id == CaseDeadline.id)
        .join(Case, Task.case_id == Case.id)
        .join(Offender, Case.offender_id == Offender.id)
        .outerjoin(assignee, Task.assigned_to_id == assignee.id)
    )
    return scope(statement, user)


def _page(statement: Select, page: int, per_page: int) -> Page[TaskRow]:
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = max(1, page)
    rows = db.session.execute(
        statement.order_by(CaseDeadline.due_on, Task.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(rows=[_row(row) for row in rows], total=total or 0, page=page, per_page=per_page)


def _row(row) -> TaskRow:
    return TaskRow(
        id=row.id,
        title=row.title,
        status=row.status,
        due_on=row.due_on,
        case_id=row.case_id,
        offender_name=f"{row.first_name} {row.last_name}",
        crn=row.crn,
        assigned_to_name=row.assigned_to_name,
    )


def my_tasks(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The user's open tasks, soonest due first: two queries whatever the number of tasks."""
    statement = _rows_statement(user).where(Task.assigned_to_id == user.id, Task.status == TASK_OPEN)
    return _page(statement, page, per_page)


def team_overdue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks past their due date, whoever has them (the queue's too)."""
    statement = _rows_statement(user).where(
        Task.team_id == user.team_id, Task.status == TASK_OPEN, CaseDeadline.due_on < clock.today()
    )
    return _page(statement, page, per_page)


def team_queue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks that nobody has yet."""
    statement = _rows_statement(user).where(
        Task.team_id == user.team_id, Task.status == TASK_OPEN, Task.assigned_to_id.is_(None)
    )
    return _page(statement, page, per_page)


def task_row(task_id: int, user: User) -> TaskRow:
    row = db.session.execute(_rows_statement(user).where(Task.id == task_id)).one_or_none()
    if row is None:
        abort(404)
    return _row(row)


def task_for_change(task_id: int, user: User) -> Task:
    """A task on a case the user may see; another team's task is not found (404)."""
    statement = scope(select(Task).join(Case, Task.case_id == Case.id).where(Task.id == task_id), user)
    task = db.session.scalars(statement).one_or_none()
    if task is None:
        abort(404)
    return task


@dataclass(frozen=True)
class CaseTask:
    task: Task
    due_on: date

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.task.status]


@dataclass(frozen=True)
class CaseWork:
    tasks: list[CaseTask]
    events: list[OffenderEventRecord]


def for_case(case_id: int) -> CaseWork:
    """A case's tasks (open ones first, by due date) and its offender events (newest first),
    with the people named on them: two queries. The caller has already scoped the case."""
    tasks = db.session.execute(
        select(Task, CaseDeadline.due_on)
        .join(CaseDeadline, Task.deadline_id == CaseDeadline.id)
        .where(Task.case_id == case_id)
        .options(joinedload(Task.assigned_to), joinedload(Task.done_by))
        .order_by((Task.status != TASK_OPEN), CaseDeadline.due_on, Task.id)
    ).all()
    events = db.session.scalars(
        select(OffenderEventRecord)
        .where(OffenderEventRecord.case_id == case_id)
        .options(joinedload(OffenderEventRecord.recorded_by))
        .order_by(OffenderEventRecord.recorded_at.desc(), OffenderEventRecord.id.desc())
    ).all()
    return CaseWork(tasks=[CaseTask(task, due_on) for task, due_on in tasks], events=list(events))
