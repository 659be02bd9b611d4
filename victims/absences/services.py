"""Writes of absence and cover: an SPO records a VLO's absence, changes its last day or cancels
it; while it runs the VLO's open tasks are handled by the cover (or the team's queue), and they
come back on return. Flushes, never commits (the request commits; the daily task commits each
absence on its own).

Moving the work happens once, whatever runs it and however often: the absence is claimed by a
conditional UPDATE (`covered_at` / `returned_at` still empty), which on PostgreSQL waits for a
concurrent claim to commit and then matches no row, so a second run moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.util import identity_key

from victims import clock
from victims.absences import queries
from victims.audit import services as audit
from victims.domain import deadlines as rules
from victims.domain.cover import (
    AbsenceKind,
    Days,
    absence_problems,
    comes_back,
    cover_target,
    covered_until,
    ends_now,
    starts_now,
)
from victims.domain.vocabulary import Role, Skill
from victims.domain.work import TaskStatus
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import queries as staff_queries
from victims.staff.models import Absence, User
from victims.work.models import CaseDeadline, Task


@dataclass(frozen=True)
class AbsenceDetails:
    """What the SPO's form says: whose absence, what kind, the days, and who covers (None: the
    team's queue). No health details: only the kind."""

    user_id: int
    kind: AbsenceKind
    starts_on: date
    ends_on: date | None
    cover_user_id: int | None


def _check_people(details: AbsenceDetails, spo: User) -> tuple[User, User | None]:
    if spo.role != Role.SPO or spo.team_id is None:
        raise Refused("Only a senior probation officer can record an absence")
    person = staff_queries.team_vlo(details.user_id, spo.team_id)
    if person is None or not person.active:
        raise Refused("Choose a victim liaison officer in your team", "user_id")
    cover = None
    if details.cover_user_id is not None:
        cover = staff_queries.team_vlo(details.cover_user_id, spo.team_id)
        if cover is None or not cover.active:
            raise Refused(
                "Choose a victim liaison officer in your team to cover, or the team’s queue", "cover"
            )
    return person, cover


def _check_days(details: AbsenceDetails, leaving_out: int | None = None) -> None:
    ids = [details.user_id] + ([details.cover_user_id] if details.cover_user_id is not None else [])
    held = queries.days_of(ids, leaving_out=leaving_out)
    problems = absence_problems(
        Days(details.starts_on, details.ends_on),
        user_id=details.user_id,
        cover_id=details.cover_user_id,
        own_absences=held[details.user_id],
        cover_absences=held.get(details.cover_user_id, []) if details.cover_user_id is not None else [],
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)


def record(details: AbsenceDetails, spo: User) -> Absence:
    """Record an absence; if it runs today, the work moves to cover at once."""
    person, _cover = _check_people(details, spo)
    _check_days(details)
    absence = Absence(
        user_id=person.id,
        kind=details.kind,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        cover_user_id=details.cover_user_id,
        recorded_at=clock.utcnow(),
        recorded_by_id=spo.id,
    )
    db.session.add(absence)
    db.session.flush()
    audit.record(
        "absence_recorded",
        "absence",
        absence.id,
        user=spo,
        details={
            "user_id": person.id,
            "kind": details.kind.value,
            "starts_on": details.starts_on.isoformat(),
            "ends_on": details.ends_on.isoformat() if details.ends_on else None,
            "cover_user_id": details.cover_user_id,
        },
    )
    catch_up(absence.id, clock.today(), spo)
    return absence


def change_end(absence: Absence, ends_on: date | None, spo: User) -> None:
    """A new last day (None: not known yet). A last day before today means they are back: the
    work comes back now."""
    if absence.returned_at is not None:
        raise Refused(
            "They are already back from this absence: record a new one if they are away again", "ends_on"
        )
    details = AbsenceDetails(
        absence.user_id, AbsenceKind(absence.kind), absence.starts_on, ends_on, absence.cover_user_id
    )
    _check_days(details, leaving_out=absence.id)
    old = absence.ends_on
    if old == ends_on:
        return
    absence.ends_on = ends_on
    db.session.flush()  # raises StaleDataError if someone else changed it first
    audit.record(
        "absence_end_changed",
        "absence",
        absence.id,
        user=spo,
        details={
            "user_id": absence.user_id,
            "from": old.isoformat() if old else None,
            "to": ends_on.isoformat() if ends_on else None,
        },
    )
    catch_up(absence.id, clock.today(), spo)
    absence = db.session.get(Absence, absence.id)
    if absence.covered_at is not None and absence.returned_at is None:
        _move_to_cover(absence)  # a later last day: the work now falling due while away moves too


def record_return(absence: Absence, spo: User) -> None:
    """They are back today: the last day was yesterday (or, if it had not begun before today,
    the absence did not happen and is cancelled)."""
    today = clock.today()
    if absence.starts_on >= today:
        cancel(absence, spo)
        return
    change_end(absence, today - timedelta(days=1), spo)


