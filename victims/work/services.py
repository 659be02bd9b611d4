"""Work's one owner: every deadline of a case, the task each opens, and offender events.
Flush, never commit.

Other areas change work only through this API:

- `refresh_case_deadlines` (`refresh_many` for a bulk): a case's facts changed (opened, scheme,
  sentence dates): the pure planner (victims.domain.work.plan_case_deadlines) decides which
  deadlines open, move or are cancelled, and this applies it, keeping each old date in history;
- `open_deadline`: work that is not the scheme's (a victim to find again, a map to draw);
- `meet` / `meet_with` / `meet_deadline`: the work was done, and this is the evidence (a first
  contact, a letter sent, a map signed: victims.domain.evidence); `meet_by_hand`: an SPO's
  meeting, with a reason; `reopen_met_by`: the evidence failed (a letter came back);
- `record_event` / `record_events`: something happened to the offender (one event, or a bulk);
- `mark_done`, `assign`, `reassign_open_tasks`: people's handling of tasks;
- `close_case_work`, `open_closure_review`, `hand_open_work_to_team`: the case closed, may
  close, or moved to another team (victims.cases.services owns the case's life);
- `refresh_next_due`: each case keeps the due date of its earliest open deadline
  (`cases.next_due_on`, read by lists ordered by next deadline); every function here that opens,
  meets, cancels, reopens, closes or re-dates deadlines calls it, and so must any bulk writer.

A deadline and its task always change together, here: a deadline opened opens its task, met
closes it as done, cancelled closes it as no longer needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import column, func, or_, select, table, update

from victims import clock
from victims.audit import services as audit
from victims.domain import deadlines as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.cover import Days, covered_until
from victims.domain.deadlines import Deadline, DeadlineInputs, OffenderEvent
from victims.domain.evidence import (
    Evidence,
    EvidenceKind,
    meets,
    met_by_evidence,
    what_meets,
    working_days_late,
)
from victims.domain.vocabulary import CaseStatus, Role, Scheme, Skill
from victims.domain.work import (
    CODES_BY_SCHEME,
    DeadlineStatus,
    StoredDeadline,
    TaskStatus,
    event_date_problems,
    event_deadlines,
    events_for_scheme,
    plan_case_deadlines,
    task_status_when_closed,
    task_title,
)
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import queries as staff_queries
from victims.staff.models import Absence, User
from victims.types import update_versioned
from victims.work import queries
from victims.work.models import CaseDeadline, DeadlineChange, OffenderEventRecord, Task


class CaseForWork(Protocol):
    """What work needs of a case (victims.cases.models.Case)."""

    id: int
    team_id: int
    region_id: int
    status: str
    scheme: str
    allocated_vlo_id: int | None


# -- deadlines and their tasks ---------------------------------------------------------------------

# The two columns of cases that refresh_next_due writes (work sits below cases: it names the table
# rather than importing its model).
_CASES = table("cases", column("id"), column("next_due_on"))


def refresh_next_due(case_ids: Iterable[int]) -> None:
    """Set each case's `next_due_on` to the earliest due date of its open deadlines (None when it
    has none): one UPDATE however many cases, after flushing what the session holds. It writes
    the column alone, without the case's version, so it never makes someone's edit of the case
    stale; a case already loaded has the attribute expired, to be read again if used."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    db.session.flush()
    earliest = (
        select(func.min(CaseDeadline.due_on))
        .where(CaseDeadline.case_id == _CASES.c.id, CaseDeadline.status == DeadlineStatus.OPEN)
        .scalar_subquery()
    )
    db.session.execute(update(_CASES).where(_CASES.c.id.in_(ids)).values(next_due_on=earliest))
    wanted = set(ids)
    for loaded in list(db.session.identity_map.values()):
        if getattr(loaded, "__tablename__", None) == "cases" and loaded.id in wanted:
            db.session.expire(loaded, ["next_due_on"])


def open_deadline(
    case: CaseForWork,
    deadline: Deadline,
    *,
    event_id: int | None = None,
    met_on: date | None = None,
    to_queue: bool = False,
    person_id: int | None = None,
) -> CaseDeadline:
    """Add a deadline to the case, with its task when its rule carries work: for the case's VLO,
    or for the team's queue (its SPOs) when nobody is allocated or `to_queue` says so. A deadline
    met as it opens (`met_on`) opens no task."""
    return _open_deadlines([(case, deadline, met_on, event_id)], to_queue=to_queue, person_id=person_id)[0]


