"""National scale (issue 16): indexes for the national and regional lists, the audit trail's
default order, the SPO's address reveals and the reminder sweep, each chosen by EXPLAIN on a
national-sized database (150,000 cases, 570,000 deadlines, 2.5 million audit events).

- cases (status, next_due_on, id) and (region_id, status, next_due_on, id): the national and
  regional case lists by next deadline read a page off the index, where a min() over each open
  case's deadlines was computed and sorted (0024 added the column).
- audit_events (at, id) and (region_id, at, id): the national and regional trail, newest first,
  read a page off the index, where 2.5 million rows were sorted; the second replaces the index on
  region_id alone, which it starts with.
- audit_events (case_id, at, id) for flagged reveals only: the SPO's page joins its team's cases
  to a small index rather than reading every reveal in the country through the action index;
  with statistics on (action, flagged) on PostgreSQL, so the planner knows the two go together.
- deadlines (due_on, id) for open deadlines that can still reach a reminder stage (all but those
  reminded "overdue" for their current due date): the sweep no longer re-reads the backlog of
  overdue deadlines already reminded (victims.reminders.queries.still_to_remind says the same
  condition, with its constants written in, so that the planner matches them).

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

STILL_TO_REMIND = (
    "status = 'open'"
    " AND (reminded_due_on IS NULL OR reminded_due_on <> due_on OR reminded_stage <> 'overdue')"
)
FLAGGED_REVEAL = (
    "flagged AND action IN ('contact_details_revealed', 'contact_details_viewed',"
    " 'person_details_changed', 'letter_address_viewed', 'zone_places_viewed')"
)

ACTION_FLAGGED = "st_audit_events_action_flagged"


def upgrade():
    op.create_index("ix_cases_status_next_due_on_id", "cases", ["status", "next_due_on", "id"])
    op.create_index(
        "ix_cases_region_id_status_next_due_on_id", "cases", ["region_id", "status", "next_due_on", "id"]
    )
    op.create_index("ix_audit_events_at_id", "audit_events", ["at", "id"])
    op.create_index("ix_audit_events_region_id_at_id", "audit_events", ["region_id", "at", "id"])
    op.drop_index("ix_audit_events_region_id", table_name="audit_events")
    op.create_index(
        "ix_audit_events_flagged_reveals",
        "audit_events",
        ["at", "id", "case_id"],
        postgresql_where=sa.text(FLAGGED_REVEAL),
        sqlite_where=sa.text(FLAGGED_REVEAL),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Flagged events are nearly all reveals: without this the planner multiplies the two
        # conditions' shares and expects fifty times too few rows for the SPO's page.
        op.execute(f"CREATE STATISTICS {ACTION_FLAGGED} (mcv) ON action, flagged FROM audit_events")
    op.create_index(
        "ix_deadlines_to_remind",
        "deadlines",
        ["due_on", "id"],
        postgresql_where=sa.text(STILL_TO_REMIND),
        sqlite_where=sa.text(STILL_TO_REMIND),
    )


def downgrade():
    op.drop_index("ix_deadlines_to_remind", table_name="deadlines")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {ACTION_FLAGGED}")
    op.drop_index("ix_audit_events_flagged_reveals", table_name="audit_events")
    op.create_index("ix_audit_events_region_id", "audit_events", ["region_id"])
    op.drop_index("ix_audit_events_region_id_at_id", table_name="audit_events")
    op.drop_index("ix_audit_events_at_id", table_name="audit_events")
    op.drop_index("ix_cases_region_id_status_next_due_on_id", table_name="cases")
    op.drop_index("ix_cases_status_next_due_on_id", table_name="cases")
