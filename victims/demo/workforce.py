"""The demo's workforce (issue 14, item 9): training records (most valid, some expiring soon, some
expired, one VLO without safeguarding children), reductions (the part-time VLO's phased return,
a training course, union duties), one VLO on planned leave today with a named cover VLO, time
recorded over the last 90 days for calibration, two needs an SPO added by hand, and
licence-condition requests and exclusion zones in progress (through the services). Skills are
in `victims.demo.staff.STAFF`."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from victims import clock
from victims.absences import services as absences
from victims.cases.models import Case, CaseNeedRecord
from victims.demo.staff import STAFF, TEAMS, email_of
from victims.domain.calibration import QUICK_MINUTES, TimeKind
from victims.domain.cover import AbsenceKind
from victims.domain.needs import Course, Need
from victims.domain.prerelease import ConditionType, StepInput
from victims.domain.prerelease import Stage as RequestStage
from victims.domain.vocabulary import CaseStatus, ContactLevel, Role
from victims.domain.workload import ReductionKind, Stage
from victims.extensions import db
from victims.people.models import Person
from victims.prerelease import services as prerelease
from victims.refusals import Refused
from victims.staff.models import Absence, Reduction, Team, TrainingRecord, User, UserSkill
from victims.workforce import queries as workforce
from victims.workforce.models import TimeRecord

# Years each course stays valid (None: it does not expire).
VALID_YEARS: dict[Course, int | None] = {
    Course.SAFEGUARDING_ADULTS: 3,
    Course.SAFEGUARDING_CHILDREN: 3,
    Course.DOMESTIC_ABUSE: 3,
    Course.PREVENT: 2,
    Course.VICTIM_CONTACT_CORE: None,
}
# Exceptions to "valid, renewed some while ago", by first name: days from today the course
# expires (negative: expired), or None for a course never taken.
TRAINING_EXCEPTIONS: dict[str, dict[Course, int | None]] = {
    "Ben": {Course.SAFEGUARDING_CHILDREN: None},
    "Chloe": {Course.PREVENT: -62},
    "Daniel": {Course.SAFEGUARDING_ADULTS: 19},
    "Farid": {Course.DOMESTIC_ABUSE: -11, Course.SAFEGUARDING_CHILDREN: 44},
    "Hana": {Course.PREVENT: 27},
}
# (first name, kind, hours, starts days from today, ends days from today or None, notes)
REDUCTIONS = [
    ("Grace", ReductionKind.PHASED_RETURN, Decimal("4.5"), -21, 35, "Phased return after a long absence"),
    ("Erin", ReductionKind.TRAINING, Decimal("3.0"), -7, 49, "Practice educator course, one morning a week"),
    ("Farid", ReductionKind.UNION_DUTIES, Decimal("2.0"), -400, None, "Union representative"),
]
# On planned leave today, and who covers (same team).
ON_LEAVE, COVER = "Chloe", "Amelia"
LEAVE_DAYS = (-2, 8)
# Minutes a point of work takes, roughly: what the recorded time is drawn around.
MINUTES_PER_POINT = 3.0
TIME_CASES_PER_VLO = 30


def _user(first_name: str) -> User:
    role = next(role for role, first, _team, _skills in STAFF if first == first_name)
    return db.session.scalars(select(User).where(User.email == email_of(role, first_name))).one()


def add_workforce(echo) -> None:
    today = clock.today()
    rnd = random.Random(14)
    add_training(today, rnd)
    add_reductions(today)
    add_absence_examples()
    add_case_needs()
    add_work_in_progress(echo)
    db.session.flush()
    add_time_records(today, rnd)
    db.session.flush()


def add_training(today: date, rnd: random.Random) -> None:
    """Every VLO and SPO's five courses, renewed some while ago; the exceptions as listed. Amelia
    renewed safeguarding adults this year, so her expired record is kept beside the new one."""
    rows = []
    staff = [(role, first) for role, first, _team, _skills in STAFF if role in (Role.VLO, Role.SPO)]
    for role, first in staff:
        user = db.session.scalars(select(User).where(User.email == email_of(role, first))).one()
        for course, years in VALID_YEARS.items():
            exception = TRAINING_EXCEPTIONS.get(first, {})
            if course in exception and exception[course] is None:
                continue
            if course in exception:
                expires = today + timedelta(days=exception[course])  # type: ignore[operator]
                completed = expires - timedelta(days=365 * (years or 3))
            else:
                completed = today - timedelta(days=rnd.randint(30, 365 * (years or 4) - 120))
                expires = completed + timedelta(days=365 * years) if years else None
            rows.append(
                TrainingRecord(user_id=user.id, course=course, completed_on=completed, expires_on=expires)
            )
    amelia = _user("Amelia")
    old = today - timedelta(days=365 * 3 + 40)
    rows.append(
        TrainingRecord(
            user_id=amelia.id,
            course=Course.SAFEGUARDING_ADULTS,
            completed_on=old,
            expires_on=old + timedelta(days=365 * 3),
        )
    )
    db.session.add_all(rows)


def add_reductions(today: date) -> None:
    for first, kind, hours, starts, ends, notes in REDUCTIONS:
        db.session.add(
            Reduction(
                user_id=_user(first).id,
                kind=kind,
                hours=hours,
                starts_on=today + timedelta(days=starts),
                ends_on=today + timedelta(days=ends) if ends is not None else None,
                notes=notes,
            )
        )


def add_absence_examples() -> Absence:
    """Chloe is on planned leave today, with Amelia named to cover: recorded by their SPO through
    the absence service, so her open tasks move to Amelia now and come back on her return."""
    today = clock.today()
    away, cover = _user(ON_LEAVE), _user(COVER)
    spo = db.session.scalars(
        select(User).where(User.team_id == away.team_id, User.role == Role.SPO.value)
    ).one()
    return absences.record(
        absences.AbsenceDetails(
            user_id=away.id,
            kind=AbsenceKind.LEAVE,
            starts_on=today + timedelta(days=LEAVE_DAYS[0]),
            ends_on=today + timedelta(days=LEAVE_DAYS[1]),
            cover_user_id=cover.id,
        ),
        spo,
    )


# (VLO, need, reason): an SPO adds a need the facts cannot show.
HAND_NEEDS = [
    (
        "Erin",
        Need.INTERPRETER,
        "The victim's first language is Polish: she asked for an interpreter at visits.",
    ),
    ("Amelia", Need.HIGH_PROFILE, "Reported in the national press; media enquiries go to the press office."),
]


def add_case_needs() -> None:
    for first, need, reason in HAND_NEEDS:
        vlo = _user(first)
        spo = db.session.scalars(
            select(User).where(User.team_id == vlo.team_id, User.role == Role.SPO.value)
        ).one()
        case_id = db.session.scalar(
            select(Case.id)
            .where(Case.allocated_vlo_id == vlo.id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id.desc())
            .limit(1)
        )
        db.session.add(CaseNeedRecord(case_id=case_id, need=need, reason=reason, added_by_id=spo.id))


REQUESTS = [
    (
        ConditionType.NO_CONTACT_VICTIM,
        "I don't want him to contact me or my children.",
        "Not to contact the victim.",
    ),
    (ConditionType.NAMED_PLACE, "Keep him away from my street.", "Not to enter the named road."),
    (ConditionType.RESIDE_IN_REGION, "He should not live anywhere near us.", None),
]


def add_work_in_progress(echo) -> None:
    """Licence-condition requests in progress on cases in the pre-release window (two for each
    VLO, some with wording drafted), a draft exclusion zone on two mapping VLOs' cases, and maps
    asked for on two unallocated cases in each team's queue: through the services."""
    today = clock.today()
    try:
        for team_name in TEAMS:
            team = db.session.scalars(select(Team).where(Team.name == team_name)).one()
            spo = db.session.scalars(
                select(User).where(User.team_id == team.id, User.role == Role.SPO.value)
            ).one()
            facts = workforce.facts_for_team(team.id, today)
            window = sorted(f.case_id for f in facts.values() if f.load.stage == Stage.PRE_RELEASE)
            by_vlo: dict[int, list[int]] = {}
            for case_id in window:
                owner = facts[case_id].allocated_vlo_id
                if owner is not None:
                    by_vlo.setdefault(owner, []).append(case_id)
            vlos = {
                user.id: user
                for user in db.session.scalars(
                    select(User).where(User.team_id == team.id, User.role == Role.VLO.value)
                )
            }
            for vlo_id, case_ids in sorted(by_vlo.items()):
                # The last cases in the window: the examples and the end-to-end tests use the first.
                for number, case_id in enumerate(case_ids[-2:]):
                    kind, words, wording = REQUESTS[(vlo_id + number) % len(REQUESTS)]
                    case, person = _case_and_victim(case_id)
                    if person is None:
                        continue
                    request = prerelease.add_request(case, person, kind, words, vlos[vlo_id])
                    if wording:
                        prerelease.step(
                            request, RequestStage.DRAFTED, StepInput(wording=wording), vlos[vlo_id]
                        )
            mappers = [vlo for vlo in vlos.values() if any(s == "mapping" for s in _skills(vlo.id))]
            for mapper in mappers[:1]:
                mine = by_vlo.get(mapper.id, [])
                if len(mine) > 3:
                    case, person = _case_and_victim(mine[-3])
                    if person is not None:
                        prerelease.add_request(
                            case, person, ConditionType.EXCLUSION_ZONE, "Keep him out of the village.", mapper
                        )
            queue = sorted(f.case_id for f in facts.values() if f.allocated_vlo_id is None)
            for case_id in queue[-2:]:
                case, person = _case_and_victim(case_id)
                if person is not None:
                    prerelease.add_request(
                        case, person, ConditionType.EXCLUSION_ZONE, "Keep him away from where I work.", spo
                    )
    except Refused as refused:
        db.session.rollback()
        echo(f"Demo requests in progress skipped: {refused}")


