"""Tasks and offender events. Flush, never commit.

A task is one-to-one with a deadline: the deadline says when, the task says who. A task is
created with its deadline (victims.deadlines.services._add), for the allocated VLO or, when
nobody is allocated, for the team's queue. The two close together:

- marking a task done meets its deadline (today, Europe/London);
- a deadline met or cancelled in any other way (a first contact, a release date removed)
  closes its task: a session hook (`_close_tasks_of_closed_deadlines`) watches every flush,
  so no code that closes a deadline has to remember the task.
"""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case
from victims.deadlines import services as deadlines
from victims.deadlines.models import CANCELLED, MET, OPEN, CaseDeadline
from victims.domain import deadlines as rules
from victims.domain.deadlines import EVENT_WORK, OffenderEvent
from victims.domain.vocabulary import CaseStatus, Role, Skill
from victims.extensions import db
from victims.staff.models import User, UserSkill
from victims.work.models import TASK_CANCELLED, TASK_DONE, TASK_OPEN, OffenderEventRecord, Task


class WorkRefused(Exception):
    """A change to tasks or events that the rules do not allow, with the message to show and
    the form field it belongs to. (Not victims.cases.services.ChangeRefused: the cases area
    calls this one when a case is allocated, so this module must not import it.)"""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# The case deadlines that are work for a VLO. The referral deadline is met by the referral
# arriving, so it is nobody's task.
TASK_TITLES: dict[str, str] = {
    rules.INITIAL_CONTACT: "Make initial contact with the victims",
    rules.INITIAL_CONTACT_FROM_SENTENCE: "Make initial contact with the victims",
    rules.VNS_INITIAL_CONTACT: "Make initial contact with the victims (Victim Notification Scheme)",
    rules.PRE_RELEASE_WINDOW: "Start pre-release contact",
    rules.LICENCE_REPRESENTATIONS: "Send licence-condition representations",
    rules.CONTACT_LOST: "Find a new way to reach the victim: a letter or email came back",
    rules.ZONE_MAP: "Make the exclusion-zone map (needs the mapping skill)",
    rules.LICENCE_OUTCOME: "Tell the victim the outcome of their licence-condition requests",
    **{work.rule_code: work.task for work in EVENT_WORK.values()},
}


def task_title(code: str) -> str | None:
    """The task a deadline of this rule creates, or None when it creates no task."""
    return TASK_TITLES.get(code)


def create_task(case: Case, deadline: CaseDeadline) -> Task | None:
    """The task for a new open deadline of a work-bearing rule (None for other rules)."""
    title = task_title(deadline.code)
    if title is None or deadline.status != OPEN:
        return None
    if deadline.id is None:
        db.session.flush()  # the task points at the deadline
    task = Task(
        case_id=case.id,
        team_id=case.team_id,
        deadline_id=deadline.id,
        event_id=deadline.event_id,
        title=title,
        assigned_to_id=case.allocated_vlo_id,
        status=TASK_OPEN,
        created_at=clock.utcnow(),
    )
    db.session.add(task)
    return task


def record_event(
    case: Case,
    kind: str | OffenderEvent,
    occurred_on: date,
    notes: str | None,
    user: User | None,
    source: str = "manual",
) -> OffenderEventRecord:
    """Record something that happened to the offender, with the task and deadline it creates.

    The deadline counts from the day the event is recorded (the day the unit learns of it)."""
    event_kind = OffenderEvent(kind)
    today = clock.today()
    if occurred_on > today:
        raise WorkRefused("The date the event happened must be today or in the past", field="occurred_on")
    if case.status != CaseStatus.OPEN:
        raise WorkRefused("The case is closed: reopen it before recording an event", field="kind")
    record = OffenderEventRecord(
        case_id=case.id,
        kind=event_kind.value,
        occurred_on=occurred_on,
        recorded_on=today,
        recorded_at=clock.utcnow(),
        recorded_by_id=user.id if user is not None else None,
        source=source,
        notes=notes or None,
    )
    db.session.add(record)
    db.session.flush()
    work = rules.event_task(event_kind, today, deadlines.current_rules(), deadlines.working_calendar())
    deadlines.add_event_deadline(case, work.deadline, record.id)
    db.session.flush()
    audit.record(
        "offender_event_recorded",
        "offender_event",
        record.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"kind": event_kind.value, "occurred_on": occurred_on.isoformat(), "source": source},
        user=user,
    )
    return record


