"""National scale (issue 16): the next open deadline kept on the case, and the last reminder stage
sent kept on the deadline, both filled from what is already recorded.

`cases.next_due_on` is the earliest due date of the case's open deadlines; `deadlines.reminded_stage`
and `reminded_due_on` the latest stage in reminder_stages for the deadline's current due date.
Downgrading drops the three columns; what they summarise stays in deadlines and reminder_stages.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("next_due_on", sa.Date(), nullable=True))
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("reminded_stage", sa.String(10), nullable=True))
        batch.add_column(sa.Column("reminded_due_on", sa.Date(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_deadlines_reminded_stage"), "reminded_stage IN ('upcoming', 'due', 'overdue')"
        )
    op.execute(
        "UPDATE cases SET next_due_on = (SELECT min(d.due_on) FROM deadlines d"
        " WHERE d.case_id = cases.id AND d.status = 'open')"
    )
    # The latest stage reached for the current due date: overdue after due after upcoming.
    op.execute(
        "UPDATE deadlines SET reminded_due_on = due_on, reminded_stage = ("
        " SELECT CASE max(CASE r.stage WHEN 'upcoming' THEN 1 WHEN 'due' THEN 2 ELSE 3 END)"
        " WHEN 1 THEN 'upcoming' WHEN 2 THEN 'due' WHEN 3 THEN 'overdue' END"
        " FROM reminder_stages r WHERE r.deadline_id = deadlines.id AND r.due_on = deadlines.due_on)"
        " WHERE EXISTS (SELECT 1 FROM reminder_stages r"
        " WHERE r.deadline_id = deadlines.id AND r.due_on = deadlines.due_on)"
    )


def downgrade():
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_constraint(op.f("ck_deadlines_reminded_stage"), type_="check")
        batch.drop_column("reminded_due_on")
        batch.drop_column("reminded_stage")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("next_due_on")
