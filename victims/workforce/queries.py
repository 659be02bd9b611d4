"""Reads of the workforce: the workload model in force, each open case's facts (its stage, people,
needs and active work), and each VLO's workload. The one home of these facts: allocation,
absence, calibration and the lists all read them from here.

A fixed number of statements whatever the team's size or caseload: one for the cases, one each
for their people, events, open deadlines, pre-release work and manual needs, one for reductions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy import case as sql_case

from victims.cases.models import Case, CaseNeedRecord, Sentence
from victims.domain import deadlines as rules
from victims.domain.coming_of_age import is_child
from victims.domain.deadlines import OffenderEvent, earliest_release_date, event_code
from victims.domain.lifecycle import sentence_ends
from victims.domain.needs import Need, NeedFacts, case_needs, derived_needs
from victims.domain.prerelease import Stage as RequestStage
from victims.domain.prerelease import ZoneStatus
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    CaseStatus,
    ContactLevel,
    OffenceCategory,
    Relationship,
    Role,
    SentenceType,
)
from victims.domain.work import DeadlineStatus
from victims.domain.workload import (
    DEFAULT_WEIGHTS,
    CaseLoad,
    CasePoints,
    Reduction,
    StageFacts,
    Weights,
    WorkItem,
    Workload,
    case_points,
    stage_on,
    workload,
)
from victims.extensions import db
from victims.people.models import Person
from victims.prerelease.models import ConditionRequest, ExclusionZone
from victims.staff.models import Reduction as ReductionRecord
from victims.staff.models import User
from victims.work.models import CaseDeadline, OffenderEventRecord
from victims.workforce.models import WorkloadModelVersion

PAROLE_SENTENCES = frozenset({SentenceType.LIFE, SentenceType.IPP, SentenceType.EXTENDED, SentenceType.HMP})
RESTRICTED_SENTENCES = frozenset(
    {
        SentenceType.HOSPITAL_RESTRICTED,
        SentenceType.HOSPITAL_DIRECTION,
        SentenceType.TRANSFER_DIRECTION,
    }
)
DOMESTIC_ABUSE_OFFENCES = frozenset({OffenceCategory.DOMESTIC_ABUSE, OffenceCategory.STALKING_HARASSMENT})
REVIEW_LISTED = frozenset({OffenderEvent.PAROLE_REVIEW_LISTED, OffenderEvent.TRIBUNAL_HEARING_LISTED})
REVIEW_DECIDED = frozenset({OffenderEvent.PAROLE_DECISION, OffenderEvent.TRIBUNAL_DECISION})
RELEASED = frozenset({OffenderEvent.RELEASE, OffenderEvent.CONDITIONAL_DISCHARGE})
RETURNED = frozenset({OffenderEvent.RECALL, OffenderEvent.RECALL_TO_HOSPITAL})
STAGE_EVENTS = REVIEW_LISTED | REVIEW_DECIDED | RELEASED | RETURNED
# The open deadline that says a parole victim personal statement is being offered or prepared.
VPS_CODES = frozenset(
    {event_code(OffenderEvent.PAROLE_REVIEW_LISTED), event_code(OffenderEvent.TRIBUNAL_HEARING_LISTED)}
)
REQUEST_DONE = frozenset({RequestStage.INCLUDED, RequestStage.NOT_INCLUDED, RequestStage.TOLD})


# --- The model in force ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    number: int
    weights: Weights
    reason: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    created_by_id: int | None = None


DEFAULT_MODEL = Model(number=1, weights=DEFAULT_WEIGHTS, reason="The model's first numbers", source="default")


def current_model() -> Model:
    """The newest stored version, or the defaults (version 1) when none is stored."""
    record = db.session.scalar(
        select(WorkloadModelVersion).order_by(WorkloadModelVersion.number.desc()).limit(1)
    )
    if record is None:
        return DEFAULT_MODEL
    return _model(record)


def model_versions() -> list[Model]:
    """Every version, newest first, the defaults last."""
    records = db.session.scalars(select(WorkloadModelVersion).order_by(WorkloadModelVersion.number.desc()))
    return [_model(record) for record in records] + [DEFAULT_MODEL]


def _model(record: WorkloadModelVersion) -> Model:
    return Model(
        number=record.number,
        weights=Weights.from_json(record.weights),
        reason=record.reason,
        source=record.source,
        created_at=record.created_at,
        created_by_id=record.created_by_id,
    )


# --- A case's facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """Everything the workforce tool knows of one open case: no victim's name or contact details."""

    case_id: int
    team_id: int
    region_id: int
    offender_id: int
    allocated_vlo_id: int | None
    scheme: str
    load: CaseLoad
    stage_facts: StageFacts
    need_facts: NeedFacts
    # The model's weights the case's points are worked out with (when first asked for: a list
    # that filters by stage and needs never asks).
    weights: Weights
    # Release-related dates by their SENTENCE_DATES key, for peaks ahead.
    dates: dict[str, date | None]
    # The case's earliest open deadline, and its earliest open deadline due on or after the day
    # the facts were read (the lists' "overdue" and "due this week" filters).
    earliest_open_due: date | None = None
    next_open_due: date | None = None

    @cached_property
    def points(self) -> CasePoints:
        return case_points(self.load, self.weights)

    @property
    def needs(self) -> frozenset[Need]:
        return self.load.needs

    @property
    def derived_needs(self) -> frozenset[Need]:
        return derived_needs(self.need_facts)

    @property
    def terrorism(self) -> bool:
        return self.need_facts.terrorism


