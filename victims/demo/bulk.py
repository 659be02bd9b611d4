"""The demo's background caseload, written in batches (issue 14, item 9): thousands of cases in a
few seconds, each exactly what `victims.intake.services.open_case` and
`victims.people.services.add_person` would make of the same referral.

Only the writing is batched. What the rows say comes from the service's own rules: the scheme
and its reasons from eligibility (`victims.cases.services.assess`, `_keep_computed`), the
deadlines and their tasks from work's planner (`victims.work.services.refresh_many`, one call for
the batch), a person's fields as `add_person` sets them, encryption by the model types, and the
audit events the services record (batched, written with the next flush). The history a real case
would have (its first contact meeting initial contact, old pre-release work met on paper) is
met by the evidence rules of `victims.domain.evidence`, as `victims.work.services.meet_deadline`
does one at a time.

`tests/integration/demo/test_bulk.py` compares a bulk case with the same case made through the
services, field by field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import insert, select
from sqlalchemy import inspect as sa_inspect

from victims import clock
from victims.audit import services as audit
from victims.cases import services as case_services
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import DeadlineInputs
from victims.domain.evidence import Evidence, meets, working_days_late
from victims.domain.vocabulary import SENTENCE_DATES, CaseStatus, Relationship, Scheme
from victims.domain.work import DeadlineStatus, TaskStatus, task_status_when_closed
from victims.extensions import db
from victims.people import services as people_services
from victims.people.models import ContactLevelChange, Person
from victims.types import update_versioned
from victims.work import queries as work_queries
from victims.work import services as work
from victims.work.models import CaseDeadline, Task


@dataclass
class PersonSpec:
    details: people_services.PersonDetails
    preferences: people_services.Preferences
    # For a parent or guardian: the index (in the case's people) of the child they act for.
    acting_for: int | None = None


@dataclass
class ContactSpec:
    """A contact in the case's log; `person` is an index into the case's people."""

    person: int
    occurred_at: datetime
    method: str
    direction: str
    summary: str


@dataclass
class CaseSpec:
    offender: case_services.OffenderDetails
    sentence: case_services.SentenceDetails
    referral_received_on: date
    team_id: int
    region_id: int
    allocated_vlo_id: int | None
    people: list[PersonSpec]
    contacts: list[ContactSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Meeting:
    """History: the case's open deadline of a code met on a day with the evidence, by someone
    (None: the service), with a reason for a meeting by hand."""

    code: str
    on: date
    evidence: Evidence
    by_id: int | None
    reason: str | None = None


# -- the rows, one home for them (the demo's writer below, and the national loader's COPY) -------


def offender_values(spec: CaseSpec) -> dict:
    return {
        "crn": spec.offender.crn.upper(),
        "prison_number": (spec.offender.prison_number or "").upper() or None,
        "first_name": spec.offender.first_name,
        "last_name": spec.offender.last_name,
        "date_of_birth": spec.offender.date_of_birth,
        "current_location": spec.offender.current_location,
    }


def sentence_values(spec: CaseSpec, offender_id: int) -> dict:
    return {
        "offender_id": offender_id,
        "offence": spec.sentence.offence,
        "offence_category": spec.sentence.offence_category,
        "sentence_type": spec.sentence.sentence_type,
        "length_months": spec.sentence.length_months,
        "sentence_date": spec.sentence.sentence_date,
        "court": spec.sentence.court,
        **{name: spec.sentence.dates.get(name) for name in SENTENCE_DATES},
    }


def case_values(spec: CaseSpec, offender_id: int, sentence_id: int) -> dict:
    """The case as intake opens it: its scheme and reasons from eligibility (`assess`, kept as
    `_keep_computed` keeps them)."""
    computed = case_services.assess(
        spec.sentence.offence_category, spec.sentence.sentence_type, spec.sentence.length_months
    )
    if computed.scheme is None:
        raise ValueError(f"a demo case is not eligible: {computed.reason}")
    kept = SimpleNamespace()
    case_services._keep_computed(kept, computed)  # type: ignore[arg-type]
    return {
        "offender_id": offender_id,
        "sentence_id": sentence_id,
        "region_id": spec.region_id,
        "team_id": spec.team_id,
        "scheme": computed.scheme.value,
        "status": CaseStatus.OPEN.value,
        "referral_received_on": spec.referral_received_on,
        "allocated_vlo_id": spec.allocated_vlo_id,
        **vars(kept),
    }


def deadline_inputs(spec: CaseSpec) -> DeadlineInputs:
    """What the case's deadlines are counted from, as intake gives them to the planner."""
    return DeadlineInputs(
        sentence_date=spec.sentence.sentence_date,
        referral_date=spec.referral_received_on,
        release_dates={name: spec.sentence.dates.get(name) for name in SENTENCE_DATES},
    )


