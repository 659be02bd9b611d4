"""The calibration's least-squares fit, against data whose answer is known."""

from __future__ import annotations

import random

import pytest

from victims.domain.calibration import FEATURES, CaseMinutes, fit, least_squares, r_squared
from victims.domain.needs import Need
from victims.domain.workload import DEFAULT_WEIGHTS, CaseLoad, Stage, Weights, WorkItem, case_points

STAGES = list(Stage)


def _loads(count: int, seed: int = 14) -> list[CaseLoad]:
    """A spread of cases in which every feature of the model appears, independently."""
    chance = random.Random(seed)
    loads = []
    for number in range(count):
        needs = frozenset(
            need
            for need in (Need.BEREAVED, Need.CHILD_VICTIMS, Need.RESTRICTED_PATIENTS, Need.WELSH)
            + (Need.INTERPRETER, Need.HIGH_PROFILE)
            if chance.random() < 0.3
        )
        items = {item: chance.randint(0, 2) for item in WorkItem if chance.random() < 0.4}
        loads.append(CaseLoad(number, STAGES[number % len(STAGES)], chance.randint(1, 4), needs, items))
    return loads


def test_least_squares_solves_an_exact_system():
    rows = [[1, 0], [0, 1], [1, 1], [2, 1]]
    values = [3, 5, 8, 11]  # 3a + 5b
    assert least_squares(rows, values) == pytest.approx([3, 5])


def test_a_column_nobody_has_is_not_fitted():
    rows = [[1, 0, 0], [0, 1, 0], [1, 1, 0]]
    solved = least_squares(rows, [2, 4, 6])
    assert solved[:2] == pytest.approx([2, 4]) and solved[2] is None


def test_r_squared_is_one_for_a_perfect_fit_and_less_otherwise():
    assert r_squared([1, 2, 3], [1, 2, 3]) == 1
    assert r_squared([2, 2, 2], [1, 2, 3]) == 0
    assert r_squared([1, 1], [1, 1]) is None


def test_minutes_in_proportion_to_the_weights_give_the_weights_back_exactly():
    """Recorded minutes that are exactly 3 × some chosen weights: the fit recovers those weights
    (scaled back to points, keeping the cases' total), with R² = 1."""
    chosen = Weights.from_json(
        {
            "stage_points": {
                "custody": 2,
                "custody_near": 5,
                "pre_release": 20,
                "parole": 25,
                "licence": 8,
                "closure_due": 1,
            },
            "additional_person": 3,
            "need_points": {
                "bereaved": 9,
                "child_victims": 6,
                "restricted_patients": 7,
                "welsh": 1,
                "interpreter": 4,
                "high_profile": 10,
            },
            "item_points": {"condition_request": 5, "zone_map": 12, "parole_vps": 8},
        }
    )
    cases = [CaseMinutes(load, 3 * case_points(load, chosen).total, 2) for load in _loads(120)]
    result = fit(cases, chosen)
    assert result.fitted and result.r2 == pytest.approx(1)
    assert result.weights(chosen) == chosen
    assert result.scale == pytest.approx(1 / 3)
    assert {s.feature.key: s.minutes for s in result.suggestions}["stage_points.parole"] == pytest.approx(75)
    assert (result.cases, result.records) == (120, 240)


def test_the_suggested_points_keep_the_total_of_the_cases_in_the_fit():
    """Minutes that weigh parole work double what the model does: the suggestion raises parole
    and lowers the rest, and the cases' total points stay what they are now (up to rounding)."""
    loads = _loads(200)
    cases = []
    for load in loads:
        points = case_points(load, DEFAULT_WEIGHTS).total
        cases.append(CaseMinutes(load, 10 * points + (10 * 16 if load.stage == Stage.PAROLE else 0), 1))
    result = fit(cases, DEFAULT_WEIGHTS)
    suggested = result.weights(DEFAULT_WEIGHTS)
    now = sum(case_points(load, DEFAULT_WEIGHTS).total for load in loads)
    after = sum(case_points(load, suggested).total for load in loads)
    unrounded = sum(
        result.scale * (s.minutes or 0) * s.feature.count(load) for load in loads for s in result.suggestions
    )
    assert unrounded == pytest.approx(now)  # exactly, before each number is rounded to whole points
    assert abs(after - now) / now < 0.05
    assert suggested.stage_points[Stage.PAROLE] > DEFAULT_WEIGHTS.stage_points[Stage.PAROLE]
    assert suggested.stage_points[Stage.PRE_RELEASE] < DEFAULT_WEIGHTS.stage_points[Stage.PRE_RELEASE]


def test_noisy_minutes_fit_less_than_perfectly():
    chance = random.Random(7)
    cases = [
        CaseMinutes(load, max(1, 5 * case_points(load, DEFAULT_WEIGHTS).total + chance.randint(-40, 40)), 1)
        for load in _loads(150)
    ]
    result = fit(cases, DEFAULT_WEIGHTS)
    assert result.fitted and 0.5 < result.r2 < 1


def test_too_few_records_are_not_fitted():
    cases = [CaseMinutes(load, 30, 1) for load in _loads(19)]
    result = fit(cases, DEFAULT_WEIGHTS)
    assert not result.fitted and result.r2 is None
    assert "19 cases and 19 records" in result.too_few
    assert result.weights(DEFAULT_WEIGHTS) == DEFAULT_WEIGHTS
    enough_cases = [CaseMinutes(load, 30, 1) for load in _loads(30)]  # 30 records: fewer than 50
    assert not fit(enough_cases, DEFAULT_WEIGHTS).fitted


def test_a_feature_no_case_has_keeps_its_current_number():
    loads = [CaseLoad(n, STAGES[n % len(STAGES)], 1 + (n // 6) % 3) for n in range(60)]  # no needs, no items
    cases = [CaseMinutes(load, 4 * case_points(load, DEFAULT_WEIGHTS).total, 1) for load in loads]
    result = fit(cases, DEFAULT_WEIGHTS)
    by_key = {s.feature.key: s for s in result.suggestions}
    assert by_key["need_points.welsh"].minutes is None
    assert by_key["need_points.welsh"].suggested == DEFAULT_WEIGHTS.need_points[Need.WELSH]
    assert by_key["stage_points.pre_release"].suggested == DEFAULT_WEIGHTS.stage_points[Stage.PRE_RELEASE]
    assert len(FEATURES) == len(result.suggestions) == 16
