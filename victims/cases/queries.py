"""Reads of cases, always scoped to what the user may see: a case, lists of cases, and lists of
tasks shown with their cases (My tasks, Team work).

Another team's or region's case is simply not found (404), never "forbidden".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from victims import clock
from victims.audit.labels import action_label, record_type_label
from victims.audit.models import AuditEvent
from victims.cases.models import (
    Case,
    CaseStatusChange,
    CaseTransfer,
    ContactLogEntry,
    Offender,
    Sentence,
    SentenceDateChange,
)
from victims.clock import LONDON
from victims.domain import coming_of_age
from victims.domain import deadlines as rules
from victims.domain.deadlines import RULES_BY_CODE
from victims.domain.evidence import what_meets
from victims.domain.lifecycle import CaseForClosure, TransferStatus
from victims.domain.vocabulary import CaseStatus, Relationship, Role, Scheme
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.lists import Page, contains, paginate
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Region, Team, User
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


# What every section of the case page shows in its header (cases/_case_header.html).
HEADER = (
    joinedload(Case.offender),
    joinedload(Case.team),
    joinedload(Case.allocated_vlo),
)

# What each section adds to the header: each section page loads only what it shows.
SECTIONS = {
    "summary": (
        joinedload(Case.sentence),
        joinedload(Case.region),
        joinedload(Case.scheme_overridden_by),
        joinedload(Case.people),  # a few rows: in the case's own statement
    ),
    "people": (
        selectinload(Case.people).selectinload(Person.level_changes).joinedload(ContactLevelChange.user),
        selectinload(Case.people).joinedload(Person.acting_for),
    ),
    "deadlines": (
        joinedload(Case.sentence)
        .selectinload(Sentence.date_changes)
        .joinedload(SentenceDateChange.changed_by),
    ),
    "contacts": (selectinload(Case.people),),
    "letters": (),
    "prerelease": (selectinload(Case.people),),
    "history": (),
}


def case_for_page(case_id: int, user: User, section: str = "summary") -> Case:
    """The case for one section of the case page, with what that section shows."""
    statement = scope(select(Case).where(Case.id == case_id), user).options(*HEADER, *SECTIONS[section])
    case = db.session.scalars(statement).unique().one_or_none()
    if case is None:
        abort(404)
    return case


def case_with_facts(
    case_id: int, user: User, section: str, facts: Mapping[str, ColumnElement]
) -> tuple[Case, dict[str, Any]]:
    """The case for one section of the case page, as case_for_page reads it, with facts about the
    same case worked out in the same statement: each a scalar subquery correlated to the case
    (whether there is anything of a kind to read, say), so a page asks for the rest only when
    there is something to show."""
    labelled = [column.label(name) for name, column in facts.items()]
    statement = scope(select(Case, *labelled).where(Case.id == case_id), user).options(
        *HEADER, *SECTIONS[section]
    )
    row = db.session.execute(statement).unique().one_or_none()
    if row is None:
        abort(404)
    return row[0], {name: row[index] for index, name in enumerate(facts, start=1)}


@cache
def lifecycle_facts() -> dict[str, ColumnElement]:
    """For case_with_facts: the case's transfer waiting (else the one last declined), as
    latest_transfer would find it, and how many closures and reopenings it has had. Built once:
    an expression is the same for every case, and building it cost 0.35 ms a page."""
    return {
        "transfer_id": _latest_transfer(select(CaseTransfer.id), Case.id).correlate(Case).scalar_subquery(),
        "status_changes": select(func.count(CaseStatusChange.id))
        .where(CaseStatusChange.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery(),
    }


@dataclass(frozen=True)
class NextItem:
    """One open deadline on the case summary, with its task if it has one."""

    deadline_id: int
    code: str
    due_on: date
    task_title: str | None
    assigned_to: str | None

    @property
    def name(self) -> str:
        return RULES_BY_CODE[self.code].name


def next_to_do(case_id: int, *, limit: int = 5) -> tuple[list[NextItem], int]:
    """The case's open deadlines nearest due (overdue ones first, as they are the earliest), with
    their open task, and how many open deadlines there are in all: one statement (the count is a
    window over every open deadline, worked out before the limit)."""
    rows = db.session.execute(
        select(
            CaseDeadline.id,
            CaseDeadline.code,
            CaseDeadline.due_on,
            Task.title,
            User.name,
            func.count().over().label("open_count"),
        )
        .outerjoin(Task, (Task.deadline_id == CaseDeadline.id) & (Task.status == TaskStatus.OPEN))
        .outerjoin(User, User.id == Task.assigned_to_id)
        .where(CaseDeadline.case_id == case_id, CaseDeadline.status == DeadlineStatus.OPEN)
        .order_by(CaseDeadline.due_on, CaseDeadline.id)
        .limit(limit)
    ).all()
    total = rows[0].open_count if rows else 0
    return [NextItem(*row[:5]) for row in rows], total


def london_midnight(day: date) -> datetime:
    """The moment a day starts in London, in UTC (as occurred_at is stored)."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class ContactFilters:
    """The contact log's filters (GET parameters), already checked by the form."""

    method: str | None = None
    person_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.method, self.person_id, self.date_from, self.date_to))


