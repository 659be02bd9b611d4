"""Migration 0011 on SQLite and PostgreSQL: letters and reminders that exist keep the reference
they may already have been sent under (`letter-<id>`, `reminder-<id>`), so that what Notify holds
under it is found and checked; rows made afterwards get random ones; the database refuses two
rows with one reference; a downgrade turns held rows into failed ones."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from victims.extensions import db
from victims.letters.models import Letter
from victims.reminders.models import Reminder

NOW = {"now": "2026-11-25 10:00:00"}


def _rows_at_0010(connection) -> None:
    """A case with a victim, a letter waiting to go and a reminder whose email is waiting."""
    for statement in (
        "INSERT INTO teams (region_id, name) VALUES (1, 'Team A')",
        "INSERT INTO users (email, name, role, region_id, team_id, national, contracted_hours, active,"
        " password_hash, totp_confirmed, created_at, version, email_reminders, requires_countersign,"
        " password_must_change) VALUES ('vlo@example.test', 'A VLO', 'vlo', 1, 1, false, 37, true, 'x',"
        " false, :now, 1, true, false, false)",
        "INSERT INTO offenders (crn, first_name, last_name, created_at, version)"
        " VALUES ('X123456', 'John', 'Smith', :now, 1)",
        "INSERT INTO sentences (offender_id, offence, offence_category, sentence_type, sentence_date,"
        " version) VALUES (1, 'Robbery', 'violent', 'determinate', '2026-01-05', 1)",
        "INSERT INTO cases (offender_id, sentence_id, region_id, team_id, scheme, status,"
        " referral_received_on, created_at, discretionary_offer, version)"
        " VALUES (1, 1, 1, 1, 'statutory', 'open', '2026-01-10', :now, false, 1)",
        "INSERT INTO people (case_id, relationship, first_name, last_name, contact_level, channel, language,"
        " large_print, contact_lost, created_at, version)"
        " VALUES (1, 'victim', 'Jane', 'Victim', 'key_stages', 'post', 'en', false, false, :now, 1)",
        "INSERT INTO letter_templates (letter_type, language, version, title, sections, created_at)"
        " VALUES ('initial_contact', 'en', 1, 'Letter', '[]', :now)",
        "INSERT INTO letters (case_id, person_id, letter_type, language, large_print, channel, template_id,"
        " title, sections_json, facts_json, status, created_at, created_by_id, updated_at, send_attempts,"
        " version) VALUES (1, 1, 'initial_contact', 'en', false, 'post', 1, 'Letter', 'x', 'x', 'approved',"
        " :now, 1, :now, 0, 1)",
        "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number, status,"
        " created_at, version)"
        " VALUES (1, 'initial_contact', '2026-02-09', '2026-01-10', 1, 20, 'open', :now, 1)",
        "INSERT INTO tasks (case_id, team_id, deadline_id, title, status, created_at, version)"
        " VALUES (1, 1, 1, 'Make initial contact', 'open', :now, 1)",
        "INSERT INTO reminders (deadline_id, due_on, stage, recipient_id, reason, case_id, team_id, title,"
        " created_at, email_status, email_attempts) VALUES"
        " (1, '2026-02-09', 'overdue', 1, 'assigned', 1, 1, 'Make initial contact', :now, 'pending', 0)",
    ):
        connection.execute(text(statement), NOW if ":now" in statement else {})


def _references(connection) -> tuple[str, str]:
    return (
        connection.execute(text("SELECT reference FROM letters")).scalar_one(),
        connection.execute(text("SELECT reference FROM reminders")).scalar_one(),
    )


def test_rows_that_exist_keep_their_reference_and_new_ones_are_random(migrated_app):
    upgrade(revision="0010")
    with db.engine.begin() as connection:
        _rows_at_0010(connection)
    upgrade()
    with db.engine.connect() as connection:
        assert _references(connection) == ("letter-1", "reminder-1")

    letter = Letter(
        case_id=1,
        person_id=1,
        letter_type="initial_contact",
        language="en",
        channel="post",
        template_id=1,
        title="Letter",
        sections_json="[]",
        facts_json="{}",
        created_by_id=1,
    )
    reminder = Reminder(
        deadline_id=1,
        due_on=date(2026, 2, 10),
        stage="overdue",
        recipient_id=1,
        reason="assigned",
        case_id=1,
        team_id=1,
        title="Make initial contact",
    )
    db.session.add_all([letter, reminder])
    db.session.commit()
    assert re.fullmatch(r"letter-[0-9a-f]{32}", letter.reference)
    assert re.fullmatch(r"reminder-[0-9a-f]{32}", reminder.reference)


def test_the_database_refuses_two_rows_with_one_reference(migrated_app):
    upgrade(revision="0010")
    with db.engine.begin() as connection:
        _rows_at_0010(connection)
    upgrade()
    with pytest.raises(IntegrityError, match=r"uq_letters_reference|UNIQUE"), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO letters (case_id, person_id, letter_type, language, large_print, channel,"
                " template_id, title, sections_json, facts_json, status, created_at, created_by_id,"
                " updated_at, send_attempts, version, reference) VALUES (1, 1, 'initial_contact', 'en',"
                " false, 'post', 1, 'Letter', 'x', 'x', 'draft', :now, 1, :now, 0, 1, 'letter-1')"
            ),
            NOW,
        )


def test_a_downgrade_turns_held_rows_into_failed_ones(migrated_app):
    upgrade(revision="0010")
    with db.engine.begin() as connection:
        _rows_at_0010(connection)
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE letters SET status = 'held', problem = 'Held: checked by a person'"))
        connection.execute(text("UPDATE reminders SET email_status = 'held'"))
    downgrade(revision="0010")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT status, problem FROM letters")).one() == (
            "failed",
            "Held: checked by a person",
        )
        assert connection.execute(text("SELECT email_status FROM reminders")).scalar_one() == "failed"
    upgrade()
    with db.engine.connect() as connection:
        assert _references(connection) == ("letter-1", "reminder-1")
