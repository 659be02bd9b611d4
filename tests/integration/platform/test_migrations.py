"""Migrations are code: upgrade → downgrade → upgrade works on SQLite and PostgreSQL,
the regions are seeded, and the models match the migration head exactly."""

from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError, SAWarning

from victims.domain.vocabulary import REGIONS
from victims.extensions import db

TABLES = {
    "absences",
    "account_requests",
    "api_clients",
    "audit_events",
    "case_needs",
    "case_status_changes",
    "case_transfers",
    "cases",
    "compliance_months",
    "condition_requests",
    "contact_level_changes",
    "contact_log_entries",
    "deadline_changes",
    "deadline_rule_settings",
    "deadlines",
    "dev_outbox_emails",
    "dev_outbox_letters",
    "exclusion_zones",
    "feedback_links",
    "feedback_responses",
    "idempotency_records",
    "letter_templates",
    "letters",
    "non_working_days",
    "offender_events",
    "offenders",
    "people",
    "postcodes",
    "prerelease_contacts",
    "referral_uploads",
    "regions",
    "reminder_stages",
    "release_addresses",
    "reminders",
    "saved_list_filters",
    "sentence_date_changes",
    "sentences",
    "sign_in_attempts",
    "snapshots",
    "staff_reductions",
    "tasks",
    "teams",
    "time_records",
    "training_records",
    "user_sessions",
    "user_skills",
    "users",
    "workload_model_versions",
    "zone_points",
}


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _diff() -> list:
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect an index on expressions (ix_people_same_person, on lower-cased
        # names): SQLAlchemy says so and leaves it out, and the comparison leaves it out on both
        # sides. PostgreSQL reflects and compares it.
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index", UserWarning
        )
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _regions() -> list[tuple[str, str]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT code, name FROM regions ORDER BY id"))]


def test_upgrade_downgrade_upgrade(migrated_app):
    upgrade()
    assert _tables() == TABLES
    assert _regions() == REGIONS
    assert len(_regions()) == 12

    downgrade(revision="base")
    assert _tables() == set()

    upgrade()
    assert _tables() == TABLES
    assert len(_regions()) == 12


def test_models_match_the_migration_head(migrated_app):
    upgrade()
    assert _diff() == []


def test_the_comparison_would_notice_a_difference(migrated_app):
    """The empty diff above means something: drop an index and the comparison sees it."""
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_people_last_name"))
    diff = _diff()
    assert any(change[0] == "add_index" and change[1].name == "ix_people_last_name" for change in diff)


def _check_names(tables) -> set[tuple[str, str]]:
    return {
        (table.name, check.name)
        for table in tables
        for check in table.constraints
        if isinstance(check, CheckConstraint)
    }


def test_every_check_constraint_of_the_models_is_in_the_database(migrated_app):
    """Alembic's comparison does not look at CHECK constraints: this does."""
    upgrade()
    declared = _check_names(db.metadata.sorted_tables)
    inspector = inspect(db.engine)
    present = {
        (table, constraint["name"])
        for table in inspector.get_table_names()
        for constraint in inspector.get_check_constraints(table)
    }
    assert declared, "the models declare CHECK constraints"
    assert declared <= present, declared - present


def _a_user_and_a_case(connection) -> None:
    now = {"now": "2026-11-25 10:00:00"}
    connection.execute(text("INSERT INTO teams (region_id, name) VALUES (1, 'Team A')"))
    connection.execute(
        text(
            "INSERT INTO offenders (crn, first_name, last_name, created_at, version)"
            " VALUES ('X123456', 'John', 'Smith', :now, 1)"
        ),
        now,
    )
    connection.execute(
        text(
            "INSERT INTO sentences (offender_id, offence, offence_category, sentence_type,"
            " sentence_date, version) VALUES (1, 'Robbery', 'violent', 'determinate', '2026-01-05', 1)"
        )
    )
    connection.execute(
        text(
            "INSERT INTO cases (offender_id, sentence_id, region_id, team_id, scheme, status,"
            " referral_received_on, created_at, discretionary_offer, version)"
            " VALUES (1, 1, 1, 1, 'statutory', 'open', '2026-01-10', :now, false, 1)"
        ),
        now,
    )


def test_the_database_refuses_a_status_the_code_does_not_know(migrated_app):
    upgrade()
    with db.engine.begin() as connection:
        _a_user_and_a_case(connection)
    with pytest.raises(IntegrityError, match="ck_cases_status"), db.engine.begin() as connection:
        connection.execute(text("UPDATE cases SET status = 'archived'"))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM cases")).scalar_one() == "open"


def test_the_status_checks_stop_on_values_the_code_does_not_know(migrated_app, capfd):
    """Rows written before the checks existed are looked at first, and named."""
    upgrade(revision="0008")
    with db.engine.begin() as connection:
        _a_user_and_a_case(connection)
        connection.execute(text("UPDATE cases SET status = 'archived'"))
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        upgrade()
    assert "cases.status holds 'archived'" in capfd.readouterr().err
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0008"


def test_the_status_checks_keep_rows_that_other_tables_refer_to(migrated_app):
    """On SQLite the migration copies tables that others refer to: the rows and references stay."""
    upgrade(revision="0008")
    with db.engine.begin() as connection:
        _a_user_and_a_case(connection)
        connection.execute(
            text(
                "INSERT INTO deadlines (case_id, code, due_on, counted_from, rule_version, rule_number,"
                " status, created_at, version)"
                " VALUES (1, 'initial_contact', '2026-02-09', '2026-01-10', 1, 20, 'open', '2026-01-10', 1)"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT case_id FROM deadlines")).scalar_one() == 1
        assert connection.execute(text("SELECT status FROM cases")).scalar_one() == "open"


def test_downgrade_with_data_in_the_tables(migrated_app):
    """Data in every area does not stop a downgrade (no orphaned foreign keys, triggers dropped)."""
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO teams (region_id, name) VALUES (1, 'Team A')"))
        connection.execute(
            text(
                "INSERT INTO users (email, name, role, region_id, team_id, national, contracted_hours,"
                " active, password_hash, totp_confirmed, created_at, version)"
                " VALUES ('a@example.test', 'A', 'vlo', 1, 1, false, 37, true, 'x', false, :now, 1)"
            ),
            {"now": "2026-11-25 10:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (at, user_id, action, record_type, flagged)"
                " VALUES (:now, 1, 'signed_in', 'user', false)"
            ),
            {"now": "2026-11-25 10:00:00"},
        )
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _tables() == TABLES


def test_the_audit_trail_is_append_only_in_the_database(migrated_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (at, action, record_type, flagged)"
                " VALUES ('2026-11-25 10:00:00', 'signed_in', 'user', false)"
            )
        )
    for statement in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT action FROM audit_events")).scalars().all() == ["signed_in"]


def test_the_test_database_is_built_from_the_migrations(app):
    """The suite's own database came from `upgrade()`, so it is at the head."""
    from alembic.script import ScriptDirectory

    with app.app_context():
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert version == script.get_current_head()


def test_0016_adds_a_version_with_restraining_orders_stated_correctly(migrated_app):
    """A stored built-in template from before issue 12 said a victim may "apply for a restraining
    order"; the migration adds the next version with the corrected sentence, and takes it away
    again on a downgrade. The unit's letterhead columns come and go with it."""
    import json

    upgrade(revision="0014")
    old = (
        "- You may be able to apply for a restraining order or a non-molestation order. These are court "
        "orders that ban the offender from contacting you. Breaking one is a crime. The police, a solicitor "
        "or a domestic abuse service can help you apply. For example, call the helpline."
    )
    sections = [
        {"key": "unwanted_contact", "heading": "If the offender contacts you", "body": old, "locked": True}
    ]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO letter_templates"
                " (letter_type, language, version, title, sections, note, created_at)"
                " VALUES ('initial_contact', 'en', 1, 'Information', :sections, 'Built-in template', :now)"
            ),
            {"sections": json.dumps(sections), "now": "2026-11-25 10:00:00"},
        )
    upgrade(revision="0016")
    with db.engine.begin() as connection:
        rows = connection.execute(
            text("SELECT version, sections, note FROM letter_templates ORDER BY version")
        ).all()
        connection.execute(text("UPDATE teams SET postal_address = 'PO Box 1', telephone = '0300 123 4567'"))
    assert [(row.version, row.note) for row in rows] == [
        (1, "Built-in template"),
        (2, "Restraining orders stated correctly (issue 12)"),
    ]
    body = (json.loads(rows[1].sections) if isinstance(rows[1].sections, str) else rows[1].sections)[0][
        "body"
    ]
    assert "A criminal court can make a restraining order when it sentences the offender" in body
    assert "apply to a family court for a non-molestation order" in body
    assert body.endswith("For example, call the helpline.")
    downgrade(revision="0014")
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM letter_templates")).scalar() == 1
    upgrade()
