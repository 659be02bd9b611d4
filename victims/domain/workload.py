"""The VLO workload model (issue 14, item 1; SPEC §8).

Adapted from the Workload Measurement Tool offender managers use: each open case weighs points
by its stage, more for each further victim or family member and for what makes it harder; active
work items (a licence-condition request in progress, an exclusion-zone map, a parole victim
personal statement) add their own. A VLO's available points are

    target × (contracted hours ÷ standard hours) × ((contracted hours − reductions) ÷ contracted hours)

and capacity is used points ÷ available points. Every number carries the lines that made it, so
the screen can show how it was made.

The numbers (the `Weights`) are configuration, versioned and audited, set by national
administrators; `DEFAULT_WEIGHTS` is version 1. Pure rules: today and the facts are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from victims.domain.deadlines import add_months
from victims.domain.needs import Need
from victims.domain.vocabulary import Labelled

CASELOAD_LOW = 250
CASELOAD_HIGH = 350
STANDARD_HOURS = Decimal("37")
# Release more than this far away: the case is quiet ("in custody").
QUIET_CUSTODY_MONTHS = 12
# The pre-release window opens this many months before the earliest release date (SPEC §5).
PRE_RELEASE_MONTHS = 6


class Stage(Labelled):
    """Where the case is in the sentence, which sets its base points."""

    CUSTODY = "custody", "In custody, release more than 12 months away"
    CUSTODY_NEAR = "custody_near", "In custody, release within 12 months"
    PRE_RELEASE = "pre_release", "Pre-release window open"
    PAROLE = "parole", "Parole review active"
    LICENCE = "licence", "On licence"
    CLOSURE_DUE = "closure_due", "Closure due"


class WorkItem(Labelled):
    CONDITION_REQUEST = "condition_request", "Licence-condition request in progress"
    ZONE_MAP = "zone_map", "Exclusion-zone map"
    PAROLE_VPS = "parole_vps", "Parole victim personal statement"


# In the vocabulary's order, once (iterating an Enum is slow, and every case's points do it).
_WORK_ITEMS: tuple[WorkItem, ...] = tuple(WorkItem)


class Band(Labelled):
    BELOW = "below", "Below 250 cases"
    WITHIN = "within", "250 to 350 cases"
    ABOVE = "above", "Above 350 cases"


class ReductionKind(Labelled):
    PART_TIME = "part_time", "Part-time working pattern"
    TRAINING = "training", "Training"
    UNION_DUTIES = "union_duties", "Union duties"
    PHASED_RETURN = "phased_return", "Phased return"
    OTHER = "other", "Other"


# The case needs that add complexity points (the rest ask for a skill but weigh nothing extra).
COMPLEXITY_NEEDS: tuple[Need, ...] = (
    Need.BEREAVED,
    Need.CHILD_VICTIMS,
    Need.RESTRICTED_PATIENTS,
    Need.WELSH,
    Need.INTERPRETER,
    Need.HIGH_PROFILE,
)


@dataclass(frozen=True)
class Weights:
    """The model's numbers: one version of the configuration."""

    stage_points: Mapping[Stage, int] = field(
        default_factory=lambda: {
            Stage.CUSTODY: 4,
            Stage.CUSTODY_NEAR: 6,
            Stage.PRE_RELEASE: 14,
            Stage.PAROLE: 16,
            Stage.LICENCE: 6,
            Stage.CLOSURE_DUE: 3,
        }
    )
    additional_person: int = 2
    need_points: Mapping[Need, int] = field(
        default_factory=lambda: {
            Need.BEREAVED: 4,
            Need.CHILD_VICTIMS: 3,
            Need.RESTRICTED_PATIENTS: 4,
            Need.WELSH: 2,
            Need.INTERPRETER: 3,
            Need.HIGH_PROFILE: 5,
        }
    )
    item_points: Mapping[WorkItem, int] = field(
        default_factory=lambda: {
            WorkItem.CONDITION_REQUEST: 4,
            WorkItem.ZONE_MAP: 6,
            WorkItem.PAROLE_VPS: 5,
        }
    )
    # Points a full-time VLO (standard hours, no reductions) can carry: 300 cases of the usual
    # mix (about 8 points a case) is 100%, so SPEC §8's band runs from about 83% (250) to 117% (350).
    target_points: int = 2400
    standard_hours: Decimal = STANDARD_HOURS

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the database (enum keys as their values, hours as a string)."""
        return {
            "stage_points": {stage.value: self.stage_points[stage] for stage in Stage},
            "additional_person": self.additional_person,
            "need_points": {need.value: self.need_points.get(need, 0) for need in COMPLEXITY_NEEDS},
            "item_points": {item.value: self.item_points[item] for item in WorkItem},
            "target_points": self.target_points,
            "standard_hours": str(self.standard_hours),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        """Read a stored version; a number missing (an older version) takes the default."""
        default = cls()
        stages = data.get("stage_points", {})
        needs = data.get("need_points", {})
        items = data.get("item_points", {})
        return cls(
            stage_points={s: int(stages.get(s.value, default.stage_points[s])) for s in Stage},
            additional_person=int(data.get("additional_person", default.additional_person)),
            need_points={n: int(needs.get(n.value, default.need_points[n])) for n in COMPLEXITY_NEEDS},
            item_points={i: int(items.get(i.value, default.item_points[i])) for i in WorkItem},
            target_points=int(data.get("target_points", default.target_points)),
            standard_hours=Decimal(str(data.get("standard_hours", default.standard_hours))),
        )

    def changed_from(self, other: Weights) -> dict[str, tuple[Any, Any]]:
        """The numbers that differ from another version, by a readable key: for the audit."""
        mine, theirs = self.to_json(), other.to_json()
        changes: dict[str, tuple[Any, Any]] = {}
        for key in mine:
            if isinstance(mine[key], dict):
                for sub, value in mine[key].items():
                    if theirs[key].get(sub) != value:
                        changes[f"{key}.{sub}"] = (theirs[key].get(sub), value)
            elif mine[key] != theirs[key]:
                changes[key] = (theirs[key], mine[key])
        return changes


DEFAULT_WEIGHTS = Weights()


def check_weights(weights: Weights) -> dict[str, str]:
    """Errors by field name (the keys of `Weights.to_json`, dotted): empty when it can be used."""
    errors: dict[str, str] = {}
    for stage, points in weights.stage_points.items():
        if not 0 <= points <= 100:
            errors[f"stage_points.{stage.value}"] = f"Points for ‘{stage.label}’ must be between 0 and 100"
    for need, points in weights.need_points.items():
        if not 0 <= points <= 100:
            errors[f"need_points.{need.value}"] = f"Points for ‘{need.label}’ must be between 0 and 100"
    for item, points in weights.item_points.items():
        if not 0 <= points <= 100:
            errors[f"item_points.{item.value}"] = f"Points for ‘{item.label}’ must be between 0 and 100"
    if not 0 <= weights.additional_person <= 100:
        errors["additional_person"] = "Points for each further person must be between 0 and 100"
    if not 100 <= weights.target_points <= 100_000:
        errors["target_points"] = "The target must be between 100 and 100,000 points"
    if not Decimal(1) <= weights.standard_hours <= Decimal(60):
        errors["standard_hours"] = "Standard hours must be between 1 and 60"
    return errors


# --- Stage -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFacts:
    """The dates and states a case's stage is read from."""

    earliest_release: date | None  # the earliest of CRD, PED and HDCED (None: not known)
    released_on: date | None = None  # a recorded release (None: not recorded)
    sentence_ends: date | None = None  # the latest of LED, SED and TUSED
    parole_review_active: bool = False  # a review listed and not yet decided
    closure_review_open: bool = False  # a "review the case for closure" task open
    in_community: bool = False  # a community sentence or hospital order with no release date


