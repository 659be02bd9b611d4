"""Reads of the workforce: the workload model in force, each open case's facts (its stage, people,
needs and active work), and each VLO's workload. The one home of these facts: allocation,
absence, calibration and the lists all read them from here.

A fixed number of statements whatever the team's size or caseload: one for the cases, one each
for their people, events, open deadlines, pre-release work and manual needs, one for reductions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, select

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
    points: CasePoints
    # Release-related dates by their SENTENCE_DATES key, for peaks ahead.
    dates: dict[str, date | None]

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


def _facts(where: ColumnElement[bool], today: date, model: Model | None) -> dict[int, CaseFacts]:
    weights = (model or current_model()).weights
    chosen = select(Case.id).where(where, Case.status == CaseStatus.OPEN).scalar_subquery()
    date_columns = [getattr(Sentence, key) for key in SENTENCE_DATES]
    rows = db.session.execute(
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
    ).all()
    if not rows:
        return {}

    people: dict[int, list[tuple[str, str, date | None, str]]] = defaultdict(list)
    for case_id, relationship_, language, born, level in db.session.execute(
        select(
            Person.case_id, Person.relationship_, Person.language, Person.date_of_birth, Person.contact_level
        ).where(Person.case_id.in_(chosen))
    ):
        people[case_id].append((relationship_, language, born, level))

    events: dict[int, list[tuple[date, int, OffenderEvent]]] = defaultdict(list)
    for case_id, kind, occurred_on, event_id in db.session.execute(
        select(
            OffenderEventRecord.case_id,
            OffenderEventRecord.kind,
            OffenderEventRecord.occurred_on,
            OffenderEventRecord.id,
        ).where(OffenderEventRecord.case_id.in_(chosen), OffenderEventRecord.kind.in_(list(STAGE_EVENTS)))
    ):
        events[case_id].append((occurred_on, event_id, kind))

    closure_open: set[int] = set()
    vps: dict[int, int] = defaultdict(int)
    for case_id, code in db.session.execute(
        select(CaseDeadline.case_id, CaseDeadline.code).where(
            CaseDeadline.case_id.in_(chosen),
            CaseDeadline.status == DeadlineStatus.OPEN,
            CaseDeadline.code.in_([rules.CLOSURE_DUE, *VPS_CODES]),
        )
    ):
        if code == rules.CLOSURE_DUE:
            closure_open.add(case_id)
        else:
            vps[case_id] += 1

    requests: dict[int, int] = defaultdict(int)
    for case_id, stage in db.session.execute(
        select(ConditionRequest.case_id, ConditionRequest.stage).where(ConditionRequest.case_id.in_(chosen))
    ):
        if stage not in REQUEST_DONE:
            requests[case_id] += 1
    zones: dict[int, int] = defaultdict(int)
    for case_id, status in db.session.execute(
        select(ExclusionZone.case_id, ExclusionZone.status).where(ExclusionZone.case_id.in_(chosen))
    ):
        if status != ZoneStatus.COUNTERSIGNED:
            zones[case_id] += 1

    manual: dict[int, set[Need]] = defaultdict(set)
    for case_id, need in db.session.execute(
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
        need_facts = NeedFacts(
            languages=frozenset(p[1] for p in present),
            child_on_case=any(p[0] == Relationship.VICTIM and is_child(p[2], today) for p in present)
            or any(p[0] == Relationship.PARENT_GUARDIAN for p in present),
            bereaved_family=any(p[0] == Relationship.BEREAVED_RELATIVE for p in present),
            restricted_patient=sentence_type in RESTRICTED_SENTENCES,
            domestic_abuse=row.offence_category in DOMESTIC_ABUSE_OFFENCES,
            parole=sentence_type in PAROLE_SENTENCES
            or dates.get("ped") is not None
            or any(kind in REVIEW_LISTED for _, _, kind in events.get(case_id, [])),
            zone_requested=zones.get(case_id, 0) > 0,
            terrorism=row.offence_category == OffenceCategory.TERRORISM,
            manual=frozenset(manual.get(case_id, ())),
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
            points=case_points(load, weights),
            dates=dates,
        )
    return found


def _stage_facts(
    dates: dict[str, date | None],
    sentence_type: SentenceType,
    events: list[tuple[date, int, OffenderEvent]],
    closure_open: bool,
) -> StageFacts:
    """Read the stage's facts: the latest of each pair of events decides (a review listed after
    the last decision is active; a release after the last recall stands)."""
    ordered = sorted(events)
    listed = max((e for e in ordered if e[2] in REVIEW_LISTED), default=None)
    decided = max((e for e in ordered if e[2] in REVIEW_DECIDED), default=None)
    released = max((e for e in ordered if e[2] in RELEASED), default=None)
    returned = max((e for e in ordered if e[2] in RETURNED), default=None)
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
