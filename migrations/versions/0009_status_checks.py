"""Statuses are types: the database refuses a status, stage, kind or reason the code does not know.

One CHECK constraint per column, named as the models name them (ck_<table>_<column>). The values
are written here, not imported, so this migration stays what it was when the code changes.
Existing rows are checked first: a value outside the list stops the upgrade with a message
naming the table, the column and the values, rather than a bare constraint error.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KNOWN = (
    ("cases", "status", ("open", "closed")),
    ("deadlines", "status", ("open", "met", "cancelled")),
    ("tasks", "status", ("open", "done", "cancelled")),
    (
        "offender_events",
        "kind",
        (
            "release_date_change",
            "open_conditions",
            "temporary_licence",
            "parole_review_listed",
            "parole_decision",
            "release",
            "recall",
            "licence_end",
            "death_in_custody",
        ),
    ),
    ("reminder_stages", "stage", ("upcoming", "due", "overdue")),
    ("reminders", "stage", ("upcoming", "due", "overdue")),
    ("reminders", "reason", ("assigned", "team_queue", "escalation", "no_one_else")),
    ("reminders", "email_status", ("none", "pending", "sent", "failed", "cancelled")),
    ("letters", "status", ("draft", "awaiting_countersign", "approved", "sent", "failed", "cancelled")),
    (
        "letters",
        "delivery_status",
        (
            "created",
            "sending",
            "delivered",
            "permanent-failure",
            "temporary-failure",
            "technical-failure",
            "pending-virus-check",
            "virus-scan-failed",
            "validation-failed",
            "accepted",
            "received",
            "cancelled",
            "returned-letter",
        ),
    ),
    (
        "condition_requests",
        "stage",
        ("requested", "drafted", "checked", "sent", "included", "not_included", "told"),
    ),
    ("exclusion_zones", "status", ("draft", "submitted", "countersigned")),
)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    connection = op.get_bind()
    unknown = []
    for table, column, values in KNOWN:
        found = connection.execute(
            sa.text(f"SELECT DISTINCT {column} FROM {table} WHERE {column} NOT IN ({_listed(values)})")  # noqa: S608  (names and values written above)
        ).scalars()
        unknown.extend(f"{table}.{column} holds {value!r}" for value in found)
    if unknown:
        raise RuntimeError("Values the service does not know: " + "; ".join(unknown) + ". Correct them first.")
    for table, column, values in KNOWN:
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(op.f(f"ck_{table}_{column}"), f"{column} IN ({_listed(values)})")


def downgrade():
    for table, column, _values in reversed(KNOWN):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
