"""Reads of absences: who is away on a day, and with whom covering; a team's and a person's
absences; the absences whose cover should start or end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from victims.audit.models import AuditEvent
from victims.domain.cover import AbsenceKind, Days, When, when
from victims.domain.vocabulary import Role
from victims.domain.work import TaskStatus
from victims.extensions import db
from victims.staff.models import Absence, User
from victims.work.models import Task


def absent_on(user_ids: Iterable[int], day: date) -> dict[int, Absence]:
    """The absence (not cancelled) each of these users is on during the day, if any."""
    chosen = list(user_ids)
    if not chosen:
        return {}
    records = db.session.scalars(
        select(Absence)
        .where(
            Absence.user_id.in_(chosen),
            Absence.cancelled_at.is_(None),
            Absence.starts_on <= day,
            or_(Absence.ends_on.is_(None), Absence.ends_on >= day),
        )
        .order_by(Absence.starts_on)
    )
    return {record.user_id: record for record in records}


def days_of(user_ids: Iterable[int], *, leaving_out: int | None = None) -> dict[int, list[Days]]:
    """Each user's absences (not cancelled) as days, for the overlap checks; one absence can
    be left out (the one being changed)."""
    chosen = list(user_ids)
    found: dict[int, list[Days]] = {user_id: [] for user_id in chosen}
    if not chosen:
        return found
    statement = select(Absence.user_id, Absence.starts_on, Absence.ends_on).where(
        Absence.user_id.in_(chosen), Absence.cancelled_at.is_(None)
    )
    if leaving_out is not None:
        statement = statement.where(Absence.id != leaving_out)
    for user_id, starts_on, ends_on in db.session.execute(statement):
        found[user_id].append(Days(starts_on, ends_on))
    return found


@dataclass(frozen=True)
class AbsenceRow:
    id: int
    user_id: int
    name: str
    kind: AbsenceKind
    starts_on: date
    ends_on: date | None
    cover_user_id: int | None
    cover_name: str | None
    when: When
    covered: bool
    returned: bool
    # Open tasks being covered for this person now (0 when not away).
    tasks_covered: int

    @property
    def kind_label(self) -> str:
        return AbsenceKind(self.kind).label

    @property
    def cover_words(self) -> str:
        return self.cover_name or "The team’s queue"


def _rows(statement, today: date) -> list[AbsenceRow]:
    cover = aliased(User)
    covered_tasks = (
        select(func.count())
        .select_from(Task)
        .where(Task.covering_for_id == Absence.user_id, Task.status == TaskStatus.OPEN)
        .correlate(Absence)
        .scalar_subquery()
    )
    rows = db.session.execute(
        statement.add_columns(User.name, cover.name, covered_tasks)
        .join(User, User.id == Absence.user_id)
        .outerjoin(cover, cover.id == Absence.cover_user_id)
    ).all()
    found = []
    for absence, name, cover_name, tasks in rows:
        days = Days(absence.starts_on, absence.ends_on)
        state = when(days, today, absence.cancelled_at is not None)
        found.append(
            AbsenceRow(
                id=absence.id,
                user_id=absence.user_id,
                name=name,
                kind=AbsenceKind(absence.kind),
                starts_on=absence.starts_on,
                ends_on=absence.ends_on,
                cover_user_id=absence.cover_user_id,
                cover_name=cover_name,
                when=state,
                covered=absence.covered_at is not None,
                returned=absence.returned_at is not None,
                tasks_covered=tasks if state == When.CURRENT else 0,
            )
        )
    return found


def for_team(team_id: int, today: date) -> dict[When, list[AbsenceRow]]:
    """The team's absences (not cancelled): away now, planned, and back (the latest first).
    One statement whatever the team's size."""
    statement = (
        select(Absence)
        .join(User, User.id == Absence.user_id)
        .where(User.team_id == team_id, Absence.cancelled_at.is_(None))
        .order_by(Absence.starts_on.desc(), Absence.id.desc())
    )
    grouped: dict[When, list[AbsenceRow]] = {When.CURRENT: [], When.PLANNED: [], When.PAST: []}
    for row in _rows(select(Absence).where(Absence.id.in_(statement.with_only_columns(Absence.id))), today):
        grouped[row.when].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda row: (row.starts_on, row.id), reverse=True)
    grouped[When.PLANNED].reverse()  # the soonest first
    return grouped


def for_user(user_id: int, today: date) -> list[AbsenceRow]:
    """A person's own absences (not cancelled), latest first."""
    statement = select(Absence).where(Absence.user_id == user_id, Absence.cancelled_at.is_(None))
    return sorted(_rows(statement, today), key=lambda row: (row.starts_on, row.id), reverse=True)


def covering(user_id: int) -> int:
    """How many open tasks this person holds for someone who is away."""
    return db.session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.assigned_to_id == user_id, Task.covering_for_id.is_not(None), Task.status == TaskStatus.OPEN
        )
    )


def absence_for_spo(absence_id: int, user: User) -> Absence:
    """An absence of a VLO of the SPO's team (another team's is not found)."""
    absence = db.session.get(Absence, absence_id)
    if absence is None or user.role != Role.SPO or user.team_id is None:
        abort(404)
    person = db.session.get(User, absence.user_id)
    if person is None or person.team_id != user.team_id or absence.cancelled_at is not None:
        abort(404)
    return absence


def to_start(today: date) -> list[int]:
    """Absences running today whose cover has not started (the daily sweep)."""
    return list(
        db.session.scalars(
            select(Absence.id)
            .where(
                Absence.cancelled_at.is_(None),
                Absence.covered_at.is_(None),
                Absence.returned_at.is_(None),
                Absence.starts_on <= today,
                or_(Absence.ends_on.is_(None), Absence.ends_on >= today),
            )
            .order_by(Absence.id)
        )
    )


def to_end(today: date) -> list[int]:
    """Absences whose last day has passed and whose work has not come back (the daily sweep)."""
    return list(
        db.session.scalars(
            select(Absence.id)
            .where(
                Absence.cancelled_at.is_(None),
                Absence.covered_at.is_not(None),
                Absence.returned_at.is_(None),
                Absence.ends_on < today,
            )
            .order_by(Absence.id)
        )
    )


@dataclass(frozen=True)
class Return:
    """The notice a VLO gets on return: when, and how many tasks came back to them."""

    at: datetime
    tasks_back: int
    tasks_stayed: int


def returns_for(user_id: int, limit: int = 5) -> list[Return]:
    """The latest returns from absence of this person, newest first, from the audit trail the
    return wrote (absences.services.end_cover)."""
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.details)
        .join(Absence, Absence.id == AuditEvent.record_id)
        .where(
            AuditEvent.action == "absence_cover_ended",
            AuditEvent.record_type == "absence",
            Absence.user_id == user_id,
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        Return(at, int((details or {}).get("tasks_back", 0)), int((details or {}).get("tasks_stayed", 0)))
        for at, details in rows
    ]