# A deadline to open: its case, the deadline, the day it was met as it opened (or None), and the
# offender event it counts from (or None).
Opening = tuple[CaseForWork, Deadline, date | None, int | None]


def _open_deadlines(
    openings: list[Opening],
    *,
    to_queue: bool = False,
    person_id: int | None = None,
    title: str | None = None,
    refresh: bool = True,
) -> list[CaseDeadline]:
    """open_deadline for several deadlines, of one case or many, written together: two flushes
    however many (a case opens with four or five; a bulk of events opens thousands), and the
    cases' next due dates (unless `refresh` is False: the caller refreshes them). `person_id`
    (the person the work is about) and `title` (a task title saying more than its rule's) apply
    to every opening: callers give them for one."""
    rows = [
        CaseDeadline(**deadline_values(case.id, deadline, met_on, event_id, person_id))
        for case, deadline, met_on, event_id in openings
    ]
    if not rows:
        return rows
    db.session.add_all(rows)
    db.session.flush()
    now = clock.utcnow()
    tasks = [
        Task(**values)
        for row, (case, *_rest) in zip(rows, openings, strict=True)
        if (
            values := task_values(
                case, row.id, row.code, row.event_id, row.met_on, now, title=title, to_queue=to_queue
            )
        )
        is not None
    ]
    _while_away(tasks, {row.id: row.due_on for row in rows})
    if tasks:
        db.session.add_all(tasks)
        db.session.flush()
    if refresh:
        refresh_next_due(row.case_id for row in rows)
    return rows


