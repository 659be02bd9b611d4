"""Reads of the workforce: the workload model in force, each open case's facts (its stage, people,
needs and active work), and each VLO's workload. The one home of these facts: allocation,
absence, calibration and the lists all read them from here.

A fixed number of statements whatever the team's size or caseload: one for the cases (with their
open deadlines summed up, their zones waiting and their needs added by hand), one each for their
people and events, and, for CaseFacts, one for the model and one for condition requests (a list's
filters, ListFacts, need neither); one for reductions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, Row, Select, bindparam, func, select
from sqlalchemy import case as sql_case

from victims.cases.models import Case, CaseNeedRecord, Sentence
from victims.domain import deadlines as rules
from victims.domain.coming_of_age import is_child
from victims.domain.deadlines import OffenderEvent, earliest_release_date, event_code
from victims.domain.lifecycle import sentence_ends
from victims.domain.needs import Need, NeedFacts, case_needs, derived_needs, needs_from
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
    Stage,
    StageFacts,
    Weights,
    WorkItem,
    Workload,
    case_points,
    stage_of,
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
    return _facts(("team", {"scope_team": team_id}), today, model)


def facts_for_vlos(user_ids: Iterable[int], today: date, model: Model | None = None) -> dict[int, CaseFacts]:
    """Every open case allocated to these VLOs."""
    return _facts(("vlos", {"scope_ids": list(user_ids)}), today, model)


def facts_for_cases(case_ids: Iterable[int], today: date, model: Model | None = None) -> dict[int, CaseFacts]:
    """These cases, if open (a closed case weighs nothing)."""
    return _facts(("cases", {"scope_ids": list(case_ids)}), today, model)


def _read(statement: Select, params: dict | None = None) -> Sequence[Row]:
    """Rows of columns, read without the ORM (nothing here is an entity): a list of 350 cases
    reads three such statements, and the ORM's own work for each is a third of its cost."""
    return db.session.connection().execute(statement, params).all()


# Which open cases facts are read for: a condition on the case whose values are bound when the
# statements run, so that each statement is built (and its cache key worked out) once per process
# rather than on every request; building them cost a list of 350 cases more than running them.
_SCOPES: dict[str, Callable[[], ColumnElement[bool]]] = {
    "team": lambda: Case.team_id == bindparam("scope_team"),
    "vlos": lambda: Case.allocated_vlo_id.in_(bindparam("scope_ids", expanding=True)),
    "cases": lambda: Case.id.in_(bindparam("scope_ids", expanding=True)),
}
# A scope's name and its values, e.g. ("team", {"scope_team": 3}).
_Scope = tuple[str, dict]


class _Statements(NamedTuple):
    cases: Select
    people: Select
    events: Select
    requests: Select


_BUILT: dict[str, _Statements] = {}


def _statements(scope: str) -> _Statements:
    built = _BUILT.get(scope)
    if built is None:
        built = _BUILT[scope] = _build_statements(_SCOPES[scope]())
    return built


class ListFacts(NamedTuple):
    """What a case list's filters need of one open case (victims.workforce.filters): read as
    CaseFacts are, without the model's weights or the work items a list never shows."""

    case_id: int
    stage: Stage
    scheme: str
    needs: frozenset[Need]
    allocated_vlo_id: int | None
    earliest_open_due: date | None
    next_open_due: date | None
    closure_review_open: bool


def list_facts_for_team(team_id: int, today: date) -> list[ListFacts]:
    """The filters' facts of every open case of the team, allocated or not."""
    return _list_facts(("team", {"scope_team": team_id}), today)


def list_facts_for_vlos(user_ids: Iterable[int], today: date) -> list[ListFacts]:
    """The filters' facts of every open case allocated to these VLOs."""
    return _list_facts(("vlos", {"scope_ids": list(user_ids)}), today)


