"""Reads of the calibration: whether a piece of work is a case's, and the recorded time over a
period against the model's points, by case stage and by kind of work, with what the fit needs.
A fixed number of statements whatever the number of records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, func, select, true

from victims.cases.models import Case, ContactLogEntry
from victims.domain.calibration import CaseMinutes, TimeKind
from victims.domain.vocabulary import Role
from victims.domain.workload import Stage, Weights, case_points
from victims.extensions import db
from victims.letters.models import Letter
from victims.prerelease.models import ConditionRequest, ExclusionZone
from victims.staff.models import User
from victims.work.models import Task
from victims.workforce.models import TimeRecord
from victims.workforce.queries import facts_for_cases

# The table holding each kind of work, for checking that an item is the case's.
ITEMS = {
    TimeKind.CONTACT: ContactLogEntry,
    TimeKind.LETTER: Letter,
    TimeKind.TASK: Task,
    TimeKind.CONDITION_REQUEST: ConditionRequest,
    TimeKind.ZONE_MAP: ExclusionZone,
}


def item_of_case(kind: TimeKind, item_id: int | None, case_id: int) -> bool:
    """Whether the contact, letter, task, request or map is the case's (no item: other work)."""
    model = ITEMS.get(kind)
    if model is None:
        return item_id is None
    if item_id is None:
        return False
    return db.session.scalar(select(model.case_id).where(model.id == item_id)) == case_id


def may_read(user: User) -> bool:
    """National administrators, regional administrators and managers (for their region)."""
    return user.role in (Role.ADMIN, Role.MANAGER)


def _scope(user: User) -> ColumnElement[bool]:
    if user.national:
        return true()
    return Case.region_id == user.region_id


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    cases: int
    records: int
    minutes: int
    points: int

    @property
    def minutes_per_point(self) -> float | None:
        return self.minutes / self.points if self.points else None


@dataclass(frozen=True)
class KindRow:
    kind: TimeKind
    cases: int
    records: int
    minutes: int

    @property
    def average(self) -> float:
        return self.minutes / self.records if self.records else 0.0


@dataclass(frozen=True)
class Report:
    by_stage: list[StageRow]
    by_kind: list[KindRow]
    cases: list[CaseMinutes]  # for the fit: one a case and stage, with the case's facts
    records: int
    minutes: int
    left_out: int  # records on cases no longer open (the model weighs only open cases)


def report(user: User, starts_on: date, ends_on: date, today: date, weights: Weights) -> Report:
    """Recorded minutes over the period (days inclusive) in the user's scope, by case and the
    stage the case was in when the time was recorded."""
    rows = db.session.execute(
        select(
            TimeRecord.case_id,
            TimeRecord.stage,
            TimeRecord.kind,
            func.count(TimeRecord.id),
            func.sum(TimeRecord.minutes),
        )
        .join(Case, Case.id == TimeRecord.case_id)
        .where(TimeRecord.worked_on >= starts_on, TimeRecord.worked_on <= ends_on, _scope(user))
        .group_by(TimeRecord.case_id, TimeRecord.stage, TimeRecord.kind)
    ).all()
    facts = facts_for_cases({row[0] for row in rows}, today)
    per_case: dict[tuple[int, Stage], list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[TimeKind, list] = defaultdict(lambda: [set(), 0, 0])
    left_out = records = minutes = 0
    for case_id, stage, kind, count, total in rows:
        total = int(total or 0)
        records, minutes = records + count, minutes + total
        entry = kinds[TimeKind(kind)]
        entry[0].add(case_id)
        entry[1] += count
        entry[2] += total
        if case_id not in facts:
            left_out += count
            continue
        got = per_case[(case_id, Stage(stage))]
        got[0] += total
        got[1] += count
    cases = [
        CaseMinutes(replace(facts[case_id].load, stage=stage), got[0], got[1])
        for (case_id, stage), got in sorted(per_case.items())
    ]
    stages: dict[Stage, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case in cases:
        entry = stages[case.load.stage]
        entry[0] += 1
        entry[1] += case.records
        entry[2] += case.minutes
        entry[3] += case_points(case.load, weights).total
    return Report(
        by_stage=[StageRow(stage, *stages[stage]) for stage in Stage if stage in stages],
        by_kind=[
            KindRow(kind, len(kinds[kind][0]), kinds[kind][1], kinds[kind][2])
            for kind in TimeKind
            if kind in kinds
        ],
        cases=cases,
        records=records,
        minutes=minutes,
        left_out=left_out,
    )