def deadline_values(
    case_id: int,
    deadline: Deadline,
    met_on: date | None,
    event_id: int | None,
    person_id: int | None,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """The columns of a deadline as it opens (open, or met as it opens: only the referral
    deadline, met by the referral arriving). One home for them: `_open_deadlines` and the bulk
    loaders (victims.demo) make their rows with it. The calendar is read only for a deadline met
    as it opens, when not given."""
    late = None
    if met_on is not None:
        late = working_days_late(deadline.due, met_on, calendar or queries.working_calendar())
    return {
        "case_id": case_id,
        "code": deadline.code,
        "event_id": event_id,
        "due_on": deadline.due,
        "counted_from": deadline.counted_from,
        "moved_from": deadline.moved_from,
        "rule_version": deadline.rule_version,
        "rule_number": deadline.number,
        "status": DeadlineStatus.OPEN if met_on is None else DeadlineStatus.MET,
        "met_on": met_on,
        "met_how": None if met_on is None else EvidenceKind.REFERRAL,
        "days_late": late,
        "person_id": person_id,
    }


def task_values(
    case: CaseForWork,
    deadline_id: int,
    code: str,
    event_id: int | None,
    met_on: date | None,
    now: datetime,
    *,
    title: str | None = None,
    to_queue: bool = False,
) -> dict | None:
    """The columns of the task a deadline opens, None when its rule carries no work or it was met
    as it opened: for the case's VLO, or the team's queue when nobody is allocated or `to_queue`."""
    rule_title = task_title(code)
    if rule_title is None or met_on is not None:
        return None
    return {
        "case_id": case.id,
        "team_id": case.team_id,
        "deadline_id": deadline_id,
        "event_id": event_id,
        "title": title or rule_title,
        "assigned_to_id": None if to_queue else case.allocated_vlo_id,
        "status": TaskStatus.OPEN,
        "created_at": now,
    }


def _while_away(tasks: list[Task], due: dict[int, date]) -> None:
    """A new task for a VLO who is away today, due while they are away (by `covered_until`: a
    week past their last day, or any time when the last day is not known), goes where their cover
    puts their work (the cover VLO, or the team's queue), marked as covering for them, so it comes
    back on their return (victims.absences.services). One statement however many tasks; a map for
    a cover without the mapping skill goes on to the queue in `open_map_task`. `due`: each task's
    due date by its deadline's id."""
    holders = {task.assigned_to_id for task in tasks if task.assigned_to_id is not None}
    if not holders:
        return
    today = clock.today()
    away = {
        user_id: (cover_id, covered_until(Days(starts_on, ends_on)))
        for user_id, cover_id, starts_on, ends_on in db.session.execute(
            select(Absence.user_id, Absence.cover_user_id, Absence.starts_on, Absence.ends_on).where(
                Absence.user_id.in_(holders),
                Absence.cancelled_at.is_(None),
                Absence.returned_at.is_(None),
                Absence.starts_on <= today,
                or_(Absence.ends_on.is_(None), Absence.ends_on >= today),
            )
        )
    }
    for task in tasks:
        if task.assigned_to_id not in away:
            continue
        cover_id, until = away[task.assigned_to_id]
        if until is None or due[task.deadline_id] <= until:
            task.covering_for_id, task.assigned_to_id = task.assigned_to_id, cover_id


def check_countable(scheme: Scheme, inputs: DeadlineInputs) -> None:
    """Refuse dates the scheme's deadlines cannot be counted from (outside the years the calendar
    of working days covers), before the caller writes anything. The refusal's field is the date's
    name in DeadlineInputs; a release date's is its key (crd, ped or hdced)."""
    try:
        rules.compute_all(
            inputs, queries.current_rules(), queries.working_calendar(), CODES_BY_SCHEME[scheme]
        )
    except rules.NotCountable as error:
        raise _not_countable(error, inputs) from None


def _not_countable(error: rules.NotCountable, inputs: DeadlineInputs) -> Refused:
    field: str = error.anchor.value
    if error.anchor is rules.Anchor.EARLIEST_RELEASE_DATE:
        field = next(
            key for key in rules.RELEASE_DATE_KEYS if inputs.release_dates.get(key) == error.counted_from
        )
    return Refused(
        f"Enter a date between 1 January {error.first_year} and 31 December {error.last_year}: "
        "deadlines are counted from it, and the calendar of working days covers only those years",
        field=field,
    )


def refresh_case_deadlines(
    case: CaseForWork, scheme: Scheme, inputs: DeadlineInputs, reason: str, user: User | None
) -> list[rules.DeadlineChange]:
    """Bring the case's deadlines into line with its scheme and dates (the planner decides what
    changes; see victims.domain.work.plan_case_deadlines). Returns what changed. Callers check
    new dates with `check_countable` first, so a refusal here comes before anything is written."""
    return refresh_many([(case, scheme, inputs, reason)], user)[0]


def refresh_many(
    refreshes: list[tuple[CaseForWork, Scheme, DeadlineInputs, str]], user: User | None
) -> list[list[rules.DeadlineChange]]:
    """refresh_case_deadlines for many cases at once (a bulk of release-date changes): the same
    planner for each, with a fixed number of statements however many cases (their deadlines and
    tasks read in one query each, their changes written in one flush). Returns each case's
    changes, in order."""
    if not refreshes:
        return []
    stored, versions = queries.stored_deadlines_for_cases([case.id for case, *_rest in refreshes])
    rules_in_force, calendar = queries.current_rules(), queries.working_calendar()
    plans = []
    for case, scheme, inputs, reason in refreshes:
        try:
            plan = plan_case_deadlines(scheme, inputs, stored.get(case.id, []), rules_in_force, calendar)
        except rules.NotCountable as error:
            raise _not_countable(error, inputs) from None
        plans.append((case, plan, reason))
    openings: list[Opening] = [
        (case, opening.deadline, opening.met_on, None)
        for case, plan, _reason in plans
        for opening in plan.opened
    ]
    _open_deadlines(openings, refresh=False)
    # Moved deadlines: one UPDATE for all (the ORM would send one each), from what was read.
    held = {row.id: row for rows in stored.values() for row in rows}
    moves = []
    for _case, plan, reason in plans:
        for deadline_id, deadline in plan.moved:
            row = held[deadline_id]
            _keep_history(row, deadline.due, deadline.rule_version, reason, user)
            values = {
                "due_on": deadline.due,
                "counted_from": deadline.counted_from,
                "moved_from": deadline.moved_from,
                "rule_version": deadline.rule_version,
                "rule_number": deadline.number,
            }
            moves.append((deadline_id, versions[deadline_id], values))
    update_versioned(db.session, CaseDeadline, moves)
    cancelled = [deadline_id for _case, plan, _reason in plans for deadline_id in plan.cancelled]
    loaded = queries.deadlines_by_id(cancelled)
    tasks = queries.tasks_for_deadlines(cancelled)
    for _case, plan, reason in plans:
        for deadline_id in plan.cancelled:
            row = loaded[deadline_id]
            _keep_history(row, None, None, reason, user)
            _close(row, DeadlineStatus.CANCELLED, None, user, task=tasks.get(deadline_id))
    db.session.flush()
    refresh_next_due(case.id for case, plan, _reason in plans if plan.opened or plan.moved or plan.cancelled)
    return [list(plan.changes) for _case, plan, _reason in plans]


def meet(
    case_id: int, code: str, on: date, user: User | None, evidence: Evidence, *, person_id: int | None = None
) -> bool:
    """Meet the case's open deadline of a rule (the one due first) with the evidence that meets
    it, and so its task; True if there was one it meets. `user` is who did the work (None: the
    service, e.g. a letter sent). For work about one person (contact lost), only theirs."""
    row = queries.open_deadline(case_id, code, person_id=person_id)
    if row is None or not meets(code, evidence.kind, on, row.counted_from):
        return False
    meet_deadline(row, on, user, evidence)
    return True


def meet_with(
    case_id: int, evidence: Evidence, on: date, user: User | None, *, person_id: int | None = None
) -> list[CaseDeadline]:
    """Meet every open deadline of the case that this evidence meets (a letter sent meets the
    initial contact and the tasks of events it came after). Work about one person is met only by
    evidence about them (`person_id`); work about nobody in particular by evidence about anyone."""
    met = []
    for row in queries.open_deadlines(case_id):
        if row.person_id is not None and row.person_id != person_id:
            continue
        if meets(row.code, evidence.kind, on, row.counted_from):
            meet_deadline(row, on, user, evidence)
            met.append(row)
    return met


def meet_deadline(
    row: CaseDeadline, on: date, user: User | None, evidence: Evidence, reason: str | None = None
) -> None:
    """Meet one open deadline on a day, keeping how and how late; its task is done."""
    if row.status != DeadlineStatus.OPEN:
        return
    _close(row, DeadlineStatus.MET, on, user)
    row.met_how, row.met_evidence_id = evidence.kind, evidence.id
    row.met_by_id = user.id if user is not None else None
    row.met_reason = reason
    row.days_late = working_days_late(row.due_on, on, queries.working_calendar())
    refresh_next_due([row.case_id])


def meet_by_hand(case: CaseForWork, row: CaseDeadline, on: date, reason: str, user: User) -> None:
    """A senior probation officer of the case's team meets a deadline, with a reason: for work
    done where the service cannot see it. The day it was met may be in the past, not the future."""
    if row.case_id != case.id:
        raise ValueError("the deadline is not the case's")
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only a senior probation officer of the team can mark a deadline as met")
    if row.status != DeadlineStatus.OPEN:
        raise Refused("This deadline is no longer open", field="met_on")
    if on > clock.today():
        raise Refused("The date it was met must be today or in the past", field="met_on")
    if not reason.strip():
        raise Refused("Enter why you are marking it as met", field="reason")
    meet_deadline(row, on, user, Evidence(EvidenceKind.MANUAL), reason.strip())
    audit.record(
        "deadline_met_by_hand",
        "deadline",
        row.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason.strip(),
        details={"code": row.code, "met_on": on.isoformat(), "days_late": row.days_late},
        user=user,
    )


def reopen_met_by(
    case: CaseForWork, kinds: tuple[EvidenceKind, ...], evidence_id: int, why: str, user: User | None
) -> list[CaseDeadline]:
    """The evidence failed (a letter came back): every deadline of the case it met opens again,
    with its task, and the meeting is kept in the deadline's history. Returns those reopened."""
    rows = queries.met_by(case.id, kinds, evidence_id)
    for row in rows:
        db.session.add(
            DeadlineChange(
                deadline_id=row.id,
                old_due_on=row.due_on,
                new_due_on=row.due_on,
                old_rule_version=row.rule_version,
                new_rule_version=row.rule_version,
                reason=why,
                changed_at=clock.utcnow(),
                changed_by_id=user.id if user else None,
                was_met_on=row.met_on,
                was_met_how=row.met_how,
                was_met_evidence_id=row.met_evidence_id,
                was_days_late=row.days_late,
            )
        )
        row.status, row.met_on = DeadlineStatus.OPEN, None
        row.met_how = row.met_evidence_id = row.met_by_id = row.met_reason = row.days_late = None
        task = queries.task_for_deadline(row.id)
        if task is not None and task.status == TaskStatus.DONE:
            task.status, task.done_at, task.done_by_id = TaskStatus.OPEN, None, None
    db.session.flush()
    if rows:
        refresh_next_due([case.id])
    for row in rows:
        audit.record(
            "deadline_reopened",
            "deadline",
            row.id,
            case_id=case.id,
            region_id=case.region_id,
            details={"code": row.code, "evidence_id": evidence_id},
            user=user,
        )
    return rows


_UNREAD = object()


def _close(
    row: CaseDeadline,
    status: DeadlineStatus,
    met_on: date | None,
    user: User | None,
    *,
    task: Task | object | None = _UNREAD,
) -> None:
    """Close a deadline and its task (`task`: already read, None when it has none)."""
    row.status, row.met_on = status, met_on
    if task is _UNREAD:
        task = queries.task_for_deadline(row.id)
    if task is not None and task.status == TaskStatus.OPEN:
        task.status = task_status_when_closed(status)
        if task.status == TaskStatus.DONE:
            task.done_at, task.done_by_id = clock.utcnow(), user.id if user is not None else None


def _keep_history(
    row: CaseDeadline | StoredDeadline,
    new_due: date | None,
    new_version: int | None,
    reason: str,
    user: User | None,
) -> None:
    db.session.add(
        DeadlineChange(
            deadline_id=row.id,
            old_due_on=row.due_on if isinstance(row, CaseDeadline) else row.due,
            new_due_on=new_due,
            old_rule_version=row.rule_version,
            new_rule_version=new_version,
            reason=reason,
            changed_at=clock.utcnow(),
            changed_by_id=user.id if user else None,
        )
    )


# -- offender events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    """An offender event to record: what happened, the day it happened, the day the unit learned
    of it, and notes."""

    kind: OffenderEvent
    occurred_on: date
    learned_on: date
    notes: str | None = None


def event_problems(case: CaseForWork, details: EventDetails, today: date) -> list[Refused]:
    """Every reason the event cannot be recorded on the case, each at its field."""
    problems = [
        Refused(message, field=field)
        for field, message in event_date_problems(details.occurred_on, details.learned_on, today)
    ]
    if case.status != CaseStatus.OPEN:
        problems.append(Refused("The case is closed: reopen it before recording an event", field="kind"))
    elif details.kind not in events_for_scheme(Scheme(case.scheme) if case.scheme else None):
        problems.append(
            Refused(
                f"‘{details.kind.label}’ is an event of the restricted patients’ scheme, "
                "and this case is not in it",
                field="kind",
            )
        )
    return problems


def record_event(
    case: CaseForWork,
    kind: str | OffenderEvent,
    occurred_on: date,
    notes: str | None,
    user: User | None,
    source: str = "manual",
    *,
    learned_on: date | None = None,
) -> OffenderEventRecord:
    """Record something that happened to the offender, with the task and deadline it creates.

    `learned_on` is the day the unit learned of it (today unless given); the deadline counts from
    the later of the two (victims.domain.work.event_deadlines)."""
    details = EventDetails(OffenderEvent(kind), occurred_on, learned_on or clock.today(), notes or None)
    return record_events([(case, details)], user, source)[0]


def record_events(
    events: list[tuple[CaseForWork, EventDetails]], user: User | None, source: str = "manual"
) -> list[OffenderEventRecord]:
    """Record offender events (of one case or many) with the deadlines and tasks they open, in a
    fixed number of statements however many. Refused, before anything is written, for the
    first event that cannot be recorded (callers that list every problem check `event_problems`
    first)."""
    today = clock.today()
    for case, details in events:
        problems = event_problems(case, details, today)
        if problems:
            raise problems[0]
    now = clock.utcnow()
    records = [
        OffenderEventRecord(
            case_id=case.id,
            kind=details.kind,
            occurred_on=details.occurred_on,
            learned_on=details.learned_on,
            recorded_at=now,
            recorded_by_id=user.id if user is not None else None,
            source=source,
            notes=details.notes or None,
        )
        for case, details in events
    ]
    db.session.add_all(records)
    db.session.flush()
    rules_in_force, calendar = queries.current_rules(), queries.working_calendar()
    _open_deadlines(
        [
            (case, deadline, None, record.id)
            for (case, details), record in zip(events, records, strict=True)
            for deadline in event_deadlines(
                details.kind, details.occurred_on, details.learned_on, rules_in_force, calendar
            )
        ]
    )
    for (case, details), record in zip(events, records, strict=True):
        audit.record(
            "offender_event_recorded",
            "offender_event",
            record.id,
            case_id=case.id,
            region_id=case.region_id,
            details={
                "kind": details.kind.value,
                "occurred_on": details.occurred_on.isoformat(),
                "learned_on": details.learned_on.isoformat(),
                "source": source,
            },
            user=user,
        )
    return records


# -- people's handling of tasks ---------------------------------------------------------------------


def mark_done(task: Task, user: User) -> None:
    """The task is done, which meets its deadline today. Its assignee or any VLO or SPO of the
    team may do it (the caller has already scoped the task to the user's team). Only for work no
    evidence meets: the rest is done by doing it (a letter sent, a contact logged), or met by hand
    by an SPO with a reason (`meet_by_hand`)."""
    if task.status != TaskStatus.OPEN:
        raise Refused("This task is already closed")
    if user.id != task.assigned_to_id and (
        user.role not in (Role.VLO, Role.SPO) or user.team_id != task.team_id
    ):
        raise Refused("Only the task’s team can mark it as done")
    deadline = db.session.get(CaseDeadline, task.deadline_id)
    if deadline.status == DeadlineStatus.OPEN and met_by_evidence(deadline.code):
        raise Refused(f"{what_meets(deadline.code)}: it cannot be marked as done")
    if deadline.status == DeadlineStatus.OPEN:
        meet_deadline(deadline, clock.today(), user, Evidence(EvidenceKind.MANUAL))
    else:  # the deadline closed without its task (data from before tasks closed with deadlines)
        task.status, task.done_at, task.done_by_id = TaskStatus.DONE, clock.utcnow(), user.id
    db.session.flush()  # raises StaleDataError if someone else closed it first
    audit.record(
        "task_done",
        "task",
        task.id,
        case_id=task.case_id,
        details={"deadline_id": task.deadline_id},
        user=user,
    )


def needs_mapping(task: Task) -> bool:
    return queries.task_code(task) == rules.ZONE_MAP


def assign(
    task: Task, vlo: User, user: User, *, reason: str | None = None, overridden: dict | None = None
) -> None:
    """An SPO gives a task to a VLO of the task's team. `overridden`: what choosing this VLO
    overrode (codes and percentages only), which flags the audit event with the SPO's reason."""
    if task.status != TaskStatus.OPEN:
        raise Refused("This task is already closed", field="vlo")
    if vlo.role != Role.VLO or vlo.team_id != task.team_id or not vlo.active:
        raise Refused("Choose a victim liaison officer in this team", field="vlo")
    if needs_mapping(task) and not staff_queries.has_skill(vlo.id, Skill.MAPPING):
        raise Refused(f"{vlo.name} does not have the mapping skill this task needs", field="vlo")
    if task.assigned_to_id == vlo.id:
        raise Refused(f"The task is already assigned to {vlo.name}", field="vlo")
    previous = task.assigned_to_id
    # Given to someone by an SPO: no longer cover for an absent VLO, so it stays on their return.
    task.assigned_to_id, task.covering_for_id = vlo.id, None
    db.session.flush()
    audit.record(
        "task_assigned",
        "task",
        task.id,
        case_id=task.case_id,
        reason=reason or None,
        details={
            "from_user_id": previous,
            "to_user_id": vlo.id,
            **({"overridden": overridden} if overridden else {}),
        },
        user=user,
        flagged=bool(overridden),
    )


def reassign_open_tasks(case: CaseForWork, vlo: User | None) -> int:
    """The case's open tasks follow the case to its new VLO (or to the queue for None). A map
    needs the mapping skill: without it, the map task goes to the team's queue.

    Called when a case is allocated; the allocation itself is what the audit trail records."""
    tasks = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN).order_by(Task.id)
    ).all()
    mapper = vlo is not None and staff_queries.has_skill(vlo.id, Skill.MAPPING)
    for task in tasks:
        task.assigned_to_id = None if vlo is None or (needs_mapping(task) and not mapper) else vlo.id
    db.session.flush()
    return len(tasks)


