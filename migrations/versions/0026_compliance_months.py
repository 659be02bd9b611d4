"""The compliance figures of closed months, stored every night (issue 16): one row a night for each
team and month (counts only), read by the national and region compliance pages for the months
before this one.

Also indexes for what those pages still count live, by date, for this month: deadlines by due
date, people by the day contact was lost and regained, returned letters by when they came back.

The table is new, so downgrading drops it (and the indexes); the nightly snapshot makes it again
the next night.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compliance_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_compliance_months_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_months")),
        sa.UniqueConstraint(
            "taken_on",
            "month",
            "region_id",
            "team_id",
            name=op.f("uq_compliance_months_taken_on_month_region_id_team_id"),
        ),
    )
    with op.batch_alter_table("compliance_months", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compliance_months_taken_on_region_id", ["taken_on", "region_id"], unique=False
        )
    # What the pages still count live (this month, by date) read only those days' rows.
    op.create_index("ix_deadlines_due_on", "deadlines", ["due_on"], unique=False)
    op.create_index("ix_people_contact_lost_on", "people", ["contact_lost_on"], unique=False)
    op.create_index("ix_people_contact_regained_on", "people", ["contact_regained_on"], unique=False)
    op.create_index(
        "ix_contact_log_entries_returned_occurred_at",
        "contact_log_entries",
        ["occurred_at"],
        unique=False,
        postgresql_where=sa.text("outcome = 'returned_mail'"),
        sqlite_where=sa.text("outcome = 'returned_mail'"),
    )


def downgrade():
    op.drop_index("ix_contact_log_entries_returned_occurred_at", table_name="contact_log_entries")
    op.drop_index("ix_people_contact_regained_on", table_name="people")
    op.drop_index("ix_people_contact_lost_on", table_name="people")
    op.drop_index("ix_deadlines_due_on", table_name="deadlines")
    with op.batch_alter_table("compliance_months", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_months_taken_on_region_id")
    op.drop_table("compliance_months")