def facts_for_team(team_id: int, today: date, model: Model | None = None) -> dict[int, CaseFacts]:
    """Every open case of the team, allocated or not."""
    return _facts(Case.team_id == team_id, today, model)


def facts_for_vlos(user_ids: Iterable[int], today: date, model: Model | None = None) -> dict[int, CaseFacts]:
    """Every open case allocated to these VLOs."""
    return _facts(Case.allocated_vlo_id.in_(list(user_ids)), today, model)


def facts_for_cases(case_ids: Iterable[int], today: date, model: Model | None = None) -> dict[int, CaseFacts]:
    """These cases, if open (a closed case weighs nothing)."""
    return _facts(Case.id.in_(list(case_ids)), today, model)


def _read(statement: Select) -> Sequence[Row]:
    """Rows of columns, read without the ORM (nothing here is an entity): a list of 350 cases
    reads seven such statements, and the ORM's own work for each is a third of its cost."""
    return db.session.connection().execute(statement).all()


def _facts(where: ColumnElement[bool], today: date, model: Model | None) -> dict[int, CaseFacts]:
    weights = (model or current_model()).weights
    chosen = select(Case.id).where(where, Case.status == CaseStatus.OPEN).scalar_subquery()
    date_columns = [getattr(Sentence, key) for key in SENTENCE_DATES]
    rows = _read(
        select(
            Case.id,
            Case.team_id,
            Case.region_id,
            Case.offender_id,
            Case.allocated_vlo_id,
            Case.scheme,
            Sentence.sentence_type,
            Sentence.offence_category,
            *date_columns,
        )
        .join(Sentence, Sentence.id == Case.sentence_id)
        .where(Case.id.in_(chosen))
    )
    if not rows:
        return {}

    people: dict[int, list[tuple[str, str, date | None, str]]] = defaultdict(list)
    for case_id, relationship_, language, born, level in _read(
        select(
            Person.case_id, Person.relationship_, Person.language, Person.date_of_birth, Person.contact_level
        ).where(Person.case_id.in_(chosen))
    ):
        people[case_id].append((relationship_, language, born, level))

    events: dict[int, list[tuple[date, int, OffenderEvent]]] = defaultdict(list)
    for case_id, kind, occurred_on, event_id in _read(
        select(
            OffenderEventRecord.case_id,
            OffenderEventRecord.kind,
            OffenderEventRecord.occurred_on,
            OffenderEventRecord.id,
        ).where(OffenderEventRecord.case_id.in_(chosen), OffenderEventRecord.kind.in_(list(STAGE_EVENTS)))
    ):
        events[case_id].append((occurred_on, event_id, kind))

    # Each case's open deadlines, summed up in the database: the earliest, the earliest from
    # today, whether a closure review is open and how many victim personal statements are offered.
    closure_open: set[int] = set()
    vps: dict[int, int] = {}
    open_due: dict[int, tuple[date | None, date | None]] = {}
    for case_id, earliest, upcoming, closures, statements in _read(
        select(
            CaseDeadline.case_id,
            func.min(CaseDeadline.due_on),
            func.min(sql_case((CaseDeadline.due_on >= today, CaseDeadline.due_on), else_=None)),
            func.count(sql_case((CaseDeadline.code == rules.CLOSURE_DUE, 1), else_=None)),
            func.count(sql_case((CaseDeadline.code.in_(list(VPS_CODES)), 1), else_=None)),
        )
        .where(CaseDeadline.case_id.in_(chosen), CaseDeadline.status == DeadlineStatus.OPEN)
        .group_by(CaseDeadline.case_id)
    ):
        open_due[case_id] = (earliest, upcoming)
        if closures:
            closure_open.add(case_id)
        if statements:
            vps[case_id] = statements

    requests: dict[int, int] = defaultdict(int)
    for case_id, stage in _read(
        select(ConditionRequest.case_id, ConditionRequest.stage).where(ConditionRequest.case_id.in_(chosen))
    ):
        if stage not in REQUEST_DONE:
            requests[case_id] += 1
    zones: dict[int, int] = defaultdict(int)
    for case_id, status in _read(
        select(ExclusionZone.case_id, ExclusionZone.status).where(ExclusionZone.case_id.in_(chosen))
    ):
        if status != ZoneStatus.COUNTERSIGNED:
            zones[case_id] += 1

    manual: dict[int, set[Need]] = defaultdict(set)
    for case_id, need in _read(
        select(CaseNeedRecord.case_id, CaseNeedRecord.need).where(
            CaseNeedRecord.case_id.in_(chosen), CaseNeedRecord.removed_at.is_(None)
        )
    ):
        manual[case_id].add(Need(need))

    found: dict[int, CaseFacts] = {}
    for row in rows:
        case_id = row.id
        dates = {key: value for key, value in zip(SENTENCE_DATES, row[8:], strict=True)}
        sentence_type = SentenceType(row.sentence_type)
        present = [p for p in people.get(case_id, []) if p[3] != ContactLevel.OPTED_OUT]
        stage_facts = _stage_facts(dates, sentence_type, events.get(case_id, []), case_id in closure_open)
        need_facts = _need_facts(
            present,
            sentence_type,
            row.offence_category,
            dates,
            review_listed=any(kind in REVIEW_LISTED for _, _, kind in events.get(case_id, [])),
            zone_requested=zones.get(case_id, 0) > 0,
            manual=frozenset(manual.get(case_id, ())),
            today=today,
        )
        load = CaseLoad(
            case_id=case_id,
            stage=stage_on(stage_facts, today),
            people=len(present),
            needs=case_needs(need_facts),
            items={
                WorkItem.CONDITION_REQUEST: requests.get(case_id, 0),
                WorkItem.ZONE_MAP: zones.get(case_id, 0),
                WorkItem.PAROLE_VPS: vps.get(case_id, 0),
            },
        )
        found[case_id] = CaseFacts(
            case_id=case_id,
            team_id=row.team_id,
            region_id=row.region_id,
            offender_id=row.offender_id,
            allocated_vlo_id=row.allocated_vlo_id,
            scheme=row.scheme,
            load=load,
            stage_facts=stage_facts,
            need_facts=need_facts,
            weights=weights,
            dates=dates,
            earliest_open_due=open_due.get(case_id, (None, None))[0],
            next_open_due=open_due.get(case_id, (None, None))[1],
        )
    return found