def person_values(case_id: int, person_spec: PersonSpec, acting_for_id: int | None) -> dict:
    """A person as add_person makes them: its own field rules, applied to a stand-in for a new
    Person (every column unset, as on a Person not yet flushed; an ORM object costs ten times as
    much, which counts at national scale). Values in plain text: the model types encrypt them as
    they are written. Columns left unset take their defaults."""
    person_spec.details.acting_for_id = acting_for_id
    person = SimpleNamespace(**_UNSET_PERSON)
    person.case_id, person.relationship_ = case_id, person_spec.details.relationship
    people_services._apply_details(person, person_spec.details)  # type: ignore[arg-type]
    people_services._apply_preferences(person, person_spec.preferences)  # type: ignore[arg-type]
    return {key: value for key, value in vars(person).items() if value is not None}


def level_change_values(person_id: int, level: str, user_id: int | None, at: datetime) -> dict:
    """The first entry of a person's contact level history, as add_person writes it."""
    return {
        "person_id": person_id,
        "at": at,
        "user_id": user_id,
        "old_level": None,
        "new_level": level,
        "reason": "Recorded at intake",
    }


def contact_values(case_id: int, person_id: int, user_id: int | None, contact: ContactSpec) -> dict:
    return {
        "case_id": case_id,
        "person_id": person_id,
        "occurred_at": contact.occurred_at,
        "user_id": user_id,
        "method": contact.method,
        "direction": contact.direction,
        "summary": contact.summary,
    }


def met_values(
    code: str, due_on: date, counted_from: date, meeting: Meeting, calendar: WorkingDayCalendar
) -> dict | None:
    """An open deadline met as `work.meet` meets it: only where the evidence meets it
    (`victims.domain.evidence.meets`), keeping how and how late. None: this evidence cannot."""
    if not meets(code, meeting.evidence.kind, meeting.on, counted_from):
        return None
    return {
        "status": DeadlineStatus.MET,
        "met_on": meeting.on,
        "met_how": meeting.evidence.kind,
        "met_evidence_id": meeting.evidence.id,
        "met_by_id": meeting.by_id,
        "met_reason": meeting.reason,
        "days_late": working_days_late(due_on, meeting.on, calendar),
    }


def closed_task_values(by_id: int | None, now: datetime) -> dict:
    """An open task whose deadline was met: closed as `work` closes it."""
    status = task_status_when_closed(DeadlineStatus.MET)
    done = status == TaskStatus.DONE
    return {"status": status, "done_at": now if done else None, "done_by_id": by_id if done else None}