def contact_log(case_id: int, filters: ContactFilters) -> list[ContactLogEntry]:
    """The case's contact log, newest first, filtered on its columns (the summary is encrypted,
    so it cannot be searched), with who recorded each entry and whom it was about."""
    statement = (
        select(ContactLogEntry)
        .where(ContactLogEntry.case_id == case_id)
        .options(joinedload(ContactLogEntry.user), joinedload(ContactLogEntry.person))
        .order_by(ContactLogEntry.occurred_at.desc(), ContactLogEntry.id.desc())
    )
    if filters.method:
        statement = statement.where(ContactLogEntry.method == filters.method)
    if filters.person_id is not None:
        statement = statement.where(ContactLogEntry.person_id == filters.person_id)
    if filters.date_from is not None:
        statement = statement.where(ContactLogEntry.occurred_at >= london_midnight(filters.date_from))
    if filters.date_to is not None:
        statement = statement.where(
            ContactLogEntry.occurred_at < london_midnight(filters.date_to + timedelta(days=1))
        )
    return list(db.session.scalars(statement))


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
    """Each case's earliest open deadline, for a case list: the column the case keeps
    (victims.work.services.refresh_next_due), indexed with the list's scopes, where a min() over
    each case's deadlines cost a subquery per case."""
    return Case.next_due_on


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
    return _filtered(statement, user, search=search, status=status)


def _count_statement(user: User, *, search: str | None, status: str | None) -> Select:
    """The same cases as _list_statement, without the joins that only the page shows (each
    case has one offender and one team): what the list counts."""
    statement = select(Case.id)
    if search:
        statement = statement.join(Offender, Case.offender_id == Offender.id)
    return _filtered(statement, user, search=search, status=status)


def _filtered(statement: Select, user: User, *, search: str | None, status: str | None) -> Select:
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
    closure_due_only: bool = False,
    team_id: int | None = None,
    search: str | None = None,
    status: str | None = CaseStatus.OPEN.value,
    sort: str = "offender",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
    only_ids: Collection[int] | None = None,
) -> Page[CaseRow]:
    """One page of cases: two queries whatever the caseload (a count and the page). `only_ids`:
    the cases a list's filters chose (victims.workforce.filters), kept in the list's sort."""
    conditions = []
    if only_ids is not None:
        conditions.append(Case.id.in_(list(only_ids)) if only_ids else false())
    if allocated_to is not None:
        conditions.append(Case.allocated_vlo_id == allocated_to)
    if unallocated_only:
        conditions.append(Case.allocated_vlo_id.is_(None))
    if closure_due_only:
        conditions.append(_closure_review_open())
    if team_id is not None:
        conditions.append(Case.team_id == team_id)
    statement = _list_statement(user, search=search, status=status).where(*conditions)
    counted = _count_statement(user, search=search, status=status).where(*conditions)
    order = []
    if unallocated_first:
        order.append(Case.allocated_vlo_id.is_not(None))
    columns = SORTS.get(sort, SORTS["offender"])
    order.extend((column.desc() if descending else column.asc()).nulls_last() for column in columns)
    order.append(Case.id)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_case_row, count=counted)


