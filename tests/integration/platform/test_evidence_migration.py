"""Migration 0018 on SQLite and PostgreSQL, with the data that exists: deadlines met before the
service kept evidence say so and show how late they were (the issue's VNS initial contact due
19 April 2022 and closed on 29 November 2026 is late, not "Met"); the referral's deadline is met by
the referral; contact log entries were contacts made; a person flagged contact lost is dated by
the audit trail. Down and up again keeps the rows."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from victims.extensions import db

NOW = {"now": "2026-11-25 10:00:00"}


def _rows_at_0016(connection) -> None:
    for statement in (
        "INSERT INTO teams (region_id, name) VALUES (1, 'Team A')",
        "INSERT INTO users (email, name, role, region_id, team_id, national, contracted_hours, active,"
        " password_hash, totp_confirmed, created_at, version, email_reminders, requires_countersign,"
        " password_must_change, reminder_emails_any_day) VALUES ('spo@example.test', 'An SPO', 'spo', 1, 1,"
        " false, 37, true, 'x', false, :now, 1, true, false, false, false)",
        "INSERT INTO offenders (crn, first_name, last_name, created_at, version)"
        " VALUES ('X123456', 'John', 'Smith', :now, 1)",
        "INSERT INTO sentences (offender_id, offence, offence_category, sentence_type, sentence_date,"
        " version) VALUES (1, 'Stalking', 'stalking', 'determinate', '2022-03-28', 1)",
        "INSERT INTO cases (offender_id, sentence_id, region_id, team_id, scheme, status,"
        " referral_received_on, created_at, discretionary_offer, version)"
        " VALUES (1, 1, 1, 1, 'vns', 'open', '2022-03-30', :now, false, 1)",
        "INSERT INTO people (case_id, relationship, first_name, last_name, contact_level, channel, language,"
        " large_print, contact_lost, created_at, version)"
        " VALUES (1, 'victim', 'Jane', 'Victim', 'key_stages', 'post', 'en', false, true, :now, 1)",
        # 1: the referral's, met as the case opened, on time.
        "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number, status,"
        " met_on, created_at, version)"
        " VALUES (1, 'referral', '2022-04-11', '2022-03-28', 1, 10, 'met', '2022-03-30', :now, 1)",
        # 2: the issue's: VNS initial contact due 19 April 2022, marked done on 29 November 2026.
        "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number, status,"
        " met_on, created_at, version)"
        " VALUES (1, 'vns_initial_contact', '2022-04-19', '2022-03-28', 1, 15, 'met', '2026-11-29', :now, 1)",
        "INSERT INTO tasks (case_id, team_id, deadline_id, title, status, created_at, done_at, done_by_id,"
        " version) VALUES (1, 1, 2, 'Make initial contact', 'done', :now, :now, 1, 1)",
        # 3: Friday 20 November 2026, met the Wednesday after: three working days late.
        "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number, status,"
        " met_on, created_at, version)"
        " VALUES (1, 'contact_lost', '2026-11-20', '2026-11-06', 1, 10, 'met', '2026-11-25', :now, 1)",
        # 4: still open.
        "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number, status,"
        " created_at, version)"
        " VALUES (1, 'contact_lost', '2026-12-04', '2026-11-20', 1, 10, 'open', :now, 1)",
        "INSERT INTO contact_log_entries (case_id, person_id, occurred_at, recorded_at, user_id, method,"
        " direction, summary) VALUES (1, 1, :now, :now, 1, 'telephone', 'outbound', 'x')",
        "INSERT INTO audit_events (at, user_id, action, record_type, record_id, case_id, flagged)"
        " VALUES ('2026-11-06 09:00:00', 1, 'contact_lost_flagged', 'person', 1, 1, false)",
        "INSERT INTO audit_events (at, user_id, action, record_type, record_id, case_id, flagged)"
        " VALUES ('2026-11-20 09:00:00', 1, 'contact_lost_flagged', 'person', 1, 1, false)",
    ):
        connection.execute(text(statement), NOW if ":now" in statement else {})


def _working_days_after(first: date, last: date) -> int:
    """Counted here without the service's calendar: weekdays after `first` up to `last` that are
    not bank holidays in England."""
    bank = holidays.GB(subdiv="ENG", years=range(first.year, last.year + 1))
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in bank)


def test_existing_met_deadlines_say_how_and_how_late(migrated_app):
    upgrade(revision="0016")
    with db.engine.begin() as connection:
        _rows_at_0016(connection)
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, status, met_how, met_by_id, days_late, met_evidence_id FROM deadlines ORDER BY id"
            )
        ).all()
        late = _working_days_after(date(2022, 4, 19), date(2026, 11, 29))
        assert late > 1100  # four and a half years of working days
        assert [tuple(row) for row in rows] == [
            (1, "met", "referral", None, 0, None),
            (2, "met", "unrecorded", 1, late, None),
            (3, "met", "unrecorded", None, 3, None),
            (4, "open", None, None, None, None),
        ]
        assert connection.execute(text("SELECT outcome FROM contact_log_entries")).scalar_one() == "made"
        lost_on = connection.execute(text("SELECT contact_lost_on FROM people")).scalar_one()
        assert str(lost_on)[:10] == "2026-11-20"

    downgrade(revision="0016")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM deadlines")).scalar_one() == 4
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT days_late FROM deadlines WHERE id = 2")).scalar_one() == late


def test_the_database_refuses_an_outcome_or_evidence_the_code_does_not_know(migrated_app):
    upgrade(revision="0016")
    with db.engine.begin() as connection:
        _rows_at_0016(connection)
    upgrade()
    for statement in (
        "UPDATE contact_log_entries SET outcome = 'lost'",
        "UPDATE deadlines SET met_how = 'magic' WHERE id = 1",
    ):
        with pytest.raises(Exception, match="ck_"), db.engine.begin() as connection:
            connection.execute(text(statement))