def _list_facts(scope: _Scope, today: date) -> list[ListFacts]:
    """The cases' stages and needs worked out from the facts' values (stage_of, needs_from): a
    list reads hundreds of cases, and making a StageFacts and a NeedFacts of each was most of its
    cost."""
    # The row's columns by position (see _read_cases): a column read by name costs as much as the
    # rule's work.
    return [
        ListFacts(
            row[0],
            stage_of(today, *stage),
            row[5],
            needs_from(*need[:7]) | need[8],
            row[4],
            row[8],
            row[9],
            stage[4],
        )
        for row, stage, need, _present, _dates in _read_cases(scope, today)
    ]


def _facts(scope: _Scope, today: date, model: Model | None) -> dict[int, CaseFacts]:
    weights = (model or current_model()).weights
    read = _read_cases(scope, today)
    if not read:
        return {}
    requests: dict[int, int] = defaultdict(int)
    for case_id, stage in _read(_statements(scope[0]).requests, scope[1]):
        if stage not in REQUEST_DONE:
            requests[case_id] += 1

    found: dict[int, CaseFacts] = {}
    for row, stage, need, present, dates in read:
        case_id = row.id
        stage_facts = StageFacts(*stage)
        need_facts = NeedFacts(*need)
        load = CaseLoad(
            case_id=case_id,
            stage=stage_on(stage_facts, today),
            people=len(present),
            needs=case_needs(need_facts),
            items={
                WorkItem.CONDITION_REQUEST: requests.get(case_id, 0),
                WorkItem.ZONE_MAP: row.zones,
                WorkItem.PAROLE_VPS: row.statements,
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
            earliest_open_due=row.earliest_open_due,
            next_open_due=row.next_open_due,
        )
    return found


# A person on a case, as the facts read them: relationship, language, date of birth, contact level.
_Present = tuple[str, str, date | None, str]
# StageFacts' fields, in order.
_StageValues = tuple[date | None, date | None, date | None, bool, bool, bool]
# NeedFacts' fields, in order.
_NeedValues = tuple[frozenset[str], bool, bool, bool, bool, bool, bool, bool, frozenset[Need]]
# One case read: its row, its stage facts' and need facts' values, its people not opted out and
# its release-related dates.
_CaseRead = tuple[Row, _StageValues, _NeedValues, list[_Present], dict[str, date | None]]


def _build_statements(where: ColumnElement[bool]) -> _Statements:
    """The statements _read_cases and _facts run for the open cases `where` picks, with the day
    the facts are read for bound as `today`."""
    today = bindparam("today", type_=Date())
    chosen = select(Case.id).where(where, Case.status == CaseStatus.OPEN).scalar_subquery()
    date_columns = [getattr(Sentence, key) for key in SENTENCE_DATES]
    open_due = (
        select(
            CaseDeadline.case_id.label("case_id"),
            func.min(CaseDeadline.due_on).label("earliest"),
            func.min(sql_case((CaseDeadline.due_on >= today, CaseDeadline.due_on), else_=None)).label(
                "upcoming"
            ),
            func.count(sql_case((CaseDeadline.code == rules.CLOSURE_DUE, 1), else_=None)).label("closures"),
            func.count(sql_case((CaseDeadline.code.in_(list(VPS_CODES)), 1), else_=None)).label("statements"),
        )
        .where(CaseDeadline.case_id.in_(chosen), CaseDeadline.status == DeadlineStatus.OPEN)
        .group_by(CaseDeadline.case_id)
        .subquery()
    )
    zones = (
        select(func.count(ExclusionZone.id))
        .where(ExclusionZone.case_id == Case.id, ExclusionZone.status != ZoneStatus.COUNTERSIGNED)
        .correlate(Case)
        .scalar_subquery()
    )
    manual_needs = (
        select(func.aggregate_strings(CaseNeedRecord.need, ","))
        .where(CaseNeedRecord.case_id == Case.id, CaseNeedRecord.removed_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )
    return _Statements(
        cases=select(
            Case.id,
            Case.team_id,
            Case.region_id,
            Case.offender_id,
            Case.allocated_vlo_id,
            Case.scheme,
            Sentence.sentence_type,
            Sentence.offence_category,
            open_due.c.earliest.label("earliest_open_due"),
            open_due.c.upcoming.label("next_open_due"),
            func.coalesce(open_due.c.closures, 0).label("closures"),
            func.coalesce(open_due.c.statements, 0).label("statements"),
            zones.label("zones"),
            manual_needs.label("manual_needs"),
            *date_columns,
        )
        .join(Sentence, Sentence.id == Case.sentence_id)
        .outerjoin(open_due, open_due.c.case_id == Case.id)
        .where(where, Case.status == CaseStatus.OPEN),
        people=select(
            Person.case_id, Person.relationship_, Person.language, Person.date_of_birth, Person.contact_level
        ).where(Person.case_id.in_(chosen), Person.contact_level != ContactLevel.OPTED_OUT),
        events=select(
            OffenderEventRecord.case_id,
            OffenderEventRecord.kind,
            OffenderEventRecord.occurred_on,
            OffenderEventRecord.id,
        ).where(OffenderEventRecord.case_id.in_(chosen), OffenderEventRecord.kind.in_(list(STAGE_EVENTS))),
        requests=select(ConditionRequest.case_id, ConditionRequest.stage).where(
            ConditionRequest.case_id.in_(chosen)
        ),
    )


def _read_cases(scope: _Scope, today: date) -> list[_CaseRead]:
    """The open cases the scope picks, in three statements whatever their number: the cases with
    their sentence, their open deadlines summed up (the earliest, the earliest from today, a
    closure review open, victim personal statements offered), their zones waiting and the needs
    added by hand; their people; their offender events that decide a stage."""
    statements = _statements(scope[0])
    rows = _read(statements.cases, {**scope[1], "today": today})
    if not rows:
        return []

    people: dict[int, list[_Present]] = defaultdict(list)
    for case_id, relationship_, language, born, level in _read(statements.people, scope[1]):
        people[case_id].append((relationship_, language, born, level))

    events: dict[int, list[tuple[date, int, OffenderEvent]]] = defaultdict(list)
    for case_id, kind, occurred_on, event_id in _read(statements.events, scope[1]):
        events[case_id].append((occurred_on, event_id, kind))

    found: list[_CaseRead] = []
    nobody: list[_Present] = []
    no_events: list[tuple[date, int, OffenderEvent]] = []
    no_needs: frozenset[Need] = frozenset()
    # The rows unpacked, not read by name: a column read by name costs as much as the rule's work.
    for row in rows:
        case_id, sentence_type_value, category = row[0], row[6], row[7]
        closures, zones_waiting, manual = row[10], row[12], row[13]
        dates = dict(zip(SENTENCE_DATES, row[14:], strict=True))
        sentence_type = SentenceType(sentence_type_value)
        present = people.get(case_id, nobody)
        case_events = events.get(case_id, no_events)
        found.append(
            (
                row,
                _stage_values(dates, sentence_type, case_events, closures > 0),
                _need_values(
                    present,
                    sentence_type,
                    category,
                    dates,
                    review_listed=bool(case_events)
                    and any(kind in REVIEW_LISTED for _, _, kind in case_events),
                    zone_requested=zones_waiting > 0,
                    manual=frozenset(Need(need) for need in manual.split(",")) if manual else no_needs,
                    today=today,
                ),
                present,
                dates,
            )
        )
    return found


def _need_values(
    present: list[_Present],
    sentence_type: SentenceType,
    offence_category: str,
    dates: dict[str, date | None],
    *,
    review_listed: bool,
    zone_requested: bool,
    manual: frozenset[Need],
    today: date,
) -> _NeedValues:
    """A case's need facts (NeedFacts' fields, in order) from its people not opted out
    (relationship, language, date of birth, contact level), its sentence, whether a parole review
    or tribunal hearing has been listed and whether a zone map is asked for and not yet
    countersigned."""
    child_on_case = bereaved_family = False
    for relationship_, _language, born, _level in present:
        if relationship_ == Relationship.PARENT_GUARDIAN or (
            relationship_ == Relationship.VICTIM and is_child(born, today)
        ):
            child_on_case = True
        elif relationship_ == Relationship.BEREAVED_RELATIVE:
            bereaved_family = True
    return (
        frozenset(p[1] for p in present),
        child_on_case,
        bereaved_family,
        sentence_type in RESTRICTED_SENTENCES,
        offence_category in DOMESTIC_ABUSE_OFFENCES,
        sentence_type in PAROLE_SENTENCES or dates.get("ped") is not None or review_listed,
        zone_requested,
        offence_category == OffenceCategory.TERRORISM,
        manual,
    )


@cache
def case_need_columns() -> dict[str, ColumnElement]:
    """need_fact_columns correlated to the case of a statement over cases (the case page reads
    them in the case's own statement: victims.cases.queries.case_with_facts), built once."""
    return need_fact_columns(Case.id)


def need_fact_columns(case_id: ColumnElement | int) -> dict[str, ColumnElement]:
    """The two facts of a case's needs that its own row and people do not hold: a review listed,
    a zone map waiting, for a case's id or correlated to the case."""
    return {
        "review_listed": select(OffenderEventRecord.id)
        .where(OffenderEventRecord.case_id == case_id, OffenderEventRecord.kind.in_(list(REVIEW_LISTED)))
        .exists(),
        "zone_requested": select(ExclusionZone.id)
        .where(ExclusionZone.case_id == case_id, ExclusionZone.status != ZoneStatus.COUNTERSIGNED)
        .exists(),
    }


def need_facts_for_case(
    case: Case, manual: Iterable[Need], today: date, read: Mapping[str, Any] | None = None
) -> NeedFacts | None:
    """One open case's need facts, as facts_for_cases gives them, for the case page: from the case
    with its sentence and people already loaded and the needs added by hand already read, and
    need_fact_columns as `read` with the case, else in one more statement. None for a closed case."""
    if case.status != CaseStatus.OPEN:
        return None
    sentence = case.sentence
    if read is None:
        columns = need_fact_columns(case.id)
        read = dict(zip(columns, db.session.execute(select(*columns.values())).one(), strict=True))
    review_listed, zone_requested = read["review_listed"], read["zone_requested"]
    present = [
        (person.relationship_, person.language, person.date_of_birth, person.contact_level)
        for person in case.people
        if person.contact_level != ContactLevel.OPTED_OUT
    ]
    return NeedFacts(
        *_need_values(
            present,
            SentenceType(sentence.sentence_type),
            sentence.offence_category,
            {key: getattr(sentence, key) for key in SENTENCE_DATES},
            review_listed=bool(review_listed),
            zone_requested=bool(zone_requested),
            manual=frozenset(manual),
            today=today,
        )
    )


def _stage_values(
    dates: dict[str, date | None],
    sentence_type: SentenceType,
    events: list[tuple[date, int, OffenderEvent]],
    closure_open: bool,
) -> _StageValues:
    """Read the stage's facts (StageFacts' fields, in order): the latest of each pair of events
    decides (a review listed after the last decision is active; a release after the last recall
    stands)."""
    listed = decided = released = returned = None
    if events:  # most cases have none of these events
        listed = max((e for e in events if e[2] in REVIEW_LISTED), default=None)
        decided = max((e for e in events if e[2] in REVIEW_DECIDED), default=None)
        released = max((e for e in events if e[2] in RELEASED), default=None)
        returned = max((e for e in events if e[2] in RETURNED), default=None)
    review_active = listed is not None and (decided is None or decided < listed)
    released_on = released[0] if released is not None and (returned is None or returned < released) else None
    return (
        earliest_release_date(dates) if returned is None else dates.get("prrd"),
        released_on,
        sentence_ends(dates),
        review_active,
        closure_open,
        sentence_type == SentenceType.COMMUNITY,
    )


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
            ),
            cases=sorted(by_vlo.get(vlo.id, []), key=lambda fact: fact.case_id),
        )
        for vlo in vlos
    ]
