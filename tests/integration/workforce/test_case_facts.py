"""Each open case's facts, read for the workforce tool in a fixed number of statements: its stage
from its dates and events, its people, the needs its facts give, its active work and its points."""

from __future__ import annotations

from datetime import date

from victims import clock
from victims.cases.models import CaseNeedRecord
from victims.domain import deadlines as rules
from victims.domain.deadlines import OffenderEvent, event_code
from victims.domain.needs import Need
from victims.domain.prerelease import ZoneStatus
from victims.domain.workload import DEFAULT_WEIGHTS, Stage, WorkItem
from victims.prerelease.models import ConditionRequest, ExclusionZone
from victims.work.models import CaseDeadline, OffenderEventRecord
from victims.workforce import queries

TODAY = date(2026, 11, 30)


def _event(session, case, kind: OffenderEvent, on: date) -> None:
    session.add(
        OffenderEventRecord(case_id=case.id, kind=kind, occurred_on=on, learned_on=on, source="manual")
    )
    session.flush()


def _open_deadline(session, case, code: str) -> None:
    session.add(
        CaseDeadline(
            case_id=case.id,
            code=code,
            due_on=TODAY,
            counted_from=TODAY,
            rule_version=1,
            rule_number=1,
        )
    )
    session.flush()


def test_stages_come_from_dates_and_events(make, database):
    vlo = make.user()
    far = make.case(vlo=vlo, crd=date(2029, 1, 1), led=date(2031, 1, 1), sed=date(2031, 1, 1))
    near = make.case(vlo=vlo, crd=date(2027, 8, 1), led=date(2030, 1, 1), sed=date(2030, 1, 1))
    window = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2030, 1, 1), sed=date(2030, 1, 1))
    licence = make.case(vlo=vlo, crd=date(2026, 6, 1), led=date(2028, 1, 1), sed=date(2028, 1, 1))
    ended = make.case(vlo=vlo, crd=date(2022, 6, 1), led=date(2024, 1, 1), sed=date(2024, 1, 1))
    parole = make.case(vlo=vlo, sentence_type="life", crd=None, ped=date(2027, 1, 1), led=None, sed=None)
    _event(database.session, parole, OffenderEvent.PAROLE_REVIEW_LISTED, date(2026, 10, 1))
    decided = make.case(vlo=vlo, sentence_type="life", crd=None, ped=date(2029, 1, 1), led=None, sed=None)
    _event(database.session, decided, OffenderEvent.PAROLE_REVIEW_LISTED, date(2026, 1, 1))
    _event(database.session, decided, OffenderEvent.PAROLE_DECISION, date(2026, 6, 1))
    recalled = make.case(
        vlo=vlo, crd=date(2025, 1, 1), prrd=date(2027, 8, 1), led=date(2030, 1, 1), sed=date(2030, 1, 1)
    )
    _event(database.session, recalled, OffenderEvent.RELEASE, date(2025, 1, 1))
    _event(database.session, recalled, OffenderEvent.RECALL, date(2026, 2, 1))
    closing = make.case(vlo=vlo, crd=date(2029, 1, 1), led=date(2031, 1, 1), sed=date(2031, 1, 1))
    _open_deadline(database.session, closing, rules.CLOSURE_DUE)
    closed = make.case(vlo=vlo, status="closed")

    facts = queries.facts_for_vlos([vlo.id], TODAY)

    stages = {case_id: fact.load.stage for case_id, fact in facts.items()}
    assert stages == {
        far.id: Stage.CUSTODY,
        near.id: Stage.CUSTODY_NEAR,
        window.id: Stage.PRE_RELEASE,
        licence.id: Stage.LICENCE,
        ended.id: Stage.CLOSURE_DUE,
        parole.id: Stage.PAROLE,
        decided.id: Stage.CUSTODY,  # decided: back to waiting for the next review, 2 years away
        recalled.id: Stage.CUSTODY_NEAR,  # recalled: counts from the post-recall release date
        closing.id: Stage.CLOSURE_DUE,
    }
    assert closed.id not in facts
    _lists_read_the_same(facts, queries.list_facts_for_vlos([vlo.id], TODAY))
    _lists_read_the_same(facts, queries.list_facts_for_team(far.team_id, TODAY))