def searched_case_ids(user: User, search: str) -> set[int]:
    """The ids of the cases the user may see that a search finds, for a list's filter counts."""
    statement = _list_statement(user, search=search, status=CaseStatus.OPEN.value)
    return set(db.session.scalars(select(statement.subquery().c.id)))


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
    deadline_id: int | None = None
    code: str | None = None
    # Whose task it is while they are away (victims.absences), when it is covered.
    covering_for_name: str | None = None

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def what_meets(self) -> str | None:
        """What meets the task's deadline; None when "Mark as done" does (victims.domain.evidence)."""
        return what_meets(self.code) if self.code else None


def _task_rows(user: User) -> Select:
    """A task row carries its due date and its case's offender, joined in, so a page never loads
    them one by one."""
    assignee = aliased(User)
    away = aliased(User)
    statement = (
        select(
            Task.id,
            Task.title,
            Task.status,
            CaseDeadline.due_on,
            CaseDeadline.id.label("deadline_id"),
            CaseDeadline.code,
            Case.id.label("case_id"),
            Offender.first_name,
            Offender.last_name,
            Offender.crn,
            assignee.name.label("assigned_to_name"),
            away.name.label("covering_for_name"),
        )
        .select_from(Task)
        .join(CaseDeadline, Task.deadline_id == CaseDeadline.id)
        .join(Case, Task.case_id == Case.id)
        .join(Offender, Case.offender_id == Offender.id)
        .outerjoin(assignee, Task.assigned_to_id == assignee.id)
        .outerjoin(away, Task.covering_for_id == away.id)
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
        deadline_id=row.deadline_id,
        code=row.code,
        covering_for_name=row.covering_for_name,
    )


def _task_page(statement: Select, page: int, per_page: int) -> Page[TaskRow]:
    """Soonest due first: two queries whatever the number of tasks."""
    order = (CaseDeadline.due_on, Task.id)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_task_row)


def my_tasks(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The user's open tasks."""
    statement = _task_rows(user).where(
        Task.assigned_to_id == user.id, Task.status == TaskStatus.OPEN, Case.status == CaseStatus.OPEN
    )
    return _task_page(statement, page, per_page)


def team_overdue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks past their due date, whoever has them (the queue's too)."""
    statement = _task_rows(user).where(
        Task.team_id == user.team_id,
        Task.status == TaskStatus.OPEN,
        Case.status == CaseStatus.OPEN,
        CaseDeadline.due_on < clock.today(),
    )
    return _task_page(statement, page, per_page)


def team_queue(user: User, *, page: int = 1, per_page: int = 25) -> Page[TaskRow]:
    """The team's open tasks that nobody has yet."""
    statement = _task_rows(user).where(
        Task.team_id == user.team_id,
        Task.status == TaskStatus.OPEN,
        Case.status == CaseStatus.OPEN,
        Task.assigned_to_id.is_(None),
    )
    return _task_page(statement, page, per_page)


def task_row(task_id: int, user: User) -> TaskRow:
    row = db.session.execute(_task_rows(user).where(Task.id == task_id)).one_or_none()
    if row is None:
        abort(404)
    return _task_row(row)


# -- the case's life ----------------------------------------------------------------------------------


def _closure_review_open():
    """Whether a case (correlated) has an open closure review."""
    return (
        select(CaseDeadline.id)
        .where(
            CaseDeadline.case_id == Case.id,
            CaseDeadline.code == rules.CLOSURE_DUE,
            CaseDeadline.status == DeadlineStatus.OPEN,
        )
        .exists()
    )


def closure_due_count(user: User) -> int:
    """How many open cases the user may see wait for a closure review."""
    statement = scope(
        select(func.count(Case.id)).where(Case.status == CaseStatus.OPEN, _closure_review_open()), user
    )
    return db.session.scalar(statement) or 0


def status_history(case_id: int) -> list[CaseStatusChange]:
    """The case's closures and reopenings, newest first, with who did each."""
    return list(
        db.session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case_id)
            .options(joinedload(CaseStatusChange.user))
            .order_by(CaseStatusChange.at.desc(), CaseStatusChange.id.desc())
        )
    )


def pending_transfer(case_id: int) -> CaseTransfer | None:
    """The case's transfer waiting to be decided, with the team (and region) it would go to."""
    transfer = latest_transfer(case_id)
    return transfer if transfer is not None and transfer.status == TransferStatus.PENDING else None