def _need_facts(
    present: list[tuple[str, str, date | None, str]],
    sentence_type: SentenceType,
    offence_category: str,
    dates: dict[str, date | None],
    *,
    review_listed: bool,
    zone_requested: bool,
    manual: frozenset[Need],
    today: date,
) -> NeedFacts:
    """A case's need facts from its people not opted out (relationship, language, date of birth,
    contact level), its sentence, whether a parole review or tribunal hearing has been listed and
    whether a zone map is asked for and not yet countersigned."""
    child_on_case = bereaved_family = False
    for relationship_, _language, born, _level in present:
        if relationship_ == Relationship.PARENT_GUARDIAN or (
            relationship_ == Relationship.VICTIM and is_child(born, today)
        ):
            child_on_case = True
        elif relationship_ == Relationship.BEREAVED_RELATIVE:
            bereaved_family = True
    return NeedFacts(
        languages=frozenset(p[1] for p in present),
        child_on_case=child_on_case,
        bereaved_family=bereaved_family,
        restricted_patient=sentence_type in RESTRICTED_SENTENCES,
        domestic_abuse=offence_category in DOMESTIC_ABUSE_OFFENCES,
        parole=sentence_type in PAROLE_SENTENCES or dates.get("ped") is not None or review_listed,
        zone_requested=zone_requested,
        terrorism=offence_category == OffenceCategory.TERRORISM,
        manual=manual,
    )


