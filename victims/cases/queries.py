"""Reads of cases, always scoped to what the user may see: a case, lists of cases, and lists of
tasks shown with their cases (My tasks, Team work).

Another team's or region's case is simply not found (404), never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from victims import clock
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence, SentenceDateChange
from victims.domain.vocabulary import CaseStatus, Role, Scheme
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.lists import Page, contains, paginate
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Team, User
from victims.work.models import CaseDeadline, Task


def scope(statement: Select, user: User) -> Select:
    """Limit a select over Case to the cases the user may see."""
    if user.role in (Role.VLO, Role.SPO):
        if user.team_id is None:
            return statement.where(false())
        return statement.where(Case.team_id == user.team_id, Case.region_id == user.region_id)
    if user.role == Role.MANAGER:
        return statement if user.national else statement.where(Case.region_id == user.region_id)
    return statement.where(false())  # administrators do not read casework


def case_for_page(case_id: int, user: User) -> Case:
    statement = scope(select(Case).where(Case.id == case_id), user).options(
        joinedload(Case.offender),
        joinedload(Case.sentence)
        .selectinload(Sentence.date_changes)
        .joinedload(SentenceDateChange.changed_by),
        joinedload(Case.team),
        joinedload(Case.region),
        joinedload(Case.allocated_vlo),
        joinedload(Case.scheme_overridden_by),
        selectinload(Case.people).selectinload(Person.level_changes).joinedload(ContactLevelChange.user),
        selectinload(Case.people).joinedload(Person.acting_for),
        selectinload(Case.contacts).joinedload(ContactLogEntry.user),
        selectinload(Case.contacts).joinedload(ContactLogEntry.person),
    )
    case = db.session.scalars(statement).unique().one_or_none()
    if case is None:
        abort(404)
    return case


def case_for_change(case_id: int, user: User) -> Case:
    """A case the user may see, with what a form needs to check it."""
    statement = scope(select(Case).where(Case.id == case_id), user).options(
        joinedload(Case.offender),
        joinedload(Case.sentence),
        joinedload(Case.allocated_vlo),
        selectinload(Case.people),
    )
    case = db.session.scalars(statement).unique().one_or_none()
    if case is None:
        abort(404)
    return case


def case_in_region(case_id: int, region_id: int) -> Case:
    """A case of the region (an API client's), with its offender and sentence; 404 otherwise."""
    case = db.session.scalar(
        select(Case)
        .where(Case.id == case_id, Case.region_id == region_id)
        .options(joinedload(Case.offender), joinedload(Case.sentence))
    )
    if case is None:
        abort(404)
    return case


@dataclass(frozen=True)
class CaseRow:
    id: int
    offender_name: str
    crn: str
    scheme_label: str
    status: str
    victims: int
    referral_received_on: object
    allocated_vlo_name: str | None
    allocated_vlo_active: bool | None
    team_name: str
    next_deadline: date | None = None


def next_open_due_on():
    """A correlated subquery for a case list: the earliest open deadline of each case."""
    return (
        select(func.min(CaseDeadline.due_on))
        .where(CaseDeadline.case_id == Case.id, CaseDeadline.status == DeadlineStatus.OPEN)
        .correlate(Case)
        .scalar_subquery()
    )


SORTS = {
    "offender": (Offender.last_name, Offender.first_name),
    "crn": (Offender.crn,),
    "scheme": (Case.scheme,),
    "referral": (Case.referral_received_on,),
    "deadline": (next_open_due_on(),),
    "vlo": (User.name,),
}


def _list_statement(user: User, *, search: str | None, status: str | None) -> Select:
    victims_count = (
        select(func.count(Person.id)).where(Person.case_id == Case.id).correlate(Case).scalar_subquery()
    )
    statement = (
        select(
            Case.id,
            Offender.first_name,
            Offender.last_name,
            Offender.crn,
            Case.scheme,
            Case.status,
            victims_count.label("victims"),
            Case.referral_received_on,
            User.name.label("vlo_name"),
            User.active.label("vlo_active"),
            Team.name.label("team_name"),
            next_open_due_on().label("next_due"),
        )
        .join(Offender, Case.offender_id == Offender.id)
        .join(Team, Case.team_id == Team.id)
        .outerjoin(User, Case.allocated_vlo_id == User.id)
    )
    statement = scope(statement, user)
    if status:
        statement = statement.where(Case.status == status)
    if search:
        term = search.strip()
        like = contains(term)
        statement = statement.where(
            or_(
                Offender.crn == term.upper(),
                (Offender.first_name + " " + Offender.last_name).ilike(like, escape="\\"),
                Offender.last_name.ilike(like, escape="\\"),
                select(Person.id)
                .where(Person.case_id == Case.id, Person.last_name.ilike(like, escape="\\"))
                .exists(),
            )
        )
    return statement


def list_cases(
    user: User,
    *,
    allocated_to: int | None = None,
    unallocated_first: bool = False,
    unallocated_only: bool = False,
    team_id: int | None = None,
    search: str | None = None,
    status: str | None = CaseStatus.OPEN.value,
    sort: str = "offender",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Page[CaseRow]:
    """One page of cases: two queries whatever the caseload (a count and the page)."""
    statement = _list_statement(user, search=search, status=status)
    if allocated_to is not None:
        statement = statement.where(Case.allocated_vlo_id == allocated_to)
    if unallocated_only:
        statement = statement.where(Case.allocated_vlo_id.is_(None))
    if team_id is not None:
        statement = statement.where(Case.team_id == team_id)
    order = []
    if unallocated_first:
        order.append(Case.allocated_vlo_id.is_not(None))
    columns = SORTS.get(sort, SORTS["offender"])
    order.extend((column.desc() if descending else column.asc()).nulls_last() for column in columns)
    order.append(Case.id)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_case_row)


def _case_row(row) -> CaseRow:
    return CaseRow(
        id=row.id,
        offender_name=f"{row.first_name} {row.last_name}",
        crn=row.crn,
        scheme_label=Scheme(row.scheme).label,
        status=row.status,
        victims=row.victims,
        referral_received_on=row.referral_received_on,
        allocated_vlo_name=row.vlo_name,
        allocated_vlo_active=row.vlo_active,
        team_name=row.team_name,
        next_deadline=row.next_due,
    )


def find_offender_by_crn(crn: str) -> Offender | None:
    return db.session.scalar(select(Offender).where(Offender.crn == crn.upper()))


def lock_offender_by_crn(crn: str) -> Offender | None:
    """The offender recorded under the CRN, locked (SELECT ... FOR UPDATE) until the transaction
    ends: referrals for one offender are received one at a time, so each sees the victims the
    one before it added (docs/decisions.md, issue 11). SQLite has no row locks, but lets only
    one transaction write at a time."""
    return db.session.scalar(select(Offender).where(Offender.crn == crn.upper()).with_for_update())


def offenders_by_crn(crns: list[str], *, lock: bool) -> list[Offender]:
    """The offenders recorded under many CRNs at once (an import's); with `lock`, locked as
    lock_offender_by_crn locks one, in id order so that two imports never wait for each other's
    locks in a circle."""
    found: list[Offender] = []
    wanted = sorted({crn.upper() for crn in crns})
    for start in range(0, len(wanted), 1000):  # bounded lists of parameters
        query = select(Offender).where(Offender.crn.in_(wanted[start : start + 1000])).order_by(Offender.id)
        found += db.session.scalars(query.with_for_update() if lock else query)
    return found


def open_cases_for_offenders(offender_ids: list[int], region_id: int) -> list[Case]:
    """The open cases in the region of these offenders (at most one each), with their sentences
    (a repeated referral's dates are compared with the case's)."""
    found: list[Case] = []
    for start in range(0, len(offender_ids), 1000):
        found += db.session.scalars(
            select(Case)
            .where(
                Case.offender_id.in_(offender_ids[start : start + 1000]),
                Case.region_id == region_id,
                Case.status == CaseStatus.OPEN.value,
            )
            .options(joinedload(Case.sentence))
        )
    return found


def open_case_for_offender(offender_id: int, region_id: int) -> Case | None:
    """The offender's open case in the region, with its sentence."""
    return db.session.scalar(
        select(Case)
        .where(
            Case.offender_id == offender_id,
            Case.region_id == region_id,
            Case.status == CaseStatus.OPEN.value,
        )
        .options(joinedload(Case.sentence))
    )


# -- tasks, each with its case ----------------------------------------------------------------------


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
        return TaskStatus(self.status).label


def _task_rows(user: User) -> Select:
    """A task row carries its due date and its case's offender, joined in, so a page never loads
    them one by one."""
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


def _task_row(row) -> TaskRow:
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


def _task_page(statement: Select, page: int, per_page: int) -> Page[TaskRow]:
    """Soonest due first: two queries whatever the number of tasks."""
    order = (CaseDeadline.due_on, Task.id)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_task_row)