def test_needs_people_and_work_items(make, database):
    vlo = make.user()
    case = make.case(vlo=vlo, victims=0, offence_category="domestic_abuse")
    make.person(case, language="cy")
    child = make.person(case, date_of_birth=date(2015, 1, 1), email=None, telephone=None)
    make.person(case, relationship_="parent_guardian", acting_for_id=child.id)
    make.person(case, relationship_="bereaved_relative")
    make.person(case, contact_level="opted_out", language="cy")
    database.session.add_all(
        [
            ConditionRequest(
                case_id=case.id,
                person_id=_first_person(database.session, case),
                condition_type="no_contact",
                victim_words="No contact please",
                requested_by_id=vlo.id,
            ),
            ExclusionZone(case_id=case.id, title="Zone", status=ZoneStatus.DRAFT, created_by_id=vlo.id),
            ExclusionZone(
                case_id=case.id, title="Done", status=ZoneStatus.COUNTERSIGNED, created_by_id=vlo.id
            ),
            CaseNeedRecord(case_id=case.id, need=Need.INTERPRETER, reason="Polish", added_by_id=vlo.id),
            CaseNeedRecord(
                case_id=case.id,
                need=Need.HIGH_PROFILE,
                reason="In the news",
                added_by_id=vlo.id,
                removed_at=clock.utcnow(),
                removed_by_id=vlo.id,
            ),
        ]
    )
    database.session.flush()
    _open_deadline(database.session, case, event_code(OffenderEvent.PAROLE_REVIEW_LISTED))

    fact = queries.facts_for_cases([case.id], TODAY)[case.id]

    assert fact.load.people == 4  # the one who opted out is not counted
    assert fact.needs == {
        Need.WELSH,
        Need.CHILD_VICTIMS,
        Need.BEREAVED,
        Need.DOMESTIC_ABUSE,
        Need.MAPPING,
        Need.INTERPRETER,
    }
    assert fact.derived_needs == fact.needs - {Need.INTERPRETER}
    assert dict(fact.load.items) == {
        WorkItem.CONDITION_REQUEST: 1,
        WorkItem.ZONE_MAP: 1,
        WorkItem.PAROLE_VPS: 1,
    }
    weights = DEFAULT_WEIGHTS
    expected = (
        weights.stage_points[fact.load.stage]
        + 3 * weights.additional_person
        + sum(
            weights.need_points[n] for n in (Need.WELSH, Need.CHILD_VICTIMS, Need.BEREAVED, Need.INTERPRETER)
        )
        + sum(weights.item_points.values())
    )
    assert fact.points.total == expected
    _lists_read_the_same({case.id: fact}, queries.list_facts_for_vlos([vlo.id], TODAY))


def _lists_read_the_same(facts, listed) -> None:
    """The lists' facts (stage and needs worked out from values, no work items) say what the
    workforce tool's CaseFacts say of the same cases."""
    assert {item.case_id: item for item in listed} == {
        case_id: queries.ListFacts(
            case_id=case_id,
            stage=fact.load.stage,
            scheme=fact.scheme,
            needs=fact.needs,
            allocated_vlo_id=fact.allocated_vlo_id,
            earliest_open_due=fact.earliest_open_due,
            next_open_due=fact.next_open_due,
            closure_review_open=fact.stage_facts.closure_review_open,
        )
        for case_id, fact in facts.items()
    }


def test_a_list_reads_its_facts_in_three_statements_for_1_or_8_cases(make, database, count_queries):
    vlo = make.user()
    make.case(vlo=vlo)
    with count_queries() as small:
        assert len(queries.list_facts_for_vlos([vlo.id], TODAY)) == 1
    for number in range(7):
        case = make.case(vlo=vlo, victims=2)
        _event(database.session, case, OffenderEvent.PAROLE_REVIEW_LISTED, date(2026, 10, 1))
        _open_deadline(database.session, case, rules.CLOSURE_DUE)
        database.session.add(
            CaseNeedRecord(
                case_id=case.id, need=Need.INTERPRETER, reason=f"Case {number}", added_by_id=vlo.id
            )
        )
    database.session.flush()
    with count_queries() as large:
        listed = queries.list_facts_for_vlos([vlo.id], TODAY)

    assert len(listed) == 8
    assert sum(Need.INTERPRETER in item.needs for item in listed) == 7
    assert small.count == large.count == 3


def _first_person(session, case) -> int:
    from sqlalchemy import select

    from victims.people.models import Person

    return session.scalar(select(Person.id).where(Person.case_id == case.id).order_by(Person.id))


def test_a_child_is_a_victim_under_18_today(make):
    vlo = make.user()
    child = make.case(vlo=vlo, victims=0)
    make.person(child, date_of_birth=date(2008, 12, 1))  # 18 tomorrow
    adult = make.case(vlo=vlo, victims=0)
    make.person(adult, date_of_birth=date(2008, 11, 30))  # 18 today

    facts = queries.facts_for_vlos([vlo.id], TODAY)

    assert Need.CHILD_VICTIMS in facts[child.id].needs
    assert Need.CHILD_VICTIMS not in facts[adult.id].needs


def test_statements_do_not_grow_with_the_team(make, count_queries):
    team = make.team()
    vlos = [make.user(team=team) for _ in range(2)]
    for vlo in vlos:
        make.case(vlo=vlo)
    with count_queries() as small:
        small_loads = queries.team_workloads(team.id, TODAY)
    for _ in range(3):
        vlo = make.user(team=team)
        for _ in range(6):
            make.case(vlo=vlo, victims=2)
    with count_queries() as large:
        large_loads = queries.team_workloads(team.id, TODAY)

    assert [load.workload.cases for load in small_loads] == [1, 1]
    assert sorted(load.workload.cases for load in large_loads) == [1, 1, 6, 6, 6]
    assert large.count == small.count <= 10