def need_facts_for_case(case: Case, manual: Iterable[Need], today: date) -> NeedFacts | None:
    """One open case's need facts, as facts_for_cases gives them, for the case page: from the case
    with its sentence and people already loaded and the needs added by hand already read, in one
    more statement (a review listed? a zone map waiting?). None for a closed case."""
    if case.status != CaseStatus.OPEN:
        return None
    sentence = case.sentence
    review_listed, zone_requested = db.session.execute(
        select(
            select(OffenderEventRecord.id)
            .where(OffenderEventRecord.case_id == case.id, OffenderEventRecord.kind.in_(list(REVIEW_LISTED)))
            .exists(),
            select(ExclusionZone.id)
            .where(ExclusionZone.case_id == case.id, ExclusionZone.status != ZoneStatus.COUNTERSIGNED)
            .exists(),
        )
    ).one()
    present = [
        (person.relationship_, person.language, person.date_of_birth, person.contact_level)
        for person in case.people
        if person.contact_level != ContactLevel.OPTED_OUT
    ]
    return _need_facts(
        present,
        SentenceType(sentence.sentence_type),
        sentence.offence_category,
        {key: getattr(sentence, key) for key in SENTENCE_DATES},
        review_listed=bool(review_listed),
        zone_requested=bool(zone_requested),
        manual=frozenset(manual),
        today=today,
    )


def _stage_facts(
    dates: dict[str, date | None],
    sentence_type: SentenceType,
    events: list[tuple[date, int, OffenderEvent]],
    closure_open: bool,
) -> StageFacts:
    """Read the stage's facts: the latest of each pair of events decides (a review listed after
    the last decision is active; a release after the last recall stands)."""
    listed = decided = released = returned = None
    if events:  # most cases have none of these events
        listed = max((e for e in events if e[2] in REVIEW_LISTED), default=None)
        decided = max((e for e in events if e[2] in REVIEW_DECIDED), default=None)
        released = max((e for e in events if e[2] in RELEASED), default=None)
        returned = max((e for e in events if e[2] in RETURNED), default=None)
    review_active = listed is not None and (decided is None or decided < listed)
    released_on = released[0] if released is not None and (returned is None or returned < released) else None
    return StageFacts(
        earliest_release=earliest_release_date(dates) if returned is None else dates.get("prrd"),
        released_on=released_on,
        sentence_ends=sentence_ends(dates),
        parole_review_active=review_active,
        closure_review_open=closure_open,
        in_community=sentence_type == SentenceType.COMMUNITY,
    )


# --- Workloads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VloWorkload:
    user_id: int
    name: str
    contracted_hours: Decimal
    workload: Workload
    cases: list[CaseFacts]


def reductions_for(user_ids: Iterable[int]) -> dict[int, list[Reduction]]:
    """Every reduction of these users (past, present and future), as the domain reads them."""
    found: dict[int, list[Reduction]] = defaultdict(list)
    for record in db.session.scalars(
        select(ReductionRecord)
        .where(ReductionRecord.user_id.in_(list(user_ids)))
        .order_by(ReductionRecord.starts_on)
    ):
        found[record.user_id].append(
            Reduction(
                kind=record.kind, hours=record.hours, starts_on=record.starts_on, ends_on=record.ends_on
            )
        )
    return found


def team_workloads(team_id: int, today: date, model: Model | None = None) -> list[VloWorkload]:
    """Each active VLO of the team with their open cases and workload, by name."""
    model = model or current_model()
    vlos = db.session.execute(
        select(User.id, User.name, User.contracted_hours)
        .where(User.team_id == team_id, User.role == Role.VLO.value, User.active.is_(True))
        .order_by(User.name)
    ).all()
    facts = facts_for_vlos([vlo.id for vlo in vlos], today, model)
    return _workloads(vlos, facts, today, model)


def vlo_workload(user_id: int, today: date, model: Model | None = None) -> VloWorkload | None:
    model = model or current_model()
    vlos = db.session.execute(
        select(User.id, User.name, User.contracted_hours).where(User.id == user_id)
    ).all()
    if not vlos:
        return None
    return _workloads(vlos, facts_for_vlos([user_id], today, model), today, model)[0]


def _workloads(vlos, facts: dict[int, CaseFacts], today: date, model: Model) -> list[VloWorkload]:
    by_vlo: dict[int, list[CaseFacts]] = defaultdict(list)
    for fact in facts.values():
        if fact.allocated_vlo_id is not None:
            by_vlo[fact.allocated_vlo_id].append(fact)
    reductions = reductions_for([vlo.id for vlo in vlos])
    return [
        VloWorkload(
            user_id=vlo.id,
            name=vlo.name,
            contracted_hours=vlo.contracted_hours,
            workload=workload(
                vlo.id,
                [fact.load for fact in by_vlo.get(vlo.id, [])],
                vlo.contracted_hours,
                reductions.get(vlo.id, []),
                today,
                model.weights,
                scored={fact.case_id: fact.points for fact in by_vlo.get(vlo.id, [])},
            ),
            cases=sorted(by_vlo.get(vlo.id, []), key=lambda fact: fact.case_id),
        )
        for vlo in vlos
    ]