def stage_on(facts: StageFacts, on: date) -> Stage:
    """The stage on a day. Closure due wins (the work left is closing); then an active parole
    review; then release (on licence); then the pre-release window; then custody."""
    if facts.closure_review_open or (facts.sentence_ends is not None and facts.sentence_ends < on):
        return Stage.CLOSURE_DUE
    if facts.parole_review_active:
        return Stage.PAROLE
    released = facts.released_on is not None and facts.released_on <= on
    due = facts.earliest_release is not None and facts.earliest_release <= on
    if released or due or facts.in_community:
        return Stage.LICENCE
    if facts.earliest_release is None:
        return Stage.CUSTODY
    if add_months(facts.earliest_release, -PRE_RELEASE_MONTHS) <= on:
        return Stage.PRE_RELEASE
    if add_months(facts.earliest_release, -QUIET_CUSTODY_MONTHS) <= on:
        return Stage.CUSTODY_NEAR
    return Stage.CUSTODY


# --- A case's points -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of an explanation: what, how many, the points each, the points."""

    label: str
    count: int
    each: int

    @property
    def points(self) -> int:
        return self.count * self.each


@dataclass(frozen=True)
class CaseLoad:
    """The facts of one open case the model weighs."""

    case_id: int
    stage: Stage
    people: int  # victims and family members on the case (not opted out)
    needs: frozenset[Need] = frozenset()
    items: Mapping[WorkItem, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CasePoints:
    case_id: int
    stage: Stage
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)


