"""A licence-condition request moves one stage at a time, with what each step needs, and
pre-release work is complete only when every outcome has been told (victims.domain.prerelease)."""

from __future__ import annotations

import itertools

import pytest

from victims.domain.prerelease import (
    ConditionType,
    Stage,
    StepInput,
    StepRefused,
    check_step,
    completion_problems,
)

NAMED = ConditionType.NO_CONTACT_VICTIM
FULL = StepInput(
    wording="Not to contact the victim",
    practitioner_name="Pat Practitioner",
    practitioner_team="Bedford",
    reason="Not proportionate",
    told_how="Letter 4",
)

PATH = [Stage.REQUESTED, Stage.DRAFTED, Stage.CHECKED, Stage.SENT, Stage.INCLUDED, Stage.TOLD]


def test_the_whole_path_one_step_at_a_time():
    for current, target in itertools.pairwise(PATH):
        check_step(current, target, FULL, NAMED)
    check_step(Stage.SENT, Stage.NOT_INCLUDED, FULL, NAMED)
    check_step(Stage.NOT_INCLUDED, Stage.TOLD, FULL, NAMED)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.REQUESTED, Stage.CHECKED),
        (Stage.REQUESTED, Stage.SENT),
        (Stage.DRAFTED, Stage.SENT),
        (Stage.CHECKED, Stage.INCLUDED),
        (Stage.SENT, Stage.TOLD),
        (Stage.TOLD, Stage.DRAFTED),
        (Stage.INCLUDED, Stage.NOT_INCLUDED),
    ],
)
def test_no_step_can_be_skipped_or_taken_backwards(current, target):
    with pytest.raises(StepRefused, match="the next step is"):
        check_step(current, target, FULL, NAMED)


@pytest.mark.parametrize(
    ("current", "target", "missing", "message"),
    [
        (Stage.REQUESTED, Stage.DRAFTED, {"wording": " "}, "proposed wording"),
        (Stage.CHECKED, Stage.SENT, {"practitioner_team": ""}, "name and team"),
        (Stage.SENT, Stage.NOT_INCLUDED, {"reason": None}, "reason"),
        (Stage.INCLUDED, Stage.TOLD, {"told_how": ""}, "how the victim was told"),
    ],
)
def test_each_step_needs_what_it_records(current, target, missing, message):
    given = StepInput(**{**FULL.__dict__, **missing})
    with pytest.raises(StepRefused, match=message):
        check_step(current, target, given, NAMED)


def test_an_exclusion_zone_is_checked_only_with_a_countersigned_map():
    zone = ConditionType.EXCLUSION_ZONE
    with pytest.raises(StepRefused, match="map must pass its checks"):
        check_step(Stage.DRAFTED, Stage.CHECKED, StepInput(zone_ready=False), zone)
    check_step(Stage.DRAFTED, Stage.CHECKED, StepInput(zone_ready=True), zone)


def test_completion_needs_every_outcome_told():
    assert completion_problems([("A", Stage.TOLD), ("B", Stage.TOLD)]) == []
    assert completion_problems([]) == []
    problems = completion_problems([("A", Stage.SENT), ("B", Stage.NOT_INCLUDED), ("C", Stage.TOLD)])
    assert problems == [
        "A: no outcome yet (it is at “Sent to the probation practitioner”)",
        "B: the victim has not been told the outcome",
    ]
