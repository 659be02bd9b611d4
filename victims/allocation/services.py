"""Allocating from the suggestions: one case, one task, or a plan of many cases all or nothing.

The writes themselves stay where they always were (victims.cases.services.allocate and
victims.work.services.assign); this module checks what allocation adds: choosing a VLO who lacks
a needed skill or training, or who would go above 100% capacity, needs a reason, and the audit
event is flagged with what was overridden (codes and percentages only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from victims.audit import services as audit
from victims.cases import services as cases
from victims.cases.models import Case
from victims.domain.allocation import Suggestion
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.work import services as work
from victims.work.models import Task


def why_reason(suggestion: Suggestion) -> str:
    """What the SPO must give a reason for, in words ("Enter why … : no Welsh skill"): only the
    first letter is lowered, so names of skills ("Welsh") keep their capitals."""
    words = suggestion.words
    return f"Enter why you are choosing {suggestion.candidate.name}: {words[:1].lower()}{words[1:]}"


def _check(suggestion: Suggestion | None, reason: str, field: str = "reason") -> dict | None:
    if suggestion is None:
        raise Refused("Choose a victim liaison officer in this team", field="vlo")
    if suggestion.needs_reason and not reason.strip():
        raise Refused(why_reason(suggestion), field=field)
    return suggestion.overridden() or None


def allocate_case(case: Case, vlo: User, suggestion: Suggestion | None, reason: str, user: User) -> None:
    overridden = _check(suggestion, reason)
    cases.allocate(case, vlo, reason.strip() or None, user, overridden=overridden)


def assign_task(task: Task, vlo: User, suggestion: Suggestion | None, reason: str, user: User) -> None:
    overridden = _check(suggestion, reason)
    work.assign(task, vlo, user, reason=reason.strip() or None, overridden=overridden)


@dataclass(frozen=True)
class Row:
    """One case of a plan as the SPO confirmed it."""

    case: Case
    vlo: User | None
    suggestion: Suggestion | None
    reason: str


class PlanRefused(Exception):
    """Nothing was allocated: the message for each case that could not be."""

    def __init__(self, errors: Mapping[int, str]):
        super().__init__(f"{len(errors)} cases could not be allocated")
        self.errors = dict(errors)


def apply_plan(rows: Sequence[Row], user: User, *, leaving: User | None = None) -> int:
    """Allocate every row, or none: any refusal undoes the rest and says which row and why.
    Rebalancing (`leaving`) adds one summary event besides the one per case."""
    errors: dict[int, str] = {}
    for row in rows:
        if row.vlo is None:
            errors[row.case.id] = "Choose a victim liaison officer"
            continue
        try:
            _check(row.suggestion, row.reason)
        except Refused as refused:
            errors[row.case.id] = refused.message
    if errors:
        raise PlanRefused(errors)
    moved = 0
    try:
        with db.session.begin_nested():
            for row in rows:
                assert row.vlo is not None and row.suggestion is not None
                if row.case.allocated_vlo_id == row.vlo.id:
                    errors[row.case.id] = f"The case is already allocated to {row.vlo.name}"
                    continue
                try:
                    cases.allocate(
                        row.case,
                        row.vlo,
                        row.reason.strip() or None,
                        user,
                        overridden=row.suggestion.overridden() or None,
                    )
                except Refused as refused:
                    errors[row.case.id] = refused.message
                else:
                    moved += 1
            if errors:
                raise PlanRefused(errors)
            if leaving is not None:
                audit.record(
                    "caseload_rebalanced",
                    "user",
                    leaving.id,
                    region_id=leaving.region_id,
                    details={
                        "cases": moved,
                        "to_user_ids": sorted({row.vlo.id for row in rows if row.vlo is not None}),
                    },
                    user=user,
                )
    except PlanRefused:
        db.session.expire_all()  # the rolled-back rows read again as they are saved
        raise
    return moved