def case_points(case: CaseLoad, weights: Weights) -> CasePoints:
    lines = [Line(f"Stage: {case.stage.label}", 1, weights.stage_points[case.stage])]
    if case.people > 1:
        lines.append(Line("Each further victim or family member", case.people - 1, weights.additional_person))
    for need in COMPLEXITY_NEEDS:
        if need in case.needs:
            lines.append(Line(need.label, 1, weights.need_points[need]))
    for item in _WORK_ITEMS:
        if count := case.items.get(item, 0):
            lines.append(Line(item.label, count, weights.item_points[item]))
    return CasePoints(case.case_id, case.stage, tuple(lines))


# --- Available points ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reduction:
    """Hours a week taken off a VLO's case work for a while (ends_on None: open-ended)."""

    kind: ReductionKind
    hours: Decimal
    starts_on: date
    ends_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Available:
    points: int
    target: int
    contracted_hours: Decimal
    standard_hours: Decimal
    reduction_hours: Decimal
    reductions: tuple[Reduction, ...]

    @property
    def lines(self) -> list[str]:
        words = [
            f"Target for a full-time VLO: {self.target:,} points",
            "× contracted hours ÷ standard hours: "
            f"{_hours(self.contracted_hours)} ÷ {_hours(self.standard_hours)}",
        ]
        if self.reductions:
            names = ", ".join(f"{r.kind.label} {_hours(r.hours)}" for r in self.reductions)
            words.append(
                f"× (contracted hours − reductions) ÷ contracted hours: "
                f"({_hours(self.contracted_hours)} − {_hours(self.reduction_hours)}) ÷ "
                f"{_hours(self.contracted_hours)} ({names})"
            )
        words.append(f"= {self.points:,} points")
        return words


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f} hours" if value != 1 else "1 hour"


