"""`flask seed national` (issue 16, item 1) at a small size, on an empty migrated database of each
kind: the counts the options ask for, the named VLOs' exact caseloads, cases shaped as the
services make them (compared with one opened through intake for the same referral), the next
open deadline on every case, sign-in with the printed details, sequences past the ids written (a
case and audit events made afterwards), and a second run refused without --replace."""

from __future__ import annotations

from datetime import date

import click
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text

from tests.conftest import Browser
from victims import clock, crypto
from victims.audit.labels import ACTIONS
from victims.audit.models import AuditEvent
from victims.cases import services as case_services
from victims.cases.models import Case, Offender, Sentence
from victims.demo.national import NationalSize, load_national
from victims.domain.vocabulary import CaseStatus, Relationship, Role
from victims.domain.work import DeadlineStatus
from victims.extensions import db
from victims.intake import services as intake
from victims.people.models import CONTACT_DETAIL_FIELDS, Person
from victims.people.services import PersonDetails, Preferences
from victims.staff.models import Team, User
from victims.work.models import CaseDeadline, Task

SMALL = NationalSize(
    regions=2,
    teams_per_region=1,
    vlos=4,
    cases=300,
    audit_events=2_000,
    spos_per_team=1,
    caseload_low=40,
    caseload_high=60,
    busiest=60,
    lightest=10,
    queue_per_team=5,
    chunk=120,
    seed=7,
)
# Columns a national case may hold that one just opened through intake does not: its place in the
# country's history (closed, met history), and the next open deadline, which the loader fills.
NOT_AT_INTAKE = {"next_due_on", "closed_reason", "closed_at"}
DEADLINE_SHAPE = ("code", "due_on", "counted_from", "moved_from", "rule_version", "rule_number", "person_id")


def _load(**kwargs):
    lines: list[str] = []
    users = load_national(SMALL, echo=lines.append, **kwargs)
    return users, lines


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_national_set_has_the_sizes_asked_and_the_services_shapes(migrated_app):
    upgrade()
    users, lines = _load()
    db.session.remove()

    # Counts the options ask for.
    assert _count(Case) == SMALL.cases
    assert _count(AuditEvent) == SMALL.audit_events
    assert _count(Team) == SMALL.regions * SMALL.teams_per_region
    staff = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert staff == {Role.VLO.value: 4, Role.SPO.value: 2, Role.MANAGER.value: 3}
    assert _count(Person) > SMALL.cases and _count(CaseDeadline) > 3 * SMALL.cases

    # Every VLO's open cases: the named two exactly, the others in the band; the rest queued or closed.
    held = dict(
        db.session.execute(
            select(Case.allocated_vlo_id, func.count())
            .where(Case.status == CaseStatus.OPEN, Case.allocated_vlo_id.is_not(None))
            .group_by(Case.allocated_vlo_id)
        ).all()
    )
    assert held.pop(users.vlo_350.user_id) == SMALL.busiest
    assert held.pop(users.vlo_35.user_id) == SMALL.lightest
    assert len(held) == 2 and all(SMALL.caseload_low <= n <= SMALL.caseload_high for n in held.values())
    queued = _count(select(Case).where(Case.allocated_vlo_id.is_(None)).subquery())
    assert queued == SMALL.regions * SMALL.teams_per_region * SMALL.queue_per_team
    closed = db.session.scalars(select(Case).where(Case.status == CaseStatus.CLOSED)).all()
    assert len(closed) == SMALL.cases - SMALL.busiest - SMALL.lightest - sum(held.values()) - queued
    assert all(case.closed_at is not None and case.next_due_on is None for case in closed)

    # The next open deadline is on every case.
    earliest = (
        select(func.min(CaseDeadline.due_on))
        .where(CaseDeadline.case_id == Case.id, CaseDeadline.status == DeadlineStatus.OPEN)
        .scalar_subquery()
    )
    wrong = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(func.coalesce(Case.next_due_on, date.min) != func.coalesce(earliest, date.min))
    )
    assert wrong == 0
    assert (
        db.session.scalar(select(func.count()).select_from(Case).where(Case.next_due_on.is_not(None))) > 100
    )

    # The audit trail: actions the services record, never personal data in the details.
    actions = set(db.session.scalars(select(AuditEvent.action).distinct()))
    assert (
        {"case_opened", "person_added", "case_closed", "signed_in", "case_viewed"} <= actions <= set(ACTIONS)
    )
    details = [row for row in db.session.scalars(select(AuditEvent.details)) if row is not None]
    assert details and all(set(row) <= {"reason", "deadlines_closed"} for row in details)

    # The printed details name the users.
    assert any(users.vlo_350.email in line and users.vlo_350.password in line for line in lines)
    _compare_with_the_services(users)
    _sign_in_and_make_a_case(migrated_app, users)

    # A second run refuses; with --replace it loads the same set again (deterministic).
    with pytest.raises(click.ClickException, match="already holds cases"):
        _load()
    db.session.rollback()
    again, _lines = _load(replace=True)
    db.session.remove()
    assert again == users
    assert _count(Case) == SMALL.cases and _count(AuditEvent) == SMALL.audit_events


