"""Calibration of the workload model (issue 14, item 7): the minutes VLOs record against what
the model's points say, by case stage and kind of work.

Pure rules: the recorded minutes and the model's weights are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from victims.domain.vocabulary import Labelled
from victims.domain.workload import COMPLEXITY_NEEDS, CaseLoad, Stage, Weights, WorkItem

# The one-click amounts, in minutes; any other whole number of minutes may be typed.
QUICK_MINUTES: tuple[int, ...] = (5, 15, 30, 60)
MAX_MINUTES = 8 * 60


class TimeKind(Labelled):
    CONTACT = "contact", "Contact"
    LETTER = "letter", "Letter"
    TASK = "task", "Task"
    CONDITION_REQUEST = "condition_request", "Licence-condition request"
    ZONE_MAP = "zone_map", "Exclusion-zone map"
    OTHER = "other", "Other case work"


# --- The fit -------------------------------------------------------------------------------------

# Below these, the report says there is too little recorded time to fit anything.
MIN_CASES = 20
MIN_RECORDS = 50


@dataclass(frozen=True)
class CaseMinutes:
    """One case (at one stage) in the fit: the model's facts and the minutes recorded on it."""

    load: CaseLoad
    minutes: int
    records: int


@dataclass(frozen=True)
class Feature:
    """One number of the model the fit can suggest: its dotted key (Weights.to_json), its label,
    and how many of it a case has."""

    key: str
    label: str

    def count(self, load: CaseLoad) -> int:
        group, _, name = self.key.partition(".")
        if group == "stage_points":
            return int(load.stage.value == name)
        if group == "additional_person":
            return max(load.people - 1, 0)
        if group == "need_points":
            return int(any(need.value == name for need in load.needs))
        return sum(count for item, count in load.items.items() if item.value == name)

    def current(self, weights: Weights) -> int:
        group, _, name = self.key.partition(".")
        value = weights.to_json()[group]
        return int(value[name]) if name else int(value)


FEATURES: tuple[Feature, ...] = (
    *(Feature(f"stage_points.{stage.value}", f"Stage: {stage.label}") for stage in Stage),
    Feature("additional_person", "Each further victim or family member"),
    *(Feature(f"need_points.{need.value}", need.label) for need in COMPLEXITY_NEEDS),
    *(Feature(f"item_points.{item.value}", item.label) for item in WorkItem),
)


@dataclass(frozen=True)
class Suggestion:
    feature: Feature
    current: int
    minutes: float | None  # the fitted minutes for one of it (None: no case had it)
    suggested: int  # points, scaled; the current number when it could not be fitted


@dataclass(frozen=True)
class Fit:
    cases: int
    records: int
    minutes: int
    r2: float | None
    scale: float  # points per fitted minute
    suggestions: tuple[Suggestion, ...]
    too_few: str | None = None  # why no fit was made

    @property
    def fitted(self) -> bool:
        return self.too_few is None

    def weights(self, current: Weights) -> Weights:
        """The current weights with the suggested numbers in place (target and hours unchanged)."""
        data = current.to_json()
        for suggestion in self.suggestions:
            group, _, name = suggestion.feature.key.partition(".")
            if name:
                data[group][name] = suggestion.suggested
            else:
                data[group] = suggestion.suggested
        return Weights.from_json(data)

    def summary(self) -> dict[str, Any]:
        """What is kept with an adopted version of the model."""
        return {
            "r2": None if self.r2 is None else round(self.r2, 4),
            "cases": self.cases,
            "records": self.records,
            "minutes": self.minutes,
        }


def least_squares(rows: Sequence[Sequence[float]], values: Sequence[float]) -> list[float | None]:
    """The coefficients b minimising |Xb − y|², by the normal equations (XᵀX b = Xᵀy) solved with
    partial pivoting. A column that cannot be told apart from the others (never present, or a
    combination of others) gets None, and the rest are fitted without it."""
    width = len(rows[0]) if rows else 0
    gram = [[sum(row[i] * row[j] for row in rows) for j in range(width)] for i in range(width)]
    moment = [sum(row[i] * value for row, value in zip(rows, values, strict=True)) for i in range(width)]
    scale = max((abs(gram[i][i]) for i in range(width)), default=0.0) or 1.0
    matrix = [gram[i][:] + [moment[i]] for i in range(width)]
    pivots: list[int] = []  # the column each row of the reduced matrix solves
    row_at = 0
    for column in range(width):
        best = max(range(row_at, width), key=lambda r: abs(matrix[r][column]), default=None)
        if best is None or abs(matrix[best][column]) <= 1e-9 * scale:
            continue  # not separable: left out
        matrix[row_at], matrix[best] = matrix[best], matrix[row_at]
        pivot = matrix[row_at][column]
        matrix[row_at] = [value / pivot for value in matrix[row_at]]
        for other in range(width):
            if other != row_at and matrix[other][column] != 0:
                factor = matrix[other][column]
                matrix[other] = [a - factor * b for a, b in zip(matrix[other], matrix[row_at], strict=True)]
        pivots.append(column)
        row_at += 1
    solved: list[float | None] = [None] * width
    for index, column in enumerate(pivots):
        solved[column] = matrix[index][width]
    return solved


def r_squared(predicted: Sequence[float], values: Sequence[float]) -> float | None:
    """1 − residual sum of squares ÷ total sum of squares; None when every value is the same."""
    mean = sum(values) / len(values)
    total = sum((value - mean) ** 2 for value in values)
    if total == 0:
        return None
    residual = sum((value - guess) ** 2 for value, guess in zip(values, predicted, strict=True))
    return 1 - residual / total


def fit(
    cases: Sequence[CaseMinutes],
    weights: Weights,
    *,
    min_cases: int = MIN_CASES,
    min_records: int = MIN_RECORDS,
) -> Fit:
    """Fit minutes per case against the model's features, and scale the fitted minutes to points
    so the cases in the fit weigh in total what they weigh now. A number that cannot be fitted
    (no case has it) keeps its current value; a negative fit is suggested as 0; every suggestion
    is kept within the model's 0–100."""
    records = sum(case.records for case in cases)
    minutes = sum(case.minutes for case in cases)
    unchanged = tuple(Suggestion(f, f.current(weights), None, f.current(weights)) for f in FEATURES)
    if len(cases) < min_cases or records < min_records:
        why = (
            f"Too little time has been recorded to fit the model: {len(cases)} cases and {records} records "
            f"in this period, and a fit needs at least {min_cases} cases and {min_records} records"
        )
        return Fit(len(cases), records, minutes, None, 0.0, unchanged, too_few=why)
    rows = [[float(feature.count(case.load)) for feature in FEATURES] for case in cases]
    values = [float(case.minutes) for case in cases]
    fitted = least_squares(rows, values)
    predicted = [sum((b or 0.0) * x for b, x in zip(fitted, row, strict=True)) for row in rows]
    # The points the fitted numbers carry now (the rest keep their numbers, and so their points).
    current = [feature.current(weights) for feature in FEATURES]
    points_now = sum(
        now * x for row in rows for now, x, b in zip(current, row, fitted, strict=True) if b is not None
    )
    fitted_total = sum(predicted)
    scale = points_now / fitted_total if fitted_total > 0 else 0.0
    suggestions = tuple(
        Suggestion(
            feature,
            feature.current(weights),
            minutes_each,
            feature.current(weights)
            if minutes_each is None or scale == 0
            else min(max(round(minutes_each * scale), 0), 100),
        )
        for feature, minutes_each in zip(FEATURES, fitted, strict=True)
    )
    return Fit(len(cases), records, minutes, r_squared(predicted, values), scale, suggestions)