def available_points(
    contracted_hours: Decimal, reductions: Iterable[Reduction], on: date, weights: Weights
) -> Available:
    """The points a VLO can carry on a day; reductions beyond the contracted hours leave none."""
    active = tuple(r for r in reductions if r.active_on(on))
    reduced = min(sum((r.hours for r in active), Decimal(0)), contracted_hours)
    if contracted_hours <= 0:
        points = Decimal(0)
    else:
        points = (
            Decimal(weights.target_points)
            * (contracted_hours / weights.standard_hours)
            * ((contracted_hours - reduced) / contracted_hours)
        )
    return Available(
        points=int(points.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        target=weights.target_points,
        contracted_hours=contracted_hours,
        standard_hours=weights.standard_hours,
        reduction_hours=reduced,
        reductions=active,
    )


def capacity_percent(points: int, available: int) -> int | None:
    """Used ÷ available as a whole percentage; None when nothing is available (say "no capacity")."""
    if available <= 0:
        return None
    return int((Decimal(points) * 100 / Decimal(available)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band(cases: int) -> Band:
    """SPEC §8's band: 250 and 350 are both inside it."""
    if cases < CASELOAD_LOW:
        return Band.BELOW
    if cases > CASELOAD_HIGH:
        return Band.ABOVE
    return Band.WITHIN


# --- A VLO's workload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    user_id: int
    cases: int
    people: int
    points: int
    available: Available
    by_stage: Mapping[Stage, tuple[int, int]]  # stage -> (cases, points)
    by_item: Mapping[WorkItem, tuple[int, int]]  # item -> (count, points)

    @property
    def capacity(self) -> int | None:
        return capacity_percent(self.points, self.available.points)

    @property
    def band(self) -> Band:
        return band(self.cases)

    def after(self, extra_points: int, extra_cases: int = 1) -> int | None:
        """Capacity % after taking on more work."""
        return capacity_percent(self.points + extra_points, self.available.points)


def workload(
    user_id: int,
    cases: Iterable[CaseLoad],
    contracted_hours: Decimal,
    reductions: Iterable[Reduction],
    on: date,
    weights: Weights,
    scored: Mapping[int, CasePoints] | None = None,
) -> Workload:
    """`scored`: cases' points already worked out with the same weights, by case id (reused)."""
    by_stage: dict[Stage, list[int]] = {}
    by_item: dict[WorkItem, list[int]] = {}
    count = people = total = 0
    known = scored or {}
    for case in cases:
        points = known.get(case.case_id)
        scored_case = points if points is not None else case_points(case, weights)
        count += 1
        people += case.people
        total += scored_case.total
        entry = by_stage.setdefault(case.stage, [0, 0])
        entry[0] += 1
        entry[1] += scored_case.total
        for item, number in case.items.items():
            if number:
                got = by_item.setdefault(item, [0, 0])
                got[0] += number
                got[1] += number * weights.item_points[item]
    return Workload(
        user_id=user_id,
        cases=count,
        people=people,
        points=total,
        available=available_points(contracted_hours, reductions, on, weights),
        by_stage={stage: (v[0], v[1]) for stage, v in by_stage.items()},
        by_item={item: (v[0], v[1]) for item, v in by_item.items()},
    )


# --- Projection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectedCase:
    """A case as the projection sees it: its load today and the dates its stage moves on."""

    load: CaseLoad
    stage_facts: StageFacts


def project_points(
    cases: Iterable[ProjectedCase], start: date, weights: Weights, weeks: int = 12
) -> list[tuple[date, int]]:
    """Points week by week (the Monday of each week from `start`'s week), re-reading each case's
    stage on that day; needs and work items are held as they are today."""
    monday = start - timedelta(days=start.weekday())
    chosen = list(cases)
    points: list[tuple[date, int]] = []
    for week in range(weeks):
        day = max(monday + timedelta(weeks=week), start)
        total = 0
        for case in chosen:
            moved = replace(case.load, stage=stage_on(case.stage_facts, day))
            total += case_points(moved, weights).total
        points.append((monday + timedelta(weeks=week), total))
    return points


def weight_names() -> list[str]:
    """The dotted keys of every number in the model, in order (for forms and the calibration)."""
    names: list[str] = []
    for key, value in DEFAULT_WEIGHTS.to_json().items():
        if isinstance(value, dict):
            names.extend(f"{key}.{sub}" for sub in value)
        else:
            names.append(key)
    return names
