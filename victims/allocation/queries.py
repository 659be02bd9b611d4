"""Reads for allocation: the queue of unallocated work, and the team's VLOs as candidates.

Case facts and workloads come from victims.workforce.queries (their one home); this module only
adds what allocation alone needs: which cases and tasks wait, their next deadline, each VLO's
skills and valid training, who is away, and which open cases share a victim. A fixed number of
statements whatever the size of the team or its caseload.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload

from victims.absences.queries import absent_on
from victims.cases.models import Case, Offender
from victims.domain import deadlines as rules
from victims.domain.allocation import Candidate, CaseToPlace
from victims.domain.needs import Need
from victims.domain.vocabulary import CaseStatus
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.people.models import Person
from victims.staff import queries as staff_queries
from victims.work.models import CaseDeadline, Task
from victims.workforce.peaks import HORIZONS, peaks_for
from victims.workforce.queries import (
    CaseFacts,
    Model,
    VloWorkload,
    current_model,
    facts_for_cases,
    team_workloads,
)

# --- The queue -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCase:
    case_id: int
    offender_name: str
    crn: str
    needs: list[Need]
    points: int
    next_due: date | None
    version: int


@dataclass(frozen=True)
class QueueTask:
    task_id: int
    case_id: int
    title: str
    offender_name: str
    crn: str
    needs: list[Need]
    points: int
    due_on: date


@dataclass(frozen=True)
class Queue:
    cases: list[QueueCase]
    tasks: list[QueueTask]
    # The unallocated cases' facts, for the list's filters (victims.workforce.filters).
    facts: Mapping[int, CaseFacts] = field(default_factory=dict)


def _latest() -> date:
    return date.max


def queue(team_id: int, today: date, model: Model | None = None) -> Queue:
    """The team's unallocated open cases and its open tasks in the team's queue (on allocated
    cases: an unallocated case's tasks go with the case), each by its next deadline."""
    model = model or current_model()
    case_rows = db.session.execute(
        select(Case.id, Case.version, Offender.first_name, Offender.last_name, Offender.crn)
        .join(Offender, Offender.id == Case.offender_id)
        .where(Case.team_id == team_id, Case.status == CaseStatus.OPEN, Case.allocated_vlo_id.is_(None))
    ).all()
    task_rows = db.session.execute(
        select(
            Task.id,
            Task.case_id,
            Task.title,
            CaseDeadline.due_on,
            CaseDeadline.code,
            Offender.first_name,
            Offender.last_name,
            Offender.crn,
        )
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .join(Case, Case.id == Task.case_id)
        .join(Offender, Offender.id == Case.offender_id)
        .where(
            Task.team_id == team_id,
            Task.status == TaskStatus.OPEN,
            Task.assigned_to_id.is_(None),
            Case.status == CaseStatus.OPEN,
            Case.allocated_vlo_id.is_not(None),
        )
    ).all()
    case_ids = [row.id for row in case_rows]
    facts = facts_for_cases(case_ids + [row.case_id for row in task_rows], today, model)
    next_due: dict[int, date] = {}
    if case_ids:
        next_due = dict(
            db.session.execute(
                select(CaseDeadline.case_id, func.min(CaseDeadline.due_on))
                .where(CaseDeadline.case_id.in_(case_ids), CaseDeadline.status == DeadlineStatus.OPEN)
                .group_by(CaseDeadline.case_id)
            ).all()
        )
    cases = [
        QueueCase(
            case_id=row.id,
            offender_name=f"{row.first_name} {row.last_name}",
            crn=row.crn,
            needs=_needs(facts.get(row.id)),
            points=facts[row.id].points.total if row.id in facts else 0,
            next_due=next_due.get(row.id),
            version=row.version,
        )
        for row in case_rows
    ]
    tasks = [
        QueueTask(
            task_id=row.id,
            case_id=row.case_id,
            title=row.title,
            offender_name=f"{row.first_name} {row.last_name}",
            crn=row.crn,
            needs=task_needs(facts.get(row.case_id), row.code),
            points=0,
            due_on=row.due_on,
        )
        for row in task_rows
    ]
    cases.sort(key=lambda c: (c.next_due or _latest(), c.case_id))
    tasks.sort(key=lambda t: (t.due_on, t.task_id))
    waiting = {case_id: facts[case_id] for case_id in case_ids if case_id in facts}
    return Queue(cases=cases, tasks=tasks, facts=waiting)


def _needs(fact: CaseFacts | None) -> list[Need]:
    return [need for need in Need if fact is not None and need in fact.needs]


def task_needs(fact: CaseFacts | None, code: str) -> list[Need]:
    """A task's needs: its case's, and mapping for a zone-map task."""
    needs = set(_needs(fact))
    if code == rules.ZONE_MAP:
        needs.add(Need.MAPPING)
    return [need for need in Need if need in needs]


# --- Candidates ------------------------------------------------------------------------------------


def victim_links(case_ids: Iterable[int], team_id: int) -> dict[int, frozenset[int]]:
    """For each of these cases, the team's other open cases with the same person on them (the
    same first name, last name and date of birth). Only ids leave this function."""
    chosen = list(case_ids)
    if not chosen:
        return {}
    mine, theirs = aliased(Person), aliased(Person)
    rows = db.session.execute(
        select(mine.case_id, theirs.case_id)
        .join(
            theirs,
            and_(
                func.lower(theirs.last_name) == func.lower(mine.last_name),
                func.lower(theirs.first_name) == func.lower(mine.first_name),
                theirs.date_of_birth == mine.date_of_birth,
                theirs.case_id != mine.case_id,
            ),
        )
        .join(Case, Case.id == theirs.case_id)
        .where(mine.case_id.in_(chosen), Case.team_id == team_id, Case.status == CaseStatus.OPEN)
    ).all()
    found: dict[int, set[int]] = defaultdict(set)
    for case_id, other in rows:
        found[case_id].add(other)
    return {case_id: frozenset(others) for case_id, others in found.items()}


@dataclass(frozen=True)
class Team:
    """The team's VLOs as candidates, with their workloads (for the capacity tables)."""

    candidates: list[Candidate]
    workloads: list[VloWorkload]

    def by_id(self) -> dict[int, Candidate]:
        return {candidate.user_id: candidate for candidate in self.candidates}


def team_candidates(
    team_id: int, today: date, model: Model | None = None, *, leaving: int | None = None
) -> Team:
    """Every active VLO of the team (but the one leaving) as the ranking sees them."""
    model = model or current_model()
    workloads = [w for w in team_workloads(team_id, today, model) if w.user_id != leaving]
    ids = [w.user_id for w in workloads]
    held = staff_queries.skills_and_courses(ids, today)
    peaks = peaks_for({fact.case_id: fact for w in workloads for fact in w.cases}, today)
    away = absent_on(ids, today)
    candidates = [
        Candidate(
            user_id=w.user_id,
            name=w.name,
            skills=held[w.user_id][0],
            courses=held[w.user_id][1],
            used_points=w.workload.points,
            available_points=w.workload.available.points,
            cases=w.workload.cases,
            peaks=peaks[w.user_id].count(HORIZONS[0]),
            case_ids=frozenset(fact.case_id for fact in w.cases),
            offender_ids=frozenset(fact.offender_id for fact in w.cases),
            away=w.user_id in away,
            away_until=away[w.user_id].ends_on if w.user_id in away else None,
        )
        for w in workloads
    ]
    return Team(candidates=candidates, workloads=workloads)


def to_place(
    facts: Mapping[int, CaseFacts],
    links: Mapping[int, frozenset[int]],
    extra: Mapping[int, Iterable[Need]] = {},
) -> dict[int, CaseToPlace]:
    """Cases as the ranking sees them (extra: needs a task adds to its case's)."""
    return {
        case_id: CaseToPlace(
            case_id=case_id,
            needs=fact.needs | frozenset(extra.get(case_id, ())),
            points=fact.points.total,
            offender_id=fact.offender_id,
            terrorism=fact.terrorism,
            victim_case_ids=links.get(case_id, frozenset()),
        )
        for case_id, fact in facts.items()
    }


def open_cases_of(user_id: int, team_id: int) -> list[int]:
    """The ids of a VLO's open cases in the team, oldest first."""
    return list(
        db.session.scalars(
            select(Case.id)
            .where(Case.allocated_vlo_id == user_id, Case.team_id == team_id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id)
        )
    )


def cases_for_plan(case_ids: Iterable[int], team_id: int) -> list[Case]:
    """The team's open cases among these ids, with their offender (for the plan's rows)."""
    return list(
        db.session.scalars(
            select(Case)
            .options(joinedload(Case.offender))
            .where(Case.id.in_(list(case_ids)), Case.team_id == team_id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id)
        )
    )
