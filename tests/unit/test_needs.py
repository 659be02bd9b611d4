"""What a case needs of its VLO (victims.domain.needs): derived needs, needs added by hand, the
skills and courses they ask for, training in date, and how a VLO fits."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.needs import (
    CORE_COURSES,
    NEED_SKILL,
    Course,
    Need,
    NeedFacts,
    TrainingHeld,
    case_needs,
    courses_needed,
    derived_needs,
    fit,
    ordered,
    skills_needed,
    valid_courses,
)
from victims.domain.vocabulary import Skill


@pytest.mark.parametrize(
    ("facts", "need"),
    [
        (NeedFacts(languages=frozenset({"en", "cy"})), Need.WELSH),
        (NeedFacts(child_on_case=True), Need.CHILD_VICTIMS),
        (NeedFacts(bereaved_family=True), Need.BEREAVED),
        (NeedFacts(restricted_patient=True), Need.RESTRICTED_PATIENTS),
        (NeedFacts(domestic_abuse=True), Need.DOMESTIC_ABUSE),
        (NeedFacts(parole=True), Need.PAROLE),
        (NeedFacts(zone_requested=True), Need.MAPPING),
    ],
)
def test_each_fact_gives_its_need_and_only_that(facts, need):
    assert derived_needs(facts) == {need}
    assert case_needs(facts) == {need}


def test_no_facts_no_needs():
    assert derived_needs(NeedFacts()) == frozenset()
    assert derived_needs(NeedFacts(languages=frozenset({"en"}))) == frozenset()


def test_terrorism_is_not_a_need_of_its_own():
    assert derived_needs(NeedFacts(terrorism=True)) == frozenset()


def test_manual_needs_add_to_derived_ones_but_are_not_derived():
    facts = NeedFacts(child_on_case=True, manual=frozenset({Need.INTERPRETER, Need.CHILD_VICTIMS}))
    assert derived_needs(facts) == {Need.CHILD_VICTIMS}
    assert case_needs(facts) == {Need.CHILD_VICTIMS, Need.INTERPRETER}


def test_every_need_is_mapped_and_skill_needs_name_a_skill():
    assert set(NEED_SKILL) == set(Need)
    assert {skill for skill in NEED_SKILL.values() if skill is not None} == set(Skill)
    assert NEED_SKILL[Need.INTERPRETER] is None and NEED_SKILL[Need.HIGH_PROFILE] is None


def test_skills_needed():
    assert skills_needed([Need.WELSH, Need.CHILD_VICTIMS, Need.HIGH_PROFILE]) == {
        Skill.WELSH,
        Skill.CHILD_VICTIMS,
    }
    assert skills_needed([Need.INTERPRETER]) == frozenset()
    assert skills_needed([]) == frozenset()


def test_every_case_needs_the_core_courses():
    assert courses_needed([]) == set(CORE_COURSES) == {Course.VICTIM_CONTACT_CORE, Course.SAFEGUARDING_ADULTS}


@pytest.mark.parametrize(
    ("need", "course"),
    [(Need.CHILD_VICTIMS, Course.SAFEGUARDING_CHILDREN), (Need.DOMESTIC_ABUSE, Course.DOMESTIC_ABUSE)],
)
def test_needs_that_add_a_course(need, course):
    assert courses_needed([need]) == set(CORE_COURSES) | {course}


def test_terrorism_asks_for_prevent_whatever_the_needs():
    assert Course.PREVENT in courses_needed([], terrorism=True)
    assert Course.PREVENT in courses_needed([Need.WELSH], terrorism=True)
    assert Course.PREVENT not in courses_needed([Need.WELSH, Need.HIGH_PROFILE])


EXPIRES = date(2027, 3, 3)


def test_training_is_valid_on_its_expiry_day_and_not_the_day_after():
    held = [TrainingHeld(Course.PREVENT, completed_on=date(2024, 3, 3), expires_on=EXPIRES)]
    assert valid_courses(held, EXPIRES) == {Course.PREVENT}
    assert valid_courses(held, date(2027, 3, 4)) == frozenset()


def test_training_counts_from_the_day_it_was_completed():
    held = [TrainingHeld(Course.PREVENT, completed_on=date(2026, 5, 1), expires_on=None)]
    assert valid_courses(held, date(2026, 4, 30)) == frozenset()
    assert valid_courses(held, date(2026, 5, 1)) == {Course.PREVENT}
    assert valid_courses(held, date(2099, 1, 1)) == {Course.PREVENT}  # no expiry: never runs out


def test_an_expired_record_does_not_hide_a_renewed_one():
    held = [
        TrainingHeld(Course.DOMESTIC_ABUSE, date(2020, 1, 1), date(2022, 1, 1)),
        TrainingHeld(Course.DOMESTIC_ABUSE, date(2022, 1, 5), date(2028, 1, 5)),
        TrainingHeld(Course.PREVENT, date(2020, 1, 1), date(2021, 1, 1)),
    ]
    assert valid_courses(held, date(2026, 1, 1)) == {Course.DOMESTIC_ABUSE}


def test_fit_a_qualified_vlo():
    result = fit(
        [Need.WELSH, Need.CHILD_VICTIMS],
        [Skill.WELSH, Skill.CHILD_VICTIMS, Skill.MAPPING],
        [*CORE_COURSES, Course.SAFEGUARDING_CHILDREN],
    )
    assert result.qualified
    assert result.met_skills == {Skill.WELSH, Skill.CHILD_VICTIMS}
    assert result.missing_skills == frozenset() and result.missing_courses == frozenset()


def test_fit_names_what_is_missing():
    result = fit([Need.WELSH, Need.DOMESTIC_ABUSE], [Skill.WELSH], [Course.VICTIM_CONTACT_CORE])
    assert not result.qualified
    assert result.met_skills == {Skill.WELSH}
    assert result.missing_skills == {Skill.DOMESTIC_ABUSE}
    assert result.missing_courses == {Course.SAFEGUARDING_ADULTS, Course.DOMESTIC_ABUSE}


def test_fit_missing_training_alone_is_not_qualified():
    result = fit([Need.WELSH], [Skill.WELSH], [Course.VICTIM_CONTACT_CORE])
    assert not result.qualified and result.missing_skills == frozenset()
    assert result.missing_courses == {Course.SAFEGUARDING_ADULTS}


def test_fit_terrorism_asks_for_prevent():
    result = fit([], [], CORE_COURSES, terrorism=True)
    assert result.missing_courses == {Course.PREVENT}
    assert fit([], [], [*CORE_COURSES, Course.PREVENT], terrorism=True).qualified


def test_fit_reads_needs_given_once_as_a_generator():
    result = fit((need for need in [Need.WELSH, Need.CHILD_VICTIMS]), [], [])
    assert result.missing_skills == {Skill.WELSH, Skill.CHILD_VICTIMS}
    assert Course.SAFEGUARDING_CHILDREN in result.missing_courses


def test_ordered_follows_the_vocabulary():
    assert ordered({Need.HIGH_PROFILE, Need.WELSH, Need.PAROLE}) == [
        Need.WELSH,
        Need.PAROLE,
        Need.HIGH_PROFILE,
    ]
