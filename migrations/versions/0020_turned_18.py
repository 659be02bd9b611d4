"""A child victim turning 18 (issue 13, item 7).

- `people.turned_18_alerted_on`: the day the daily sweep opened the "has turned 18" task for
  this person. Set once, by the sweep's claim (an UPDATE only where it is empty), so a person
  gets at most one such task however often the sweep runs. Empty for everyone existing.

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("people", sa.Column("turned_18_alerted_on", sa.Date(), nullable=True))


def downgrade():
    # Not in batch mode: on SQLite that copies the people table, which other tables refer to.
    # SQLite (3.35 and later) drops the column in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE people DROP COLUMN turned_18_alerted_on")
    else:
        op.drop_column("people", "turned_18_alerted_on")