def write_cases(specs: list[CaseSpec]) -> list[Case]:
    """Open the cases with their people, deadlines, tasks and contacts: a fixed number of
    statements for the batch on PostgreSQL (SQLite has no ordered multi-row RETURNING, so it gets
    one INSERT a row, still without the unit of work's cost). Call inside
    `victims.work.queries.settings_fixed()` for a large load."""
    offender_ids = _insert(Offender, [offender_values(spec) for spec in specs])
    sentence_ids = _insert(
        Sentence,
        [sentence_values(spec, offender_id) for spec, offender_id in zip(specs, offender_ids, strict=True)],
    )
    rows = [
        case_values(spec, offender_id, sentence_id)
        for spec, offender_id, sentence_id in zip(specs, offender_ids, sentence_ids, strict=True)
    ]
    case_ids = _insert(Case, rows)
    loaded = {case.id: case for case in db.session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    cases = [loaded[case_id] for case_id in case_ids]
    with audit.batched():
        for spec, case in zip(specs, cases, strict=True):
            audit.record(
                "case_opened",
                "case",
                case.id,
                case_id=case.id,
                region_id=case.region_id,
                user=_Actor(spec.allocated_vlo_id, spec.region_id) if spec.allocated_vlo_id else None,
            )
        work.refresh_many(
            [
                (
                    case,
                    Scheme(case.scheme),
                    deadline_inputs(spec),
                    "Case opened",
                )
                for case, spec in zip(cases, specs, strict=True)
            ],
            None,
        )
        people = _write_people(specs, cases)
        _write_contacts(specs, cases, people)
    db.session.flush()
    return cases


def _insert(model: type, rows: list[dict]) -> list[int]:
    """INSERT the rows, returning their ids in the rows' order (column defaults and types apply,
    so encrypted columns are encrypted)."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    return list(db.session.scalars(statement, rows))


@dataclass(frozen=True)
class _Actor:
    id: int
    region_id: int


@dataclass(frozen=True)
class _Written:
    id: int
    contact_level: str


# The columns add_person may set; the rest take their defaults, as a flush would give them.
_PERSON_COLUMNS = frozenset(attr.key for attr in sa_inspect(Person).column_attrs) - {"id", "version"}
_UNSET_PERSON = dict.fromkeys(_PERSON_COLUMNS)


def _write_people(specs: list[CaseSpec], cases: list[Case]) -> list[list[_Written]]:
    """Each case's people, as add_person makes them (its own field rules, on a Person that is
    never added to the session): children and adults first, then the parents and guardians who
    act for them (their ids are needed)."""
    made: list[list[_Written | None]] = [[None] * len(spec.people) for spec in specs]
    for round_ in ("others", "guardians"):
        rows, places = [], []
        for index, (spec, case) in enumerate(zip(specs, cases, strict=True)):
            for number, person_spec in enumerate(spec.people):
                guardian = person_spec.details.relationship == Relationship.PARENT_GUARDIAN
                if guardian != (round_ == "guardians"):
                    continue
                child = made[index][person_spec.acting_for] if guardian else None  # type: ignore[index]
                row = person_values(case.id, person_spec, child.id if child else None)
                rows.append(row)
                places.append((index, number, row["contact_level"]))
        for person_id, (index, number, level) in zip(_insert(Person, rows), places, strict=True):
            made[index][number] = _Written(person_id, level)
    now = clock.utcnow()
    changes = []
    for spec, case, people in zip(specs, cases, made, strict=True):
        user = _Actor(spec.allocated_vlo_id, spec.region_id) if spec.allocated_vlo_id else None
        for person in people:
            assert person is not None
            changes.append(
                level_change_values(person.id, person.contact_level, user.id if user else None, now)
            )
            audit.record(
                "person_added", "person", person.id, case_id=case.id, region_id=case.region_id, user=user
            )
    # Nobody reads their ids back: one executemany (the ORM would send one INSERT each on SQLite).
    db.session.execute(insert(ContactLevelChange), changes)
    return [[person for person in people if person is not None] for people in made]


def _write_contacts(specs: list[CaseSpec], cases: list[Case], people: list[list[_Written]]) -> None:
    rows = [
        contact_values(case.id, people_of_case[contact.person].id, case.allocated_vlo_id, contact)
        for spec, case, people_of_case in zip(specs, cases, people, strict=True)
        for contact in spec.contacts
    ]
    if rows:  # one executemany; `contacts_of` reads them back
        db.session.execute(insert(ContactLogEntry), rows)


def contacts_of(cases: Iterable[Case]) -> dict[int, list[ContactLogEntry]]:
    """The contacts just written, by case, in the order they were given."""
    ids = [case.id for case in cases]
    found: dict[int, list[ContactLogEntry]] = {case_id: [] for case_id in ids}
    for row in db.session.scalars(
        select(ContactLogEntry).where(ContactLogEntry.case_id.in_(ids)).order_by(ContactLogEntry.id)
    ):
        found[row.case_id].append(row)
    return found


def meet_history(meetings: dict[int, list[Meeting]]) -> int:
    """Meet each case's open deadline of each code (the one due first) as `work.meet` would: only
    where the evidence meets it (`victims.domain.evidence.meets`), keeping how and how late, and
    closing its task as done, and keeping each case's next due date. Two reads and three writes
    for the whole batch. Returns how many were met."""
    if not meetings:
        return 0
    open_rows: dict[tuple[int, str], CaseDeadline] = {}
    for row in db.session.scalars(
        select(CaseDeadline)
        .where(
            CaseDeadline.case_id.in_(list(meetings)),
            CaseDeadline.status == DeadlineStatus.OPEN,
            CaseDeadline.person_id.is_(None),
        )
        .order_by(CaseDeadline.due_on.desc(), CaseDeadline.id.desc())
    ):
        open_rows[(row.case_id, row.code)] = row  # the last kept is the first due
    tasks = work_queries.tasks_for_deadlines([row.id for row in open_rows.values()])
    calendar = work_queries.working_calendar()
    now = clock.utcnow()
    deadline_changes, task_changes = [], []
    for case_id, wanted in meetings.items():
        for meeting in wanted:
            row = open_rows.pop((case_id, meeting.code), None)  # met once: later meetings find none
            if row is None:
                continue
            values = met_values(row.code, row.due_on, row.counted_from, meeting, calendar)
            if values is None:
                open_rows[(case_id, meeting.code)] = row
                continue
            deadline_changes.append((row.id, row.version, values))
            task: Task | None = tasks.get(row.id)
            if task is not None and task.status == TaskStatus.OPEN:
                task_changes.append((task.id, task.version, closed_task_values(meeting.by_id, now)))
    # One executemany each (the ORM would send one UPDATE a row, to check its version).
    update_versioned(db.session, CaseDeadline, deadline_changes)
    update_versioned(db.session, Task, task_changes)
    work.refresh_next_due(case_id for case_id in meetings)
    return len(deadline_changes)
