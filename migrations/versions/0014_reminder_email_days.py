"""Reminder emails on working days (issue 11): `users.reminder_emails_any_day`, false for
everyone, so that an email waits for the next working day unless its recipient chooses
weekends and bank holidays too.

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("reminder_emails_any_day", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    # Not in batch mode: on SQLite that copies the users table, which other tables refer to.
    # SQLite (3.35 and later) drops the column in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users DROP COLUMN reminder_emails_any_day")
    else:
        op.drop_column("users", "reminder_emails_any_day")