def cancel(absence: Absence, spo: User) -> None:
    """The absence will not happen, or was recorded in error: any work moved comes back."""
    if absence.covered_at is not None and absence.returned_at is None:
        end_cover(absence.id, spo)
        db.session.refresh(absence)
    absence.cancelled_at = clock.utcnow()
    db.session.flush()  # raises StaleDataError if someone else changed it first
    audit.record("absence_cancelled", "absence", absence.id, user=spo, details={"user_id": absence.user_id})


def catch_up(absence_id: int, today: date, user: User | None = None) -> tuple[int, int]:
    """Start or end the absence's cover if today calls for it (recorded or changed just now, or
    the daily sweep): (tasks moved to cover, tasks come back)."""
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.cancelled_at is not None:
        return 0, 0
    moved = back = 0
    if starts_now(_days(absence), today, absence.covered_at is not None, absence.returned_at is not None):
        moved = start_cover(absence_id, user)
        absence = db.session.get(Absence, absence_id)
    if ends_now(_days(absence), today, absence.covered_at is not None, absence.returned_at is not None):
        back = end_cover(absence_id, user)
    return moved, back


def _days(absence: Absence) -> Days:
    return Days(absence.starts_on, absence.ends_on)


def _claim(absence_id: int, column, *conditions) -> bool:
    """Set the absence's `column` to now if the conditions still hold; True if this call did."""
    table = Absence.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == absence_id, table.c.cancelled_at.is_(None), column.is_(None), *conditions)
        .values({column.name: clock.utcnow(), "version": table.c.version + 1})
    )
    claimed = result.rowcount == 1
    absence = db.session.identity_map.get(identity_key(Absence, absence_id))
    if absence is not None:
        db.session.expire(absence)
    return claimed


def _map_tasks(task_ids: list[int]) -> set[int]:
    if not task_ids:
        return set()
    return set(
        db.session.scalars(
            select(Task.id)
            .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
            .where(Task.id.in_(task_ids), CaseDeadline.code == rules.ZONE_MAP)
        )
    )


def start_cover(absence_id: int, user: User | None = None) -> int:
    """The person is away: their open tasks due while they are away (`covered_until`) go to the
    cover (a map only to a cover with the mapping skill) or the team's queue, marked as covering
    for them. Returns how many moved (0 if another run had already done it)."""
    table = Absence.__table__
    if not _claim(absence_id, table.c.covered_at, table.c.returned_at.is_(None)):
        return 0
    absence = db.session.get(Absence, absence_id)
    tasks = _move_to_cover(absence)
    audit.record(
        "absence_cover_started",
        "absence",
        absence.id,
        user=user,
        region_id=None if user is not None else _region_of(absence.user_id),
        details={
            "user_id": absence.user_id,
            "cover_user_id": absence.cover_user_id,
            "tasks": len(tasks),
            "to_queue": sum(task.assigned_to_id is None for task in tasks),
        },
    )
    return len(tasks)


def _move_to_cover(absence: Absence) -> list[Task]:
    """Give the absent VLO's open tasks due by `covered_until` (all, if the last day is not known)
    to the cover or the queue, marked as covering for them; returns the tasks moved."""
    statement = (
        select(Task)
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .where(Task.assigned_to_id == absence.user_id, Task.status == TaskStatus.OPEN)
        .order_by(Task.id)
    )
    until = covered_until(_days(absence))
    if until is not None:
        statement = statement.where(CaseDeadline.due_on <= until)
    tasks = list(db.session.scalars(statement))
    maps = _map_tasks([task.id for task in tasks])
    cover_maps = absence.cover_user_id is not None and staff_queries.has_skill(
        absence.cover_user_id, Skill.MAPPING
    )
    for task in tasks:
        task.assigned_to_id = cover_target(absence.cover_user_id, task.id in maps, cover_maps)
        task.covering_for_id = absence.user_id
    db.session.flush()
    return tasks


def end_cover(absence_id: int, user: User | None = None) -> int:
    """The person is back: every open task covered for them comes back, except one an SPO gave
    to someone else meanwhile, which stays there (no longer marked as cover). The person is told
    how many came back (the audit event they see on their absences page). Returns how many came
    back (0 if another run had already done it)."""
    table = Absence.__table__
    if not _claim(absence_id, table.c.returned_at, table.c.covered_at.is_not(None)):
        return 0
    absence = db.session.get(Absence, absence_id)
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(Task.covering_for_id == absence.user_id, Task.status == TaskStatus.OPEN)
            .order_by(Task.id)
        )
    )
    back = stayed = 0
    for task in tasks:
        if comes_back(task.assigned_to_id, absence.cover_user_id):
            task.assigned_to_id = absence.user_id
            back += 1
        else:
            stayed += 1
        task.covering_for_id = None
    db.session.flush()
    audit.record(
        "absence_cover_ended",
        "absence",
        absence.id,
        user=user,
        region_id=None if user is not None else _region_of(absence.user_id),
        details={"user_id": absence.user_id, "tasks_back": back, "tasks_stayed": stayed},
    )
    return back


def _region_of(user_id: int) -> int | None:
    return db.session.scalar(select(User.region_id).where(User.id == user_id))


def sweep(today: date) -> tuple[list[int], list[int]]:
    """The absences whose cover should start today, and those whose work should come back."""
    return queries.to_start(today), queries.to_end(today)
