"""The demo's bulk caseload writes cases that look exactly like the ones the services make: the
same referral opened through intake and through `victims.demo.bulk` gives the same case, sentence,
deadlines, tasks, people (encrypted the same way), contact level history and audit events; and
history met in bulk is met as `work.meet` meets it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, text

from victims.audit.models import AuditEvent
from victims.cases.models import Case, Sentence
from victims.cases.services import OffenderDetails, SentenceDetails
from victims.demo.bulk import (
    CaseSpec,
    ContactSpec,
    Meeting,
    PersonSpec,
    contacts_of,
    meet_history,
    write_cases,
)
from victims.domain.deadlines import INITIAL_CONTACT
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import Role
from victims.intake import services as intake
from victims.people.models import ContactLevelChange, Person
from victims.people.services import PersonDetails, Preferences
from victims.work import services as work
from victims.work.models import CaseDeadline, Task
from victims.work.queries import settings_fixed

CASE_FIELDS = (
    "scheme",
    "computed_scheme",
    "eligibility_reason",
    "eligibility_basis",
    "discretionary_offer",
    "status",
    "referral_received_on",
    "allocated_vlo_id",
    "team_id",
    "region_id",
    "scheme_override_reason",
)
SENTENCE_FIELDS = (
    "offence",
    "offence_category",
    "sentence_type",
    "length_months",
    "sentence_date",
    "court",
    "crd",
    "ped",
    "hdced",
    "led",
    "sed",
)
DEADLINE_FIELDS = (
    "code",
    "due_on",
    "counted_from",
    "moved_from",
    "rule_version",
    "rule_number",
    "status",
    "met_on",
    "met_how",
    "met_by_id",
    "met_reason",
    "days_late",
    "person_id",
)
PERSON_FIELDS = (
    "relationship_",
    "first_name",
    "last_name",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "telephone",
    "email",
    "safe_contact_times",
    "contact_level",
    "channel",
    "language",
    "large_print",
    "contact_lost",
)


def _referral(crn: str, team, vlo, *, category="violent", months=48, offence="Wounding with intent (s.18)"):
    offender = OffenderDetails(
        crn=crn,
        prison_number="A1234BC",
        first_name="John",
        last_name="Marsh",
        date_of_birth=date(1980, 5, 1),
        current_location="HMP Norwich",
    )
    sentence = SentenceDetails(
        offence=offence,
        offence_category=category,
        sentence_type="determinate",
        length_months=months,
        sentence_date=date(2025, 3, 3),
        court="Norwich Crown Court",
        dates={
            "crd": date(2027, 3, 3),
            "hdced": date(2026, 10, 19),
            "led": date(2029, 3, 3),
            "sed": date(2029, 3, 3),
        },
    )
    people = [
        (
            PersonDetails(
                relationship="victim",
                first_name="Anna",
                last_name="Lewis",
                date_of_birth=date(1975, 2, 3),
                address_line_1=" 1 High Street ",
                address_town="Bangor",
                address_postcode="LL57 1AA",
                telephone="01632 960 001",
                email="",
            ),
            Preferences(
                contact_level="key_stages",
                channel="post",
                language="cy",
                large_print=True,
                safe_contact_times=None,
            ),
        ),
        (
            PersonDetails(
                relationship="bereaved_relative",
                first_name="Huw",
                last_name="Lewis",
                date_of_birth=None,
                email="huw.lewis@example.com",
            ),
            Preferences(
                contact_level="annual",
                channel="email",
                language="en",
                large_print=False,
                safe_contact_times=None,
            ),
        ),
    ]
    return offender, sentence, people


def _snapshot(case: Case, session) -> dict:
    sentence = session.get(Sentence, case.sentence_id)
    deadlines = session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)).all()
    codes = {row.id: row.code for row in deadlines}
    tasks = session.scalars(select(Task).where(Task.case_id == case.id)).all()
    people = session.scalars(select(Person).where(Person.case_id == case.id).order_by(Person.id)).all()
    levels = session.scalars(
        select(ContactLevelChange)
        .where(ContactLevelChange.person_id.in_([p.id for p in people]))
        .order_by(ContactLevelChange.id)
    ).all()
    ciphertext = session.execute(
        text("SELECT address_line_1 FROM people WHERE id = :id"), {"id": people[0].id}
    ).scalar_one()
    audit = session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    return {
        "case": {name: getattr(case, name) for name in CASE_FIELDS},
        "sentence": {name: getattr(sentence, name) for name in SENTENCE_FIELDS},
        "deadlines": sorted(tuple(getattr(row, name) for name in DEADLINE_FIELDS) for row in deadlines),
        "tasks": sorted(
            (codes[t.deadline_id], t.title, t.assigned_to_id, t.team_id, t.status, t.done_by_id)
            for t in tasks
        ),
        "people": [tuple(getattr(p, name) for name in PERSON_FIELDS) for p in people],
        "levels": [(c.user_id, c.old_level, c.new_level, c.reason) for c in levels],
        "encrypted": ciphertext != "1 High Street" and "High Street" not in str(ciphertext),
        "audit": sorted(audit),
    }


def test_a_bulk_case_is_the_case_the_services_make(database, make):
    session = database.session
    team = make.team()
    vlo = make.user(Role.VLO, team)
    make.user(Role.SPO, team)

    offender, sentence, people = _referral("X100001", team, vlo)
    made = intake.open_case(
        offender=offender,
        sentence=sentence,
        referral_received_on=date(2025, 3, 10),
        team_id=team.id,
        region_id=team.region_id,
        victims=people,
        user=vlo,
    )
    offender, sentence, people = _referral("X100002", team, vlo)
    with settings_fixed():
        [bulk] = write_cases(
            [
                CaseSpec(
                    offender=offender,
                    sentence=sentence,
                    referral_received_on=date(2025, 3, 10),
                    team_id=team.id,
                    region_id=team.region_id,
                    allocated_vlo_id=vlo.id,
                    people=[PersonSpec(details, preferences) for details, preferences in people],
                )
            ]
        )
    session.flush()

    through_services, in_bulk = _snapshot(made, session), _snapshot(bulk, session)
    assert in_bulk == through_services
    # Not vacuous: the case has its scheme's deadlines and their tasks, both people, and is encrypted.
    assert len(in_bulk["deadlines"]) >= 3
    assert in_bulk["tasks"] and all(task[2] == vlo.id for task in in_bulk["tasks"])
    assert [person[0] for person in in_bulk["people"]] == ["victim", "bereaved_relative"]
    assert in_bulk["people"][0][4] == "1 High Street"  # stripped, as add_person strips it
    assert in_bulk["encrypted"] is True
    assert in_bulk["audit"] == ["case_opened", "person_added", "person_added"]


def test_history_met_in_bulk_is_met_as_work_meet_meets_it(database, make):
    """The first contact meets initial contact, late by the same working days, and its task is
    done by the VLO; a meeting the evidence cannot make (a map for initial contact) is not made."""
    session = database.session
    team = make.team()
    vlo = make.user(Role.VLO, team)
    contact_at = datetime(2025, 5, 20, 10, 0, tzinfo=UTC)
    specs = []
    for crn in ("X200001", "X200002"):
        offender, sentence, people = _referral(crn, team, vlo)
        specs.append(
            CaseSpec(
                offender=offender,
                sentence=sentence,
                referral_received_on=date(2025, 3, 10),
                team_id=team.id,
                region_id=team.region_id,
                allocated_vlo_id=vlo.id,
                people=[PersonSpec(details, preferences) for details, preferences in people],
                contacts=[ContactSpec(0, contact_at, "letter", "outbound", "Initial contact letter sent.")],
            )
        )
    with settings_fixed():
        by_service, by_bulk = write_cases(specs)
    contacts = contacts_of([by_service, by_bulk])
    assert work.meet(
        by_service.id,
        INITIAL_CONTACT,
        contact_at.date(),
        vlo,
        Evidence(EvidenceKind.CONTACT, contacts[by_service.id][0].id),
    )
    met = meet_history(
        {
            by_bulk.id: [
                Meeting(INITIAL_CONTACT, contact_at.date(), Evidence(EvidenceKind.MAP_SIGNED, 1), vlo.id),
                Meeting(
                    INITIAL_CONTACT,
                    contact_at.date(),
                    Evidence(EvidenceKind.CONTACT, contacts[by_bulk.id][0].id),
                    vlo.id,
                ),
            ]
        }
    )
    assert met == 1  # the map cannot meet initial contact; the letter can

    def met_row(case):
        row = session.scalars(
            select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.code == INITIAL_CONTACT)
        ).one()
        task = session.scalars(select(Task).where(Task.deadline_id == row.id)).one()
        return (
            row.status,
            row.met_on,
            row.met_how,
            row.met_by_id,
            row.days_late,
            task.status,
            task.done_by_id,
        )

    assert met_row(by_bulk) == met_row(by_service)
    assert met_row(by_bulk)[0] == "met" and met_row(by_bulk)[4] > 0  # weeks after the referral: late
