"""What a case needs of the VLO who holds it (issue 14, item 3; SPEC §8).

A case's needs come from its facts (Welsh when anyone on it prefers Welsh, a child victim, a
bereaved family, a restricted patient, domestic abuse or stalking, a parole review, an exclusion
zone asked for) plus needs an SPO adds by hand with a reason. Most needs ask for one of the seven
skills; some also ask for training that has not expired; two (an interpreter, a high-profile
case) ask for no skill but weigh in the workload.

Pure rules: the service gathers the facts and passes them in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from victims.domain.vocabulary import Labelled, Skill


class Need(Labelled):
    WELSH = "welsh", "Welsh language"
    CHILD_VICTIMS = "child_victims", "Child victims"
    BEREAVED = "bereaved", "Bereaved family"
    RESTRICTED_PATIENTS = "restricted_patients", "Restricted patient"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse and stalking"
    PAROLE = "parole", "Parole review"
    MAPPING = "mapping", "Exclusion-zone map"
    INTERPRETER = "interpreter", "Interpreter needed"
    HIGH_PROFILE = "high_profile", "High-profile case"


class Course(Labelled):
    """The training courses the inspection counts (SPEC §8)."""

    SAFEGUARDING_ADULTS = "safeguarding_adults", "Safeguarding adults"
    SAFEGUARDING_CHILDREN = "safeguarding_children", "Safeguarding children"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PREVENT = "prevent", "Prevent"
    VICTIM_CONTACT_CORE = "victim_contact_core", "Victim contact core training"


# The skill each need asks for (None: no skill, it only weighs in the workload).
NEED_SKILL: dict[Need, Skill | None] = {
    Need.WELSH: Skill.WELSH,
    Need.CHILD_VICTIMS: Skill.CHILD_VICTIMS,
    Need.BEREAVED: Skill.BEREAVED,
    Need.RESTRICTED_PATIENTS: Skill.RESTRICTED_PATIENTS,
    Need.DOMESTIC_ABUSE: Skill.DOMESTIC_ABUSE,
    Need.PAROLE: Skill.PAROLE,
    Need.MAPPING: Skill.MAPPING,
    Need.INTERPRETER: None,
    Need.HIGH_PROFILE: None,
}

# Training every case needs, and the training particular needs add.
CORE_COURSES: tuple[Course, ...] = (Course.VICTIM_CONTACT_CORE, Course.SAFEGUARDING_ADULTS)
NEED_COURSES: dict[Need, tuple[Course, ...]] = {
    Need.CHILD_VICTIMS: (Course.SAFEGUARDING_CHILDREN,),
    Need.DOMESTIC_ABUSE: (Course.DOMESTIC_ABUSE,),
}
# A terrorism offence asks for Prevent training whatever else the case needs.
TERRORISM_COURSES: tuple[Course, ...] = (Course.PREVENT,)


@dataclass(frozen=True)
class NeedFacts:
    """The facts of one open case that needs are derived from."""

    languages: frozenset[str] = frozenset()  # Language values of the people on the case
    child_on_case: bool = False  # a victim under 18 today
    bereaved_family: bool = False  # a bereaved relative on the case
    restricted_patient: bool = False  # a hospital order with restrictions, or a transfer direction
    domestic_abuse: bool = False  # offence category domestic abuse, stalking or harassment
    parole: bool = False  # a sentence with a parole review (life, IPP, extended, or a PED)
    zone_requested: bool = False  # an exclusion zone asked for and not yet countersigned
    terrorism: bool = False
    manual: frozenset[Need] = field(default_factory=frozenset)  # added by an SPO with a reason


def derived_needs(facts: NeedFacts) -> frozenset[Need]:
    """The needs the facts alone give (without those added by hand)."""
    return needs_from(
        facts.languages,
        facts.child_on_case,
        facts.bereaved_family,
        facts.restricted_patient,
        facts.domestic_abuse,
        facts.parole,
        facts.zone_requested,
    )


def needs_from(
    languages: Collection[str],
    child_on_case: bool,
    bereaved_family: bool,
    restricted_patient: bool,
    domestic_abuse: bool,
    parole: bool,
    zone_requested: bool,
) -> frozenset[Need]:
    """derived_needs from the facts' values, for a list that reads hundreds of cases and need not
    make a NeedFacts of each (the arguments are NeedFacts' first fields, in order)."""
    found: set[Need] = set()
    if "cy" in languages:
        found.add(Need.WELSH)
    if child_on_case:
        found.add(Need.CHILD_VICTIMS)
    if bereaved_family:
        found.add(Need.BEREAVED)
    if restricted_patient:
        found.add(Need.RESTRICTED_PATIENTS)
    if domestic_abuse:
        found.add(Need.DOMESTIC_ABUSE)
    if parole:
        found.add(Need.PAROLE)
    if zone_requested:
        found.add(Need.MAPPING)
    return frozenset(found)


def case_needs(facts: NeedFacts) -> frozenset[Need]:
    return derived_needs(facts) | facts.manual


def ordered(needs: Iterable[Need]) -> list[Need]:
    """Needs in the order of the vocabulary, for display and for words."""
    chosen = set(needs)
    return [need for need in Need if need in chosen]


def skills_needed(needs: Iterable[Need]) -> frozenset[Skill]:
    return frozenset(skill for need in needs if (skill := NEED_SKILL[need]) is not None)


def courses_needed(needs: Iterable[Need], terrorism: bool = False) -> frozenset[Course]:
    courses = set(CORE_COURSES)
    for need in needs:
        courses.update(NEED_COURSES.get(need, ()))
    if terrorism:
        courses.update(TERRORISM_COURSES)
    return frozenset(courses)


@dataclass(frozen=True)
class TrainingHeld:
    course: Course
    completed_on: date
    expires_on: date | None  # None: does not expire


def valid_courses(records: Iterable[TrainingHeld], on: date) -> frozenset[Course]:
    """Courses completed on or before the day and not expired by it."""
    return frozenset(
        record.course
        for record in records
        if record.completed_on <= on and (record.expires_on is None or record.expires_on >= on)
    )


@dataclass(frozen=True)
class Fit:
    """How a VLO's skills and training meet a case's needs."""

    missing_skills: frozenset[Skill]
    missing_courses: frozenset[Course]
    met_skills: frozenset[Skill]

    @property
    def qualified(self) -> bool:
        return not self.missing_skills and not self.missing_courses


def fit(
    needs: Iterable[Need],
    skills: Iterable[Skill],
    courses: Iterable[Course],
    terrorism: bool = False,
) -> Fit:
    needs = list(needs)
    wanted_skills = skills_needed(needs)
    wanted_courses = courses_needed(needs, terrorism)
    held_skills, held_courses = frozenset(skills), frozenset(courses)
    return Fit(
        missing_skills=wanted_skills - held_skills,
        missing_courses=wanted_courses - held_courses,
        met_skills=wanted_skills & held_skills,
    )