def latest_transfer(case_id: int) -> CaseTransfer | None:
    """The case's transfer waiting to be decided, else the one most recently declined (for the
    sending team to see why), with the team and region it was for: one query."""
    return db.session.scalar(
        _latest_transfer(select(CaseTransfer), case_id).options(
            joinedload(CaseTransfer.to_team).joinedload(Team.region), joinedload(CaseTransfer.requested_by)
        )
    )


def _latest_transfer(statement: Select, case_id) -> Select:
    """The one transfer latest_transfer means: pending first, else the latest declined."""
    return (
        statement.where(
            CaseTransfer.case_id == case_id,
            CaseTransfer.status.in_([TransferStatus.PENDING, TransferStatus.DECLINED]),
        )
        .order_by(
            (CaseTransfer.status != TransferStatus.PENDING),
            CaseTransfer.decided_at.desc(),
            CaseTransfer.id.desc(),
        )
        .limit(1)
    )


@dataclass(frozen=True)
class TransferRow:
    """What a receiving SPO sees of a case before accepting it: the offender and sentence, how
    many victims, where it comes from and why. No victim's details."""

    transfer: CaseTransfer
    offender_name: str
    crn: str
    scheme_label: str
    offence: str
    sentence_label: str
    release_dates: dict[str, date | None]
    victims: int
    open_tasks: int
    from_team: str
    from_region: str


def _transfer_rows(statement: Select) -> list[TransferRow]:
    from_team, from_region = aliased(Team), aliased(Region)
    victims = select(func.count(Person.id)).where(Person.case_id == Case.id).correlate(Case).scalar_subquery()
    tasks = (
        select(func.count(Task.id))
        .where(Task.case_id == Case.id, Task.status == TaskStatus.OPEN)
        .correlate(Case)
        .scalar_subquery()
    )
    rows = db.session.execute(
        statement.add_columns(
            Offender.first_name,
            Offender.last_name,
            Offender.crn,
            Case.scheme,
            Sentence,
            victims.label("victims"),
            tasks.label("open_tasks"),
            from_team.name.label("from_team"),
            from_region.name.label("from_region"),
        )
        .join(Case, CaseTransfer.case_id == Case.id)
        .join(Offender, Case.offender_id == Offender.id)
        .join(Sentence, Case.sentence_id == Sentence.id)
        .join(from_team, CaseTransfer.from_team_id == from_team.id)
        .join(from_region, from_team.region_id == from_region.id)
        .options(joinedload(CaseTransfer.requested_by))
        .order_by(CaseTransfer.requested_at, CaseTransfer.id)
    ).all()
    return [
        TransferRow(
            transfer=row[0],
            offender_name=f"{row.first_name} {row.last_name}",
            crn=row.crn,
            scheme_label=Scheme(row.scheme).label,
            offence=row.Sentence.offence,
            sentence_label=row.Sentence.type_label
            + (f", {row.Sentence.length_months} months" if row.Sentence.length_months else ""),
            release_dates=row.Sentence.dates(),
            victims=row.victims,
            open_tasks=row.open_tasks,
            from_team=row.from_team,
            from_region=row.from_region,
        )
        for row in rows
    ]


def transfers_waiting_for(user: User) -> list[TransferRow]:
    """Transfers waiting for the user's team (an SPO's) to accept or decline, oldest first."""
    if user.role != Role.SPO or user.team_id is None:
        return []
    return _transfer_rows(
        select(CaseTransfer).where(
            CaseTransfer.to_team_id == user.team_id, CaseTransfer.status == TransferStatus.PENDING
        )
    )


def transfer_for_receiver(transfer_id: int, user: User) -> TransferRow:
    """A pending transfer to the user's team; any other is not found (404)."""
    if user.role != Role.SPO or user.team_id is None:
        abort(404)
    rows = _transfer_rows(
        select(CaseTransfer).where(
            CaseTransfer.id == transfer_id,
            CaseTransfer.to_team_id == user.team_id,
            CaseTransfer.status == TransferStatus.PENDING,
        )
    )
    if not rows:
        abort(404)
    return rows[0]


def transfer_of_case(transfer_id: int, case_id: int) -> CaseTransfer:
    """A transfer of a case the caller has already scoped; 404 otherwise."""
    transfer = db.session.get(CaseTransfer, transfer_id)
    if transfer is None or transfer.case_id != case_id:
        abort(404)
    return transfer


