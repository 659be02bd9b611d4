"""The workload model (victims.domain.workload): every weight, the stage on a day and its
boundaries, reductions, part-time, the band's edges, capacity and the projection."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from victims.domain.needs import Need
from victims.domain.workload import (
    COMPLEXITY_NEEDS,
    DEFAULT_WEIGHTS,
    Band,
    CaseLoad,
    ProjectedCase,
    Reduction,
    ReductionKind,
    Stage,
    StageFacts,
    Weights,
    WorkItem,
    available_points,
    band,
    capacity_percent,
    case_points,
    case_total,
    check_weights,
    project_points,
    stage_on,
    weight_names,
    workload,
)

# The arithmetic below is written for a 2,000-point target; every other number is the default.
W = replace(DEFAULT_WEIGHTS, target_points=2000)
DAY = date(2027, 3, 15)


def _weights_with(**changes) -> Weights:
    data = DEFAULT_WEIGHTS.to_json()
    for key, value in changes.items():
        group, _, sub = key.partition("__")
        if sub:
            data[group][sub] = value
        else:
            data[group] = value
    return Weights.from_json(data)


# --- every weight -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", list(Stage))
def test_each_stage_weighs_its_own_number(stage):
    weights = _weights_with(**{f"stage_points__{stage.value}": 41})
    points = case_points(CaseLoad(1, stage, people=1), weights)
    assert points.total == 41
    assert [line.label for line in points.lines] == [f"Stage: {stage.label}"]
    # and the default is what the model says
    assert case_points(CaseLoad(1, stage, people=1), W).total == W.stage_points[stage]


@pytest.mark.parametrize(("people", "extra"), [(0, 0), (1, 0), (2, 1), (5, 4)])
def test_each_further_person_adds_the_further_person_weight(people, extra):
    weights = _weights_with(additional_person=7)
    points = case_points(CaseLoad(1, Stage.CUSTODY, people=people), weights)
    assert points.total == weights.stage_points[Stage.CUSTODY] + 7 * extra
    further = [line for line in points.lines if line.label.startswith("Each further")]
    assert (
        (further[0].count, further[0].each, further[0].points) == (extra, 7, 7 * extra)
        if extra
        else not further
    )


@pytest.mark.parametrize("need", COMPLEXITY_NEEDS)
def test_each_complexity_need_adds_its_weight(need):
    weights = _weights_with(**{f"need_points__{need.value}": 13})
    points = case_points(CaseLoad(1, Stage.CUSTODY, people=1, needs=frozenset({need})), weights)
    assert points.total == weights.stage_points[Stage.CUSTODY] + 13
    assert points.lines[-1].label == need.label


@pytest.mark.parametrize("need", [Need.DOMESTIC_ABUSE, Need.PAROLE, Need.MAPPING])
def test_needs_that_only_ask_for_a_skill_weigh_nothing(need):
    points = case_points(CaseLoad(1, Stage.CUSTODY, people=1, needs=frozenset({need})), W)
    assert points.total == W.stage_points[Stage.CUSTODY]


def test_every_complexity_need_at_once_adds_them_all():
    needs = frozenset(COMPLEXITY_NEEDS)
    points = case_points(CaseLoad(1, Stage.LICENCE, people=1, needs=needs), W)
    assert points.total == W.stage_points[Stage.LICENCE] + sum(W.need_points[n] for n in COMPLEXITY_NEEDS)


@pytest.mark.parametrize("item", list(WorkItem))
@pytest.mark.parametrize("count", [1, 3])
def test_each_work_item_adds_its_weight_for_each_one(item, count):
    weights = _weights_with(**{f"item_points__{item.value}": 9})
    points = case_points(CaseLoad(1, Stage.CUSTODY, people=1, items={item: count}), weights)
    assert points.total == weights.stage_points[Stage.CUSTODY] + 9 * count
    assert (points.lines[-1].label, points.lines[-1].count, points.lines[-1].each) == (item.label, count, 9)


def test_a_work_item_counted_zero_adds_no_line():
    points = case_points(CaseLoad(1, Stage.CUSTODY, people=1, items={WorkItem.ZONE_MAP: 0}), W)
    assert len(points.lines) == 1


def test_a_case_adds_up_every_line():
    case = CaseLoad(
        7,
        Stage.PAROLE,
        people=3,
        needs=frozenset({Need.BEREAVED, Need.WELSH}),
        items={WorkItem.PAROLE_VPS: 1, WorkItem.CONDITION_REQUEST: 2},
    )
    points = case_points(case, W)
    # 16 + 2×2 + 4 + 2 + 4×2 + 5
    assert points.total == 16 + 4 + 4 + 2 + 8 + 5 == 39
    assert points.case_id == 7 and points.stage is Stage.PAROLE


# --- the stage on a day -------------------------------------------------------------------------


def test_custody_when_release_is_more_than_12_months_away():
    facts = StageFacts(earliest_release=date(2028, 3, 16))
    assert stage_on(facts, DAY) is Stage.CUSTODY


def test_custody_near_from_12_months_before_release():
    release = date(2028, 3, 15)
    facts = StageFacts(earliest_release=release)
    assert stage_on(facts, date(2027, 3, 14)) is Stage.CUSTODY
    assert stage_on(facts, date(2027, 3, 15)) is Stage.CUSTODY_NEAR
    assert stage_on(facts, date(2027, 9, 14)) is Stage.CUSTODY_NEAR


def test_pre_release_from_6_months_before_release_to_the_day_before():
    release = date(2027, 9, 15)
    facts = StageFacts(earliest_release=release)
    assert stage_on(facts, date(2027, 3, 14)) is Stage.CUSTODY_NEAR
    assert stage_on(facts, date(2027, 3, 15)) is Stage.PRE_RELEASE
    assert stage_on(facts, date(2027, 9, 14)) is Stage.PRE_RELEASE


def test_on_licence_from_release_day():
    facts = StageFacts(earliest_release=date(2027, 9, 15))
    assert stage_on(facts, date(2027, 9, 15)) is Stage.LICENCE


def test_a_recorded_release_puts_the_case_on_licence_before_the_earliest_date():
    facts = StageFacts(earliest_release=date(2028, 9, 15), released_on=date(2027, 3, 1))
    assert stage_on(facts, date(2027, 2, 28)) is Stage.CUSTODY
    assert stage_on(facts, date(2027, 3, 1)) is Stage.LICENCE


def test_closure_due_the_day_after_the_sentence_ends():
    facts = StageFacts(earliest_release=date(2025, 1, 1), sentence_ends=DAY)
    assert stage_on(facts, DAY) is Stage.LICENCE
    assert stage_on(facts, date(2027, 3, 16)) is Stage.CLOSURE_DUE


def test_a_community_sentence_is_on_licence_and_no_date_is_custody():
    assert stage_on(StageFacts(earliest_release=None, in_community=True), DAY) is Stage.LICENCE
    assert stage_on(StageFacts(earliest_release=None), DAY) is Stage.CUSTODY


def test_precedence_closure_then_parole_then_licence_then_pre_release():
    everything = StageFacts(
        earliest_release=date(2027, 5, 1),
        released_on=date(2027, 1, 1),
        sentence_ends=date(2030, 1, 1),
        parole_review_active=True,
        closure_review_open=True,
    )
    assert stage_on(everything, DAY) is Stage.CLOSURE_DUE
    no_closure = StageFacts(**{**everything.__dict__, "closure_review_open": False})
    assert stage_on(no_closure, DAY) is Stage.PAROLE
    no_parole = StageFacts(**{**no_closure.__dict__, "parole_review_active": False})
    assert stage_on(no_parole, DAY) is Stage.LICENCE
    not_released = StageFacts(**{**no_parole.__dict__, "released_on": None})
    assert stage_on(not_released, DAY) is Stage.PRE_RELEASE


def test_an_ended_sentence_beats_an_active_parole_review():
    facts = StageFacts(earliest_release=None, sentence_ends=date(2027, 1, 1), parole_review_active=True)
    assert stage_on(facts, DAY) is Stage.CLOSURE_DUE


def test_month_ends_are_clamped_when_counting_back():
    # Six months before 31 August is 29 February in a leap year.
    facts = StageFacts(earliest_release=date(2028, 8, 31))
    assert stage_on(facts, date(2028, 2, 28)) is Stage.CUSTODY_NEAR
    assert stage_on(facts, date(2028, 2, 29)) is Stage.PRE_RELEASE


# --- available points ---------------------------------------------------------------------------


def test_full_time_with_no_reductions_is_the_target():
    available = available_points(Decimal(37), [], DAY, W)
    assert available.points == W.target_points
    assert available.lines[-1] == "= 2,000 points"
    assert available.reductions == ()


def test_part_time_is_in_proportion_to_the_standard_hours():
    available = available_points(Decimal("18.5"), [], DAY, W)
    assert available.points == 1000
    assert "18.5 hours ÷ 37 hours" in available.lines[1]


def test_a_reduction_takes_its_share_of_the_contracted_hours():
    # 2000 × 30/37 × (30 − 6)/30 = 1297.3 → 1297
    reduction = Reduction(ReductionKind.TRAINING, Decimal(6), date(2027, 1, 1), date(2027, 6, 30))
    available = available_points(Decimal(30), [reduction], DAY, W)
    assert available.points == 1297
    assert available.reduction_hours == 6
    assert "Training 6 hours" in available.lines[2]


def test_a_dated_reduction_counts_only_from_its_first_to_its_last_day():
    reduction = Reduction(ReductionKind.UNION_DUTIES, Decimal(10), date(2027, 3, 16), date(2027, 3, 20))
    assert available_points(Decimal(37), [reduction], date(2027, 3, 15), W).points == 2000
    assert available_points(Decimal(37), [reduction], date(2027, 3, 16), W).points == 1459
    assert available_points(Decimal(37), [reduction], date(2027, 3, 20), W).points == 1459
    assert available_points(Decimal(37), [reduction], date(2027, 3, 21), W).points == 2000


def test_an_open_ended_reduction_runs_on():
    reduction = Reduction(ReductionKind.PHASED_RETURN, Decimal("18.5"), date(2020, 1, 1))
    assert available_points(Decimal(37), [reduction], date(2040, 1, 1), W).points == 1000


def test_overlapping_reductions_add_up():
    reductions = [
        Reduction(ReductionKind.TRAINING, Decimal(5), date(2027, 3, 1), date(2027, 3, 31)),
        Reduction(ReductionKind.UNION_DUTIES, Decimal(5), date(2027, 3, 10), None),
    ]
    available = available_points(Decimal(37), reductions, DAY, W)
    assert available.reduction_hours == 10
    # 2000 × 27/37 = 1459.46
    assert available.points == 1459
    assert available_points(Decimal(37), reductions, date(2027, 3, 5), W).points == 1730


def test_reductions_beyond_the_contracted_hours_leave_nothing():
    reductions = [Reduction(ReductionKind.OTHER, Decimal(40), date(2027, 1, 1))]
    available = available_points(Decimal(20), reductions, DAY, W)
    assert available.points == 0
    assert available.reduction_hours == 20


def test_no_contracted_hours_is_no_points():
    assert available_points(Decimal(0), [], DAY, W).points == 0


def test_available_points_round_half_up():
    # 2000 × 1 / 37 = 54.05; 2000 × 13.5 / 37 = 729.73
    assert available_points(Decimal(1), [], DAY, W).points == 54
    assert available_points(Decimal("13.5"), [], DAY, W).points == 730
    halves = _weights_with(target_points=111, standard_hours="2")  # 111 × 1/2 = 55.5
    assert available_points(Decimal(1), [], DAY, halves).points == 56


def test_one_hour_reads_in_the_singular():
    available = available_points(
        Decimal(37), [Reduction(ReductionKind.TRAINING, Decimal(1), date(2027, 1, 1))], DAY, W
    )
    assert "(37 hours − 1 hour)" in available.lines[2]


# --- capacity and band --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "available", "percent"),
    [
        (0, 2000, 0),
        (1000, 2000, 50),
        (2000, 2000, 100),
        (2010, 2000, 101),
        (1, 200, 1),
        (1, 400, 0),
        (1, 133, 1),
    ],
)
def test_capacity_is_a_whole_percentage_rounded_half_up(points, available, percent):
    assert capacity_percent(points, available) == percent


def test_capacity_rounds_a_half_up():
    assert capacity_percent(1, 200) == 1  # 0.5 → 1
    assert capacity_percent(3, 200) == 2  # 1.5 → 2


@pytest.mark.parametrize("available", [0, -5])
def test_no_capacity_when_nothing_is_available(available):
    assert capacity_percent(100, available) is None


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (0, Band.BELOW),
        (249, Band.BELOW),
        (250, Band.WITHIN),
        (300, Band.WITHIN),
        (350, Band.WITHIN),
        (351, Band.ABOVE),
    ],
)
def test_band_edges(cases, expected):
    assert band(cases) is expected


# --- a VLO's workload ---------------------------------------------------------------------------


def test_a_workload_adds_up_its_cases_by_stage_and_item():
    cases = [
        CaseLoad(1, Stage.CUSTODY, people=2),
        CaseLoad(2, Stage.CUSTODY, people=1, items={WorkItem.ZONE_MAP: 1}),
        CaseLoad(3, Stage.PRE_RELEASE, people=1, items={WorkItem.ZONE_MAP: 2, WorkItem.PAROLE_VPS: 0}),
    ]
    got = workload(5, cases, Decimal("18.5"), [], DAY, W)
    assert (got.cases, got.people) == (3, 4)
    assert got.points == (4 + 2) + (4 + 6) + (14 + 12) == 42
    assert got.by_stage == {Stage.CUSTODY: (2, 16), Stage.PRE_RELEASE: (1, 26)}
    assert got.by_item == {WorkItem.ZONE_MAP: (3, 18)}
    assert got.available.points == 1000
    assert got.capacity == 4
    assert got.band is Band.BELOW
    assert got.after(958) == 100


def test_a_workload_with_no_hours_has_no_capacity():
    got = workload(5, [CaseLoad(1, Stage.CUSTODY, people=1)], Decimal(0), [], DAY, W)
    assert got.capacity is None


# --- the configuration --------------------------------------------------------------------------


def test_weights_round_trip_through_json():
    changed = _weights_with(additional_person=3, target_points=2500, standard_hours="36.5")
    assert Weights.from_json(changed.to_json()) == changed
    assert changed.standard_hours == Decimal("36.5")


def test_weights_from_json_take_the_default_for_what_is_missing():
    assert Weights.from_json({}) == DEFAULT_WEIGHTS
    partial = Weights.from_json({"stage_points": {"parole": 20}, "need_points": {}, "target_points": 1800})
    assert partial.stage_points[Stage.PAROLE] == 20
    assert partial.stage_points[Stage.CUSTODY] == W.stage_points[Stage.CUSTODY]
    assert partial.need_points == W.need_points
    assert partial.item_points == W.item_points
    assert partial.target_points == 1800
    assert partial.additional_person == W.additional_person
    assert partial.standard_hours == W.standard_hours


def test_changed_from_names_each_changed_number():
    changed = _weights_with(stage_points__parole=20, target_points=1800)
    assert changed.changed_from(W) == {"stage_points.parole": (16, 20), "target_points": (2000, 1800)}
    assert W.changed_from(W) == {}


def test_the_defaults_pass_the_check():
    assert check_weights(W) == {}


@pytest.mark.parametrize(
    ("key", "bad", "good"),
    [
        ("stage_points__custody", -1, 0),
        ("stage_points__parole", 101, 100),
        ("need_points__welsh", -1, 100),
        ("item_points__zone_map", 101, 0),
        ("additional_person", -1, 100),
        ("target_points", 99, 100),
        ("target_points", 100_001, 100_000),
        ("standard_hours", "0.9", "1"),
        ("standard_hours", "60.1", "60"),
    ],
)
def test_check_weights_names_the_field_out_of_range(key, bad, good):
    field = key.replace("__", ".")
    errors = check_weights(_weights_with(**{key: bad}))
    assert list(errors) == [field]
    assert "between" in errors[field]
    assert check_weights(_weights_with(**{key: good})) == {}


def test_weight_names_cover_every_number():
    names = weight_names()
    assert len(names) == len(Stage) + 1 + len(COMPLEXITY_NEEDS) + len(WorkItem) + 2
    assert names[0] == "stage_points.custody"
    assert "standard_hours" in names and "need_points.high_profile" in names


# --- the projection -----------------------------------------------------------------------------


def test_projection_moves_cases_through_their_stages_week_by_week():
    start = date(2027, 3, 17)  # a Wednesday
    # Release on 15 September 2027: pre-release window opens 15 March (already open) → licence.
    release_soon = ProjectedCase(
        CaseLoad(1, Stage.PRE_RELEASE, people=1), StageFacts(earliest_release=date(2027, 4, 1))
    )
    # Window opens on 5 April 2027 (release 5 October 2027).
    window_opens = ProjectedCase(
        CaseLoad(2, Stage.CUSTODY_NEAR, people=1, items={WorkItem.ZONE_MAP: 1}),
        StageFacts(earliest_release=date(2027, 10, 5)),
    )
    weeks = project_points([release_soon, window_opens], start, W)
    assert len(weeks) == 12
    assert weeks[0][0] == date(2027, 3, 15)  # the Monday of start's week
    assert [day for day, _ in weeks][:3] == [date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 29)]
    # week 1 (read on the 17th): pre-release 14 + custody near 6 + map 6
    assert weeks[0][1] == 14 + 12
    # week of 29 March: still pre-release (release 1 April); week of 5 April: licence + pre-release
    assert weeks[2][1] == 14 + 12
    assert weeks[3][1] == 6 + 14 + 6
    assert weeks[11][1] == 6 + 14 + 6


def test_projection_of_nothing_is_zero_each_week():
    assert [points for _, points in project_points([], DAY, W, weeks=4)] == [0, 0, 0, 0]


def test_a_workload_reuses_points_already_worked_out():
    cases = [CaseLoad(1, Stage.CUSTODY, 1), CaseLoad(2, Stage.LICENCE, 1)]
    scored = {1: case_points(cases[0], W)}
    fresh = workload(7, cases, Decimal(37), [], DAY, W)
    reused = workload(7, cases, Decimal(37), [], DAY, W, scored=scored)
    assert reused.points == fresh.points == W.stage_points[Stage.CUSTODY] + W.stage_points[Stage.LICENCE]
    # What it is given is what it counts: points worked out with other numbers show through.
    other = replace(W, stage_points={**W.stage_points, Stage.CUSTODY: 50})
    assert workload(7, cases, Decimal(37), [], DAY, W, scored={1: case_points(cases[0], other)}).points == (
        50 + W.stage_points[Stage.LICENCE]
    )


# --- the team pages' shortcuts give what the full working-out gives ---------------------------------


def _random_load(rnd: random.Random, case_id: int, stage: Stage) -> CaseLoad:
    return CaseLoad(
        case_id,
        stage,
        people=rnd.randint(0, 5),
        needs=frozenset(need for need in Need if rnd.random() < 0.3),
        items={item: rnd.choice([0, 0, 1, 2]) for item in WorkItem if rnd.random() < 0.5},
    )


def _random_day(rnd: random.Random) -> date | None:
    return None if rnd.random() < 0.2 else DAY + timedelta(days=rnd.randint(-500, 500))


def test_a_case_total_is_its_points_without_the_lines():
    rnd = random.Random(16)
    other = _weights_with(additional_person=7, need_points__welsh=9, item_points__zone_map=11)
    for case_id in range(500):
        load = _random_load(rnd, case_id, rnd.choice(list(Stage)))
        for weights in (W, other):
            assert case_total(load, weights) == case_points(load, weights).total, load


def _projected_week_by_week(cases, start, weights, weeks):
    """The projection read the long way: every case's stage and points on every week's day."""
    monday = start - timedelta(days=start.weekday())
    found = []
    for week in range(weeks):
        day = max(monday + timedelta(weeks=week), start)
        total = sum(
            case_points(replace(case.load, stage=stage_on(case.stage_facts, day)), weights).total
            for case in cases
        )
        found.append((monday + timedelta(weeks=week), total))
    return found


@pytest.mark.parametrize("seed", range(5))
def test_the_projection_gives_what_reading_every_case_every_week_gives(seed):
    rnd = random.Random(seed)
    cases = []
    for case_id in range(300):
        facts = StageFacts(
            earliest_release=_random_day(rnd),
            released_on=_random_day(rnd) if rnd.random() < 0.2 else None,
            sentence_ends=_random_day(rnd),
            parole_review_active=rnd.random() < 0.1,
            closure_review_open=rnd.random() < 0.05,
            in_community=rnd.random() < 0.1,
        )
        cases.append(ProjectedCase(_random_load(rnd, case_id, stage_on(facts, DAY)), facts))
    start = DAY + timedelta(days=rnd.randint(0, 6))
    for weeks in (1, 12, 30):
        assert project_points(cases, start, W, weeks=weeks) == _projected_week_by_week(cases, start, W, weeks)
    # Most of these cases change stage within 30 weeks of some day: the long way is really tested.
    later = start + timedelta(weeks=30)
    assert sum(stage_on(c.stage_facts, start) != stage_on(c.stage_facts, later) for c in cases) > 20