def mark_done(task: Task, user: User) -> None:
    """The task is done, which meets its deadline today. Its assignee or any VLO or SPO of the
    team may do it (the caller has already scoped the task to the user's team)."""
    if task.status != TASK_OPEN:
        raise WorkRefused("This task is already closed")
    if user.id != task.assigned_to_id and (
        user.role not in (Role.VLO, Role.SPO) or user.team_id != task.team_id
    ):
        raise WorkRefused("Only the task’s team can mark it as done")
    task.status = TASK_DONE
    task.done_at = clock.utcnow()
    task.done_by_id = user.id
    deadline = db.session.get(CaseDeadline, task.deadline_id)
    if deadline is not None:
        deadlines.meet_deadline(deadline, clock.today())
    db.session.flush()  # raises StaleDataError if someone else closed it first
    audit.record(
        "task_done",
        "task",
        task.id,
        case_id=task.case_id,
        details={"deadline_id": task.deadline_id},
        user=user,
    )


def assign(task: Task, vlo: User, user: User) -> None:
    """An SPO gives a task to a VLO of the task's team."""
    if task.status != TASK_OPEN:
        raise WorkRefused("This task is already closed", field="vlo")
    if vlo.role != Role.VLO or vlo.team_id != task.team_id or not vlo.active:
        raise WorkRefused("Choose a victim liaison officer in this team", field="vlo")
    if needs_mapping(task) and not has_skill(vlo, Skill.MAPPING):
        raise WorkRefused(f"{vlo.name} does not have the mapping skill this task needs", field="vlo")
    if task.assigned_to_id == vlo.id:
        raise WorkRefused(f"The task is already assigned to {vlo.name}", field="vlo")
    previous = task.assigned_to_id
    task.assigned_to_id = vlo.id
    db.session.flush()
    audit.record(
        "task_assigned",
        "task",
        task.id,
        case_id=task.case_id,
        details={"from_user_id": previous, "to_user_id": vlo.id},
        user=user,
    )


def needs_mapping(task: Task) -> bool:
    code = db.session.scalar(select(CaseDeadline.code).where(CaseDeadline.id == task.deadline_id))
    return code == rules.ZONE_MAP


def has_skill(user: User, skill: Skill) -> bool:
    return (
        db.session.scalar(
            select(UserSkill.skill).where(UserSkill.user_id == user.id, UserSkill.skill == skill.value)
        )
        is not None
    )


def reassign_open_tasks(case: Case, vlo: User | None) -> int:
    """The case's open tasks follow the case to its new VLO (or to the queue for None).

    Called when a case is allocated; the allocation itself is what the audit trail records."""
    tasks = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.status == TASK_OPEN).order_by(Task.id)
    ).all()
    new_id = vlo.id if vlo is not None else None
    mapper = vlo is not None and has_skill(vlo, Skill.MAPPING)
    for task in tasks:
        # A map needs the mapping skill: without it, the map task goes to the team's queue.
        task.assigned_to_id = None if needs_mapping(task) and not mapper else new_id
    db.session.flush()
    return len(tasks)


# ---------------------------------------------------------------------------------------------
# A deadline closed anywhere closes its task.

_CLOSING = {MET: TASK_DONE, CANCELLED: TASK_CANCELLED}


@event.listens_for(Session, "before_flush")
def _close_tasks_of_closed_deadlines(session: Session, flush_context, instances) -> None:
    closed: dict[int, str] = {}
    for obj in session.dirty:
        if not isinstance(obj, CaseDeadline) or obj.id is None:
            continue
        added = inspect(obj).attrs.status.history.added
        if added and added[-1] in _CLOSING:
            closed[obj.id] = _CLOSING[added[-1]]
    if not closed:
        return
    with session.no_autoflush:
        tasks = session.scalars(
            select(Task).where(Task.deadline_id.in_(closed), Task.status == TASK_OPEN)
        ).all()
    if not tasks:
        return
    now = clock.utcnow()
    closer = _acting_user_id()
    for task in tasks:
        if task.status != TASK_OPEN:  # already closed in this unit of work (mark_done)
            continue
        task.status = closed[task.deadline_id]
        if task.status == TASK_DONE:
            task.done_at, task.done_by_id = now, closer


def _acting_user_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None
