"""The ranking of VLOs for a case, and the greedy plan (victims.domain.allocation)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.allocation import Candidate, CaseToPlace, plan, rank, suggest
from victims.domain.needs import CORE_COURSES, Course, Need
from victims.domain.vocabulary import Skill

CORE = frozenset(CORE_COURSES)
ALL_COURSES = frozenset(Course)
WELSH_CHILD = CaseToPlace(
    case_id=1, needs=frozenset({Need.WELSH, Need.CHILD_VICTIMS}), points=2, offender_id=7
)
PLAIN = CaseToPlace(case_id=2, needs=frozenset(), points=2, offender_id=8)


def vlo(
    user_id: int, used: int, available: int = 100, *, skills=(), courses=ALL_COURSES, **more
) -> Candidate:
    return Candidate(
        user_id=user_id,
        name=more.pop("name", f"VLO {user_id}"),
        skills=frozenset(skills),
        courses=frozenset(courses),
        used_points=used,
        available_points=available,
        **more,
    )


def order(case, *candidates) -> list[int]:
    return [s.user_id for s in rank(case, candidates)]


# -- the rules, one row each: (case, candidates, expected order) -------------------------------------

WELSH_AND_CHILD = (Skill.WELSH, Skill.CHILD_VICTIMS)

RULES = {
    "a needed skill beats spare capacity": (
        WELSH_CHILD,
        [vlo(1, 10), vlo(2, 92, skills=WELSH_AND_CHILD)],
        [2, 1],
    ),
    "needed training beats spare capacity": (
        WELSH_CHILD,
        [vlo(1, 10, skills=WELSH_AND_CHILD, courses=CORE), vlo(2, 90, skills=WELSH_AND_CHILD)],
        [2, 1],
    ),
    "over capacity is never first while someone qualified has room": (
        PLAIN,
        [vlo(1, 99, offender_ids=frozenset({8})), vlo(2, 97)],
        [2, 1],
    ),
    "room before over capacity among the unqualified too": (
        WELSH_CHILD,
        [vlo(1, 120), vlo(2, 60)],
        [2, 1],
    ),
    "continuity (same offender) before lower capacity": (
        PLAIN,
        [vlo(1, 10), vlo(2, 80, offender_ids=frozenset({8}))],
        [2, 1],
    ),
    "continuity (same victim) before lower capacity": (
        CaseToPlace(case_id=3, needs=frozenset(), points=1, victim_case_ids=frozenset({50})),
        [vlo(1, 10), vlo(2, 80, case_ids=frozenset({50}))],
        [2, 1],
    ),
    "lower capacity after taking it": (PLAIN, [vlo(1, 50), vlo(2, 40), vlo(3, 60)], [2, 1, 3]),
    "capacity after, not points: a part-timer with fewer points can be fuller": (
        PLAIN,
        [vlo(1, 50, available=50), vlo(2, 60, available=100)],
        [2, 1],
    ),
    "fewer peaks breaks a tie in capacity": (PLAIN, [vlo(1, 50, peaks=4), vlo(2, 50, peaks=1)], [2, 1]),
    "a full tie goes by name": (PLAIN, [vlo(2, 50, name="Bea"), vlo(1, 50, name="Ann")], [1, 2]),
    "someone away goes last, however qualified": (
        WELSH_CHILD,
        [vlo(1, 10, skills=WELSH_AND_CHILD, away=True), vlo(2, 90)],
        [2, 1],
    ),
    "nobody qualified: a held skill still beats spare capacity": (
        WELSH_CHILD,
        [vlo(1, 10, courses=()), vlo(2, 60, skills=WELSH_AND_CHILD, courses=())],
        [2, 1],
    ),
    "nobody qualified: fewer missing skills, then room, then lower capacity": (
        WELSH_CHILD,
        [vlo(1, 99), vlo(2, 30, skills=(Skill.WELSH,)), vlo(3, 20), vlo(4, 50, skills=(Skill.WELSH,))],
        [2, 4, 3, 1],
    ),
    "nobody with room: the qualified first, then the least over": (
        PLAIN,
        [vlo(1, 130), vlo(2, 110), vlo(3, 105, courses=())],
        [2, 1, 3],
    ),
    "zero available points counts as over capacity, after everyone with room": (
        PLAIN,
        [vlo(1, 0, available=0), vlo(2, 99)],
        [2, 1],
    ),
}


@pytest.mark.parametrize("case, candidates, expected", list(RULES.values()), ids=list(RULES))
def test_the_ranking_rules(case, candidates, expected):
    assert order(case, *candidates) == expected


def test_the_reason_in_words_for_a_qualified_vlo_with_room():
    suggestion = suggest(WELSH_CHILD, vlo(1, 92, skills=WELSH_AND_CHILD))
    assert suggestion.words == "Welsh and child victims; 92% → 94%"
    assert suggestion.qualified and not suggestion.over_capacity and not suggestion.needs_reason
    assert suggestion.overridden() == {}


def test_the_reason_in_words_for_a_missing_skill():
    suggestion = suggest(WELSH_CHILD, vlo(1, 71, skills=(Skill.CHILD_VICTIMS,)))
    assert suggestion.words == "No Welsh skill; 71% → 73%"
    assert suggestion.needs_reason
    assert suggestion.overridden() == {"missing_skills": ["welsh"]}


def test_the_reason_in_words_for_missing_training_and_over_capacity():
    case = CaseToPlace(case_id=1, needs=frozenset({Need.CHILD_VICTIMS}), points=3, terrorism=True)
    suggestion = suggest(case, vlo(1, 99, skills=(Skill.CHILD_VICTIMS,), courses=CORE))
    assert suggestion.words == (
        "Child victims; no valid safeguarding children and Prevent training; 99% → 102% (over capacity)"
    )
    assert suggestion.overridden() == {
        "missing_courses": ["safeguarding_children", "prevent"],
        "capacity_before": 99,
        "capacity_after": 102,
    }


def test_the_reason_in_words_for_continuity_and_absence():
    held = vlo(1, 40, offender_ids=frozenset({8}))
    assert suggest(PLAIN, held).words == "Already holds a case for this offender; 40% → 42%"
    away = vlo(2, 40, away=True, away_until=date(2026, 12, 4))
    assert suggest(PLAIN, away).words == "Away until 4 December; 40% → 42%"
    welsh = CaseToPlace(case_id=5, needs=frozenset({Need.WELSH}), points=2, offender_id=8)
    both = vlo(3, 40, skills=(Skill.WELSH,), offender_ids=frozenset({8}), away=True)
    assert suggest(welsh, both).words == "Away; Welsh; already holds a case for this offender; 40% → 42%"


def test_zero_available_points_says_so_and_needs_a_reason():
    suggestion = suggest(PLAIN, vlo(1, 0, available=0))
    assert suggestion.now is None and suggestion.after is None
    assert suggestion.over_capacity and suggestion.needs_reason
    assert suggestion.words == "No available points"


def test_no_candidates_ranks_nobody():
    assert rank(PLAIN, []) == []


# -- the plan ---------------------------------------------------------------------------------------


def test_the_plan_adds_each_case_before_ranking_the_next():
    cases = [CaseToPlace(case_id=n, needs=frozenset(), points=10) for n in range(1, 5)]
    result = plan(cases, [vlo(1, 50), vlo(2, 60)])
    # 1 → VLO 1 (60%); 2 → VLO 1 (70% vs 70%: a tie, by name); 3 → VLO 2 (70% vs 80%); 4 → VLO 1.
    chosen = result.chosen()
    assert sorted(chosen.values()).count(1) == 3 and sorted(chosen.values()).count(2) == 1
    assert result.after[1].used_points == 80 and result.after[2].used_points == 70
    assert result.before[1].used_points == 50


def test_the_plan_places_the_hardest_case_first():
    # Easy first would give it to the Welsh speaker (95%), pushing the Welsh case over (105%).
    easy = CaseToPlace(case_id=1, needs=frozenset(), points=15)
    hard = CaseToPlace(case_id=2, needs=frozenset({Need.WELSH}), points=10)
    result = plan([easy, hard], [vlo(1, 80, skills=(Skill.WELSH,)), vlo(2, 85)])
    assert [p.case.case_id for p in result.placements] == [2, 1]
    assert result.chosen() == {2: 1, 1: 2}


def test_the_plan_keeps_an_offenders_cases_together():
    first = CaseToPlace(case_id=1, needs=frozenset(), points=5, offender_id=9)
    second = CaseToPlace(case_id=2, needs=frozenset(), points=4, offender_id=9)
    result = plan([first, second], [vlo(1, 50), vlo(2, 51)])
    assert result.chosen() == {1: 1, 2: 1}  # continuity beats 55% vs 51%


def test_the_plan_takes_the_spos_edits():
    cases = [CaseToPlace(case_id=1, needs=frozenset(), points=10)]
    result = plan(cases, [vlo(1, 10), vlo(2, 90)], chosen={1: 2})
    assert result.chosen() == {1: 2}
    assert result.placements[0].suggestion.after == 100
    assert result.after[2].used_points == 100


def test_a_plan_with_nobody_leaves_the_case_unplaced():
    result = plan([PLAIN], [])
    assert result.chosen() == {2: None}