def open_map_task(case: CaseForWork, on: date, *, title: str | None = None) -> CaseDeadline:
    """A map is a task for a VLO with the mapping skill: the case's VLO if they have it,
    otherwise the team's queue, for an SPO to give to someone who has. `title`: a task title
    saying more than the rule's (a map to check again after the release address changed)."""
    deadline = rules.compute(rules.ZONE_MAP, on, queries.current_rules(), queries.working_calendar())
    row = _open_deadlines([(case, deadline, None, None)], title=title)[0]
    task = queries.task_for_deadline(row.id)
    if task is None:
        return row
    # While the case's VLO is away the task is their cover's, marked as covering for them
    # (_while_away): each of the two must map to hold it.
    if task.covering_for_id is not None and not staff_queries.has_skill(task.covering_for_id, Skill.MAPPING):
        task.covering_for_id = None  # not theirs on return either: the queue's
    if task.assigned_to_id is not None and not staff_queries.has_skill(task.assigned_to_id, Skill.MAPPING):
        task.assigned_to_id = None
    db.session.flush()
    return row


def open_work(
    case: CaseForWork,
    code: str,
    on: date,
    *,
    to_queue: bool = False,
    person_id: int | None = None,
    title: str | None = None,
) -> CaseDeadline:
    """Work counted from a day that is not an offender event (a victim to find again, the
    outcome of licence-condition requests to tell, a referral to check): its deadline and task,
    titled by its rule unless `title` says more. `person_id`: the person the work is about (a
    victim to find again)."""
    deadline = rules.compute(code, on, queries.current_rules(), queries.working_calendar())
    return _open_deadlines(
        [(case, deadline, None, None)], to_queue=to_queue, person_id=person_id, title=title
    )[0]