def _compare_with_the_services(users) -> None:
    """The busiest VLO's case, opened again through intake with the same referral: the same
    columns filled, scheme and eligibility, deadlines and their tasks, and people."""
    national = db.session.get(Case, users.sample_case_id)
    assert national.allocated_vlo_id == users.vlo_350.user_id
    people = db.session.scalars(select(Person).where(Person.case_id == national.id).order_by(Person.id)).all()
    if any(p.relationship_ == Relationship.PARENT_GUARDIAN for p in people):
        national = db.session.scalars(
            select(Case)
            .where(Case.allocated_vlo_id == users.vlo_350.user_id, Case.status == CaseStatus.OPEN)
            .where(~Case.people.any(Person.relationship_ == Relationship.PARENT_GUARDIAN))
            .order_by(Case.id)
        ).first()
        people = db.session.scalars(
            select(Person).where(Person.case_id == national.id).order_by(Person.id)
        ).all()
    sentence = db.session.get(Sentence, national.sentence_id)
    offender = db.session.get(Offender, national.offender_id)
    vlo = db.session.get(User, users.vlo_350.user_id)
    made = intake.open_case(
        offender=case_services.OffenderDetails(
            crn="Z999999",
            prison_number=offender.prison_number,
            first_name=offender.first_name,
            last_name=offender.last_name,
            date_of_birth=offender.date_of_birth,
            current_location=offender.current_location,
        ),
        sentence=case_services.SentenceDetails(
            offence=sentence.offence,
            offence_category=sentence.offence_category,
            sentence_type=sentence.sentence_type,
            length_months=sentence.length_months,
            sentence_date=sentence.sentence_date,
            court=sentence.court,
            dates={name: getattr(sentence, name) for name in ("crd", "ped", "hdced", "led", "sed")},
        ),
        referral_received_on=national.referral_received_on,
        team_id=national.team_id,
        region_id=national.region_id,
        victims=[
            (
                PersonDetails(
                    relationship=p.relationship_,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    date_of_birth=p.date_of_birth,
                    **{name: getattr(p, name) for name in CONTACT_DETAIL_FIELDS},
                ),
                Preferences(p.contact_level, p.channel, p.language, p.large_print, p.safe_contact_times),
            )
            for p in people
        ],
        user=vlo,
    )
    db.session.flush()

    def filled(row) -> set[str]:
        return {attr.key for attr in inspect(row).mapper.column_attrs if getattr(row, attr.key) is not None}

    assert filled(national) - NOT_AT_INTAKE == filled(made) - NOT_AT_INTAKE
    for name in (
        "scheme",
        "computed_scheme",
        "eligibility_reason",
        "eligibility_basis",
        "discretionary_offer",
    ):
        assert getattr(national, name) == getattr(made, name), name

    def deadlines(case):
        rows = db.session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)).all()
        tasks = {t.deadline_id: t for t in db.session.scalars(select(Task).where(Task.case_id == case.id))}
        return sorted(
            (
                *(getattr(row, name) for name in DEADLINE_SHAPE),
                tasks[row.id].title if row.id in tasks else None,
                tasks[row.id].team_id if row.id in tasks else None,
                tasks[row.id].assigned_to_id if row.id in tasks else None,
            )
            for row in rows
        )

    assert deadlines(national) == deadlines(made)
    assert len(deadlines(made)) >= 3
    # Met history (a first contact met initial contact) changes status, never the shape.
    assert national.next_due_on == min(
        row.due_on
        for row in db.session.scalars(
            select(CaseDeadline).where(
                CaseDeadline.case_id == national.id, CaseDeadline.status == DeadlineStatus.OPEN
            )
        )
    )

    def shape(person: Person) -> tuple:
        return tuple(
            getattr(person, attr.key)
            for attr in inspect(person).mapper.column_attrs
            if attr.key not in {"id", "case_id", "acting_for_id", "created_at", "version"}
        )

    made_people = db.session.scalars(
        select(Person).where(Person.case_id == made.id).order_by(Person.id)
    ).all()
    assert [shape(p) for p in people] == [shape(p) for p in made_people]
    # Encrypted at rest for real: the stored token decrypts to what the page would reveal.
    stored = db.session.execute(
        text("SELECT address_line_1 FROM people WHERE id = :id"), {"id": people[0].id}
    ).scalar()
    assert stored.startswith("gAAAAA") and crypto.decrypt(stored) == people[0].address_line_1
    db.session.rollback()