def case_for_transfer(case_id: int) -> Case:
    """The case a transfer is about, unscoped: only for the receiving SPO's decision, after
    transfer_for_receiver found the transfer addressed to their team."""
    return db.session.scalars(select(Case).where(Case.id == case_id).options(joinedload(Case.sentence))).one()


def teams_to_transfer_to(user: User) -> list[tuple[Team, str]]:
    """Every other team, with its region's name, by region then team."""
    return [
        (team, region_name)
        for team, region_name in db.session.execute(
            select(Team, Region.name)
            .join(Region, Team.region_id == Region.id)
            .where(Team.id != user.team_id)
            .order_by(Region.name, Team.name)
        )
    ]


def cases_for_closure(after_id: int, limit: int) -> list[CaseForClosure]:
    """The next open cases after `after_id`, as the closure sweep reads them: three queries a
    batch (cases with their end dates, their people's levels, their open reviews)."""
    rows = db.session.execute(
        select(Case.id, Sentence.led, Sentence.sed, Sentence.tused)
        .join(Sentence, Case.sentence_id == Sentence.id)
        .where(Case.status == CaseStatus.OPEN, Case.id > after_id)
        .order_by(Case.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    levels: dict[int, list[str]] = {}
    for case_id, level in db.session.execute(
        select(Person.case_id, Person.contact_level).where(Person.case_id.in_(ids))
    ):
        levels.setdefault(case_id, []).append(level)
    reviewed = set(
        db.session.scalars(
            select(CaseDeadline.case_id).where(
                CaseDeadline.case_id.in_(ids),
                CaseDeadline.code == rules.CLOSURE_DUE,
                CaseDeadline.status == DeadlineStatus.OPEN,
            )
        )
    )
    return [
        CaseForClosure(
            row.id,
            {"led": row.led, "sed": row.sed, "tused": row.tused},
            tuple(levels.get(row.id, ())),
            row.id in reviewed,
        )
        for row in rows
    ]


def cases_by_id(ids: list[int]) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)))


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    user_name: str | None
    action: str
    record_type: str
    record_id: int | None
    reason: str | None

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def record_label(self) -> str:
        return record_type_label(self.record_type)


# Opening a section of the case is recorded for the oversight trail, not told as the case's story.
NOT_HISTORY = ("case_viewed",)


def case_history(case_id: int, *, page: int = 1, per_page: int = 50) -> Page[HistoryRow]:
    """What people (and the service) did on the case, newest first, from the audit trail:
    a count and a page of rows with the user's name joined in."""
    statement = (
        select(
            AuditEvent.at,
            User.name.label("user_name"),
            AuditEvent.action,
            AuditEvent.record_type,
            AuditEvent.record_id,
            AuditEvent.reason,
        )
        .outerjoin(User, AuditEvent.user_id == User.id)
        .where(AuditEvent.case_id == case_id, AuditEvent.action.not_in(NOT_HISTORY))
    )
    return paginate(
        statement,
        page=page,
        per_page=per_page,
        order_by=(AuditEvent.at.desc(), AuditEvent.id.desc()),
        row=lambda row: HistoryRow(**row._mapping),
    )


def victims_maybe_turning_18(today: date) -> list[tuple[int, date]]:
    """Child victims on open cases, not yet alerted, born in the window around 18 years before
    `today` (victims.domain.coming_of_age.births_to_look_at): (person id, date of birth)."""
    first, last = coming_of_age.births_to_look_at(today)
    rows = db.session.execute(
        select(Person.id, Person.date_of_birth)
        .join(Case, Case.id == Person.case_id)
        .where(
            Person.relationship_ == Relationship.VICTIM.value,
            Person.date_of_birth.between(first, last),
            Person.turned_18_alerted_on.is_(None),
            Case.status == CaseStatus.OPEN,
        )
        .order_by(Person.id)
    ).all()
    return [(person_id, born) for person_id, born in rows]


def cases_of_people(person_ids: list[int]) -> dict[int, Case]:
    """Each person's case, by person id: one statement."""
    rows = db.session.execute(
        select(Person.id, Case).join(Case, Case.id == Person.case_id).where(Person.id.in_(person_ids))
    ).all()
    return {person_id: case for person_id, case in rows}


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
