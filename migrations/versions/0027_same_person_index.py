"""The allocation pages' search for the same person on a team's other cases (issue 16): an index on
lower-cased last and first names with the date of birth, so it no longer reads every person in the
country (34 ms at 87,000 people, growing with the country).

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_people_same_person",
        "people",
        [sa.text("lower(last_name)"), sa.text("lower(first_name)"), "date_of_birth"],
    )


def downgrade():
    op.drop_index("ix_people_same_person", table_name="people")