def _sign_in_and_make_a_case(app, users) -> None:
    """Sign in with the printed details through the pages (an audit event, a session: their ids come
    from the sequences), and open a case through the services afterwards."""
    import pyotp

    for sign_in in (users.vlo_350, users.national_manager):
        browser = Browser(app)
        response = browser.post(
            "/sign-in", {"email": sign_in.email, "password": sign_in.password}, status=302
        )
        code = pyotp.TOTP(sign_in.totp_secret).at(clock.utcnow())
        response = browser.post("/sign-in/security-code", {"code": code}, form_path="/sign-in/security-code")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        home = browser._send("get", "/")
        assert home.status_code == 302
        browser.get(home.headers["Location"])  # their own home page, signed in
    highest = db.session.scalar(select(func.max(Case.id)))
    vlo = db.session.get(User, users.vlo_35.user_id)
    made = intake.open_case(
        offender=case_services.OffenderDetails("Z999998", None, "Test", "Offender", None, None),
        sentence=case_services.SentenceDetails(
            "Robbery", "violent", "determinate", 48, clock.today(), None, {"crd": None}
        ),
        referral_received_on=clock.today(),
        team_id=vlo.team_id,
        region_id=vlo.region_id,
        victims=[
            (
                PersonDetails("victim", "Test", "Victim", None, address_line_1="1 Test Street"),
                Preferences("key_stages", "post", "en", False, None),
            )
        ],
        user=vlo,
    )
    db.session.commit()
    assert made.id > highest  # a sequence left behind would have failed on a duplicate id


def test_the_national_set_refuses_the_production_configuration_and_sizes_it_cannot_make(migrated_app):
    upgrade()
    migrated_app.config["ENV_NAME"] = "production"
    with pytest.raises(click.ClickException, match="production"):
        _load()
    migrated_app.config["ENV_NAME"] = "testing"
    with pytest.raises(click.ClickException, match="give at least --cases"):
        load_national(NationalSize(vlos=400, cases=1_000), echo=lambda _line: None)
    assert _count(Case) == 0 and _count(User) == 0
