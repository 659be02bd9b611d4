"""Migration 0021 (issue 13) with data, on SQLite and PostgreSQL: an event's recorded day becomes
the day the unit learned of it, the restricted patients' kinds are accepted, and a downgrade
stops rather than lose a restricted patient's event."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.integration.platform.test_migrations import _a_user_and_a_case
from victims.extensions import db

NOW = {"now": "2026-11-25 10:00:00"}


def _event(connection, kind: str) -> None:
    connection.execute(
        text(
            "INSERT INTO offender_events (case_id, kind, occurred_on, learned_on, recorded_at, source)"
            " VALUES (1, :kind, '2026-11-02', '2026-11-20', :now, 'manual')"
        ),
        {"kind": kind, **NOW},
    )


def test_0021_keeps_the_recorded_day_as_the_day_learned_and_accepts_the_new_kinds(migrated_app, capfd):
    upgrade(revision="0016")
    with db.engine.begin() as connection:
        _a_user_and_a_case(connection)
        connection.execute(
            text(
                "INSERT INTO offender_events (case_id, kind, occurred_on, recorded_on, recorded_at, source)"
                " VALUES (1, 'recall', '2026-11-02', '2026-11-20', :now, 'manual')"
            ),
            NOW,
        )
    upgrade(revision="0021")
    with db.engine.begin() as connection:
        row = connection.execute(text("SELECT kind, occurred_on, learned_on FROM offender_events")).one()
        assert (row.kind, str(row.occurred_on), str(row.learned_on)) == ("recall", "2026-11-02", "2026-11-20")
        _event(connection, "tribunal_decision")
        connection.execute(
            text(
                "INSERT INTO sentence_date_changes (sentence_id, field, old_value, new_value, source,"
                " changed_at, event_id) VALUES (1, 'crd', '2027-03-01', '2027-01-04', 'prison', :now, 1)"
            ),
            NOW,
        )
    with pytest.raises(IntegrityError, match="ck_offender_events_kind"), db.engine.begin() as connection:
        _event(connection, "escape")

    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        downgrade(revision="0016")
    assert "1 restricted patient's events are stored" in capfd.readouterr().err
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0021"
        connection.execute(text("DELETE FROM offender_events WHERE kind = 'tribunal_decision'"))
    downgrade(revision="0016")
    with db.engine.begin() as connection:
        row = connection.execute(text("SELECT kind, recorded_on FROM offender_events")).one()
        assert (row.kind, str(row.recorded_on)) == ("recall", "2026-11-20")
        assert connection.execute(text("SELECT count(*) FROM sentence_date_changes")).scalar() == 1
    upgrade()