def my_tasks(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The user's open tasks."""
    statement = _task_rows(user).where(Task.assigned_to_id == user.id, Task.status == TaskStatus.OPEN)
    return _task_page(statement, page, per_page)


def team_overdue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks past their due date, whoever has them (the queue's too)."""
    statement = _task_rows(user).where(
        Task.team_id == user.team_id, Task.status == TaskStatus.OPEN, CaseDeadline.due_on < clock.today()
    )
    return _task_page(statement, page, per_page)


def team_queue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks that nobody has yet."""
    statement = _task_rows(user).where(
        Task.team_id == user.team_id, Task.status == TaskStatus.OPEN, Task.assigned_to_id.is_(None)
    )
    return _task_page(statement, page, per_page)


def task_row(task_id: int, user: User) -> TaskRow:
    row = db.session.execute(_task_rows(user).where(Task.id == task_id)).one_or_none()
    if row is None:
        abort(404)
    return _task_row(row)


def open_cases_by_crn(crns: list[str], region_id: int) -> dict[str, Case]:
    """The open cases in the region of the offenders under these CRNs (a bulk of events), with
    their offenders and sentences, by CRN: one query for each 1,000 CRNs. A CRN with no open case
    in the region is absent (another region's case is not said)."""
    found: dict[str, Case] = {}
    wanted = sorted({crn.upper() for crn in crns})
    for start in range(0, len(wanted), 1000):
        for case in db.session.scalars(
            select(Case)
            .join(Offender, Case.offender_id == Offender.id)
            .where(
                Offender.crn.in_(wanted[start : start + 1000]),
                Case.region_id == region_id,
                Case.status == CaseStatus.OPEN.value,
            )
            .options(joinedload(Case.offender), joinedload(Case.sentence))
            .order_by(Case.id)
        ):
            found[case.offender.crn] = case
    return found
