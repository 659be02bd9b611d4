"""Ranking VLOs for a case, and planning many cases at once (issue 14, item 4 and item 5).

An SPO sees, for each unallocated case or task, the team's VLOs in this order:

1. those who hold every needed skill and valid training before those who do not (a needed
   skill beats spare capacity); among those who do not, fewer missing skills first, then fewer
   missing courses;
2. among them, those with room (capacity after taking it at most 100%) before those who would
   go over (so over capacity is never first while someone qualified has room);
3. then continuity: already holds a case for the same offender or victim;
4. then the lower capacity after taking it;
5. then fewer peaks (work falling due in the next 30 days);
6. then by name, so ties are stable.

Someone away today goes after everyone who is here, whatever else (they cannot pick it up).
Each suggestion carries its reason in words ("Welsh and child victims; 92% → 94%").

A plan places many cases greedily: hardest first (most needs, then most points), each to the
first-ranked VLO, whose points and cases then include it before the next case is ranked.

Pure rules: the service reads the facts and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from victims.domain.needs import NEED_SKILL, Course, Need, fit
from victims.domain.vocabulary import Skill
from victims.domain.workload import capacity_percent

FULL = 100

# The short words for a skill in a reason ("Welsh and child victims").
SKILL_WORDS: dict[Skill, str] = {
    Skill.WELSH: "Welsh",
    Skill.CHILD_VICTIMS: "child victims",
    Skill.BEREAVED: "bereaved families",
    Skill.RESTRICTED_PATIENTS: "restricted patients",
    Skill.DOMESTIC_ABUSE: "domestic abuse",
    Skill.PAROLE: "parole",
    Skill.MAPPING: "mapping",
}
COURSE_WORDS: dict[Course, str] = {
    Course.SAFEGUARDING_ADULTS: "safeguarding adults",
    Course.SAFEGUARDING_CHILDREN: "safeguarding children",
    Course.DOMESTIC_ABUSE: "domestic abuse",
    Course.PREVENT: "Prevent",
    Course.VICTIM_CONTACT_CORE: "victim contact core",
}
SKILL_ORDER: list[Skill] = [skill for need in Need if (skill := NEED_SKILL[need]) is not None]


@dataclass(frozen=True)
class Candidate:
    """A VLO as the ranking sees them."""

    user_id: int
    name: str
    skills: frozenset[Skill]
    courses: frozenset[Course]  # valid today
    used_points: int
    available_points: int
    cases: int = 0
    peaks: int = 0  # work falling due in the next 30 days
    case_ids: frozenset[int] = frozenset()  # open cases held (for continuity)
    offender_ids: frozenset[int] = frozenset()  # offenders of the open cases held
    away: bool = False
    away_until: date | None = None  # the last day away (None: not known)

    def taking(self, case: CaseToPlace) -> Candidate:
        """The candidate once the case is theirs (for the next case of a plan)."""
        return replace(
            self,
            used_points=self.used_points + case.points,
            cases=self.cases + 1,
            case_ids=self.case_ids | {case.case_id},
            offender_ids=self.offender_ids | ({case.offender_id} if case.offender_id is not None else set()),
        )


@dataclass(frozen=True)
class CaseToPlace:
    """A case (or a task's case) as the ranking sees it: no victim's name, only ids."""

    case_id: int
    needs: frozenset[Need]
    points: int
    offender_id: int | None = None
    terrorism: bool = False
    victim_case_ids: frozenset[int] = frozenset()  # other open cases with the same victim


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    missing_skills: tuple[Skill, ...]
    missing_courses: tuple[Course, ...]
    met_skills: tuple[Skill, ...]
    now: int | None  # capacity % today (None: no available points)
    after: int | None  # capacity % after taking it
    same_offender: bool
    same_victim: bool
    words: str

    @property
    def user_id(self) -> int:
        return self.candidate.user_id

    @property
    def qualified(self) -> bool:
        return not self.missing_skills and not self.missing_courses

    @property
    def over_capacity(self) -> bool:
        return self.after is None or self.after > FULL

    @property
    def continuity(self) -> bool:
        return self.same_offender or self.same_victim

    @property
    def needs_reason(self) -> bool:
        """Choosing this VLO overrides a rule: the SPO must say why, and the audit flags it."""
        return not self.qualified or self.over_capacity

    def overridden(self) -> dict[str, object]:
        """What choosing this VLO overrides, in codes and percentages only (for the audit)."""
        found: dict[str, object] = {}
        if self.missing_skills:
            found["missing_skills"] = [skill.value for skill in self.missing_skills]
        if self.missing_courses:
            found["missing_courses"] = [course.value for course in self.missing_courses]
        if self.over_capacity:
            found["capacity_before"] = self.now
            found["capacity_after"] = self.after
        return found


def percent_words(value: int | None) -> str:
    return "no available points" if value is None else f"{value}%"


def _and(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _day(value: date) -> str:
    return f"{value.day} {value:%B}"


def _sorted_skills(skills: Iterable[Skill]) -> tuple[Skill, ...]:
    chosen = set(skills)
    return tuple(skill for skill in SKILL_ORDER if skill in chosen)


def _sorted_courses(courses: Iterable[Course]) -> tuple[Course, ...]:
    chosen = set(courses)
    return tuple(course for course in Course if course in chosen)


def suggest(case: CaseToPlace, candidate: Candidate) -> Suggestion:
    """One VLO for one case, with the reason in words."""
    held = fit(case.needs, candidate.skills, candidate.courses, case.terrorism)
    missing_skills = _sorted_skills(held.missing_skills)
    missing_courses = _sorted_courses(held.missing_courses)
    met = _sorted_skills(held.met_skills)
    now = capacity_percent(candidate.used_points, candidate.available_points)
    after = capacity_percent(candidate.used_points + case.points, candidate.available_points)
    same_offender = case.offender_id is not None and case.offender_id in candidate.offender_ids
    same_victim = bool(case.victim_case_ids & candidate.case_ids)

    # Each part starts in lower case (but for a proper noun); the first letter of all is raised.
    parts: list[str] = []
    if candidate.away:
        parts.append(f"away until {_day(candidate.away_until)}" if candidate.away_until else "away")
    if missing_skills:
        parts.append(f"no {_and([SKILL_WORDS[s] for s in missing_skills])} skill")
    elif met:
        parts.append(_and([SKILL_WORDS[s] for s in met]))
    if missing_courses:
        parts.append(f"no valid {_and([COURSE_WORDS[c] for c in missing_courses])} training")
    if same_offender:
        parts.append("already holds a case for this offender")
    elif same_victim:
        parts.append("already holds a case for this victim")
    if now is None:
        parts.append("no available points")
    else:
        capacity = f"{now}% → {percent_words(after)}"
        if after is not None and after > FULL:
            capacity += " (over capacity)"
        parts.append(capacity)
    words = "; ".join(parts)
    return Suggestion(
        candidate=candidate,
        missing_skills=missing_skills,
        missing_courses=missing_courses,
        met_skills=met,
        now=now,
        after=after,
        same_offender=same_offender,
        same_victim=same_victim,
        words=words[0].upper() + words[1:],
    )


def _key(suggestion: Suggestion) -> tuple[bool, bool, int, int, bool, bool, int, int, str, int]:
    after = suggestion.after if suggestion.after is not None else 10**9
    return (
        suggestion.candidate.away,
        not suggestion.qualified,
        len(suggestion.missing_skills),  # among those not qualified: a needed skill still counts first
        len(suggestion.missing_courses),
        suggestion.over_capacity,
        not suggestion.continuity,
        after,
        suggestion.candidate.peaks,
        suggestion.candidate.name,
        suggestion.candidate.user_id,
    )


def rank(case: CaseToPlace, candidates: Iterable[Candidate]) -> list[Suggestion]:
    """Every candidate for the case, best first (see the module's rules)."""
    return sorted((suggest(case, candidate) for candidate in candidates), key=_key)


def hardest_first(cases: Iterable[CaseToPlace]) -> list[CaseToPlace]:
    """Most needs first, then most points; then the case's id for a stable order."""
    return sorted(cases, key=lambda case: (-len(case.needs), -case.points, case.case_id))


@dataclass(frozen=True)
class Placement:
    case: CaseToPlace
    suggestion: Suggestion | None  # None: nobody to give it to


@dataclass(frozen=True)
class Plan:
    placements: list[Placement]
    before: Mapping[int, Candidate]  # user id -> the candidate before the plan
    after: Mapping[int, Candidate] = field(default_factory=dict)  # and after it

    def chosen(self) -> dict[int, int | None]:
        return {
            placement.case.case_id: placement.suggestion.user_id if placement.suggestion else None
            for placement in self.placements
        }


def plan(
    cases: Iterable[CaseToPlace],
    candidates: Iterable[Candidate],
    chosen: Mapping[int, int] | None = None,
) -> Plan:
    """Place the cases one by one, hardest first, each to the best-ranked VLO as they stand once
    the cases before it are theirs. `chosen` fixes some cases to a VLO (the SPO's edits): those
    are placed as asked (still worked out, so their reasons and capacity show)."""
    people = {candidate.user_id: candidate for candidate in candidates}
    before = dict(people)
    chosen = dict(chosen or {})
    placements: list[Placement] = []
    for case in hardest_first(cases):
        ranked = rank(case, people.values())
        wanted = chosen.get(case.case_id)
        pick: Suggestion | None
        if wanted is not None and wanted in people:
            pick = next(s for s in ranked if s.user_id == wanted)
        else:
            pick = ranked[0] if ranked else None
        if pick is not None:
            people[pick.user_id] = people[pick.user_id].taking(case)
        placements.append(Placement(case=case, suggestion=pick))
    return Plan(placements=placements, before=before, after=people)