def _skills(user_id: int) -> list[str]:
    return list(db.session.scalars(select(UserSkill.skill).where(UserSkill.user_id == user_id)))


def _case_and_victim(case_id: int) -> tuple[Case, Person | None]:
    case = db.session.get(Case, case_id)
    person = db.session.scalars(
        select(Person)
        .where(Person.case_id == case_id, Person.contact_level != ContactLevel.OPTED_OUT.value)
        .order_by(Person.id)
        .limit(1)
    ).first()
    return case, person


def add_time_records(today: date, rnd: random.Random) -> None:
    """A few hundred records over the last 90 days: on some of each VLO's cases, minutes drawn
    around the case's points (by its stage and what makes it harder) with noise, often one of the
    one-click amounts, so the calibration report has something sensible to fit."""
    vlos = db.session.scalars(select(User).where(User.role == Role.VLO.value).order_by(User.id)).all()
    facts = workforce.facts_for_vlos([vlo.id for vlo in vlos], today)
    by_vlo: dict[int, list] = {}
    for fact in sorted(facts.values(), key=lambda f: f.case_id):
        by_vlo.setdefault(fact.allocated_vlo_id, []).append(fact)
    rows = []
    for vlo in vlos:
        held = by_vlo.get(vlo.id, [])
        for fact in rnd.sample(held, min(TIME_CASES_PER_VLO, len(held))):
            for _ in range(rnd.choice([1, 1, 2, 3])):
                minutes = fact.points.total * MINUTES_PER_POINT * math.exp(rnd.gauss(0, 0.35))
                minutes = max(5, min(240, round(minutes)))
                near = min(QUICK_MINUTES, key=lambda quick: abs(quick - minutes))
                if abs(near - minutes) <= 0.2 * minutes and rnd.random() < 0.6:
                    minutes = near  # a one-click amount
                kind = rnd.choice(
                    [TimeKind.CONTACT, TimeKind.CONTACT, TimeKind.LETTER, TimeKind.TASK]
                    + ([TimeKind.CONDITION_REQUEST] if fact.load.stage == Stage.PRE_RELEASE else [])
                )
                worked_on = today - timedelta(days=rnd.randint(0, 89))
                while worked_on.weekday() >= 5:
                    worked_on -= timedelta(days=1)
                rows.append(
                    TimeRecord(
                        user_id=vlo.id,
                        case_id=fact.case_id,
                        kind=kind,
                        minutes=minutes,
                        stage=fact.load.stage,
                        worked_on=worked_on,
                    )
                )
    db.session.add_all(rows)