# -- the case's life ---------------------------------------------------------------------------------


def close_case_work(case: CaseForWork, user: User | None) -> int:
    """The case has closed: every open deadline closes as "case closed" (neither met nor
    cancelled), with a history row saying so, and every open task with it. Returns how many
    deadlines closed. Reopening the case brings the scheme's deadlines back through
    `refresh_case_deadlines`; an offender event's or other work's stays closed."""
    deadlines = db.session.scalars(
        select(CaseDeadline)
        .where(CaseDeadline.case_id == case.id, CaseDeadline.status == DeadlineStatus.OPEN)
        .order_by(CaseDeadline.id)
    ).all()
    for row in deadlines:
        _keep_history(row, None, None, "Case closed", user)
        row.status = DeadlineStatus.CASE_CLOSED
    # Every open task of the case, including one whose deadline closed without it.
    for task in db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN)
    ):
        task.status = TaskStatus.CASE_CLOSED
    db.session.flush()
    if deadlines:
        refresh_next_due([case.id])
    return len(deadlines)


def open_closure_review(case: CaseForWork, title: str, on: date) -> CaseDeadline | None:
    """Ask the case's VLO (or the team's queue) to review the case for closure, unless a review
    is already open: at most one open per case. None when one was open already."""
    if case.status != CaseStatus.OPEN or queries.open_deadline(case.id, rules.CLOSURE_DUE) is not None:
        return None
    return open_work(case, rules.CLOSURE_DUE, on, title=title)


def hand_open_work_to_team(case: CaseForWork, team_id: int) -> int:
    """The case moved to another team: its open tasks go to that team's queue."""
    tasks = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN).order_by(Task.id)
    ).all()
    for task in tasks:
        task.team_id, task.assigned_to_id = team_id, None
    db.session.flush()
    return len(tasks)
