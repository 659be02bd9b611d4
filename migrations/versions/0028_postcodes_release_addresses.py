"""Pre-release work a VLO can finish (issue 17): the postcode table (the ONS Postcode Directory's
centres, imported by `flask --app victims postcodes import FILE`), the offender's proposed release
address on the case with its source and date, the postcode and source of each place a zone is
checked against, the letter or contact that told a victim a request's outcome, and when a
request's sending, outcome and telling were recorded.

Downgrading drops the new tables and columns: the postcodes can be imported again; release
addresses, places' postcodes and the links to what told the victim are lost.

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30
"""

import warnings

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


class _sqlite_batch:
    """A batch alteration of a table. SQLite's batch mode copies the table, reflecting the tables it
    refers to: it says it cannot reflect the expression index on people (0027), which it does not
    copy or need, and the warning is not a fault here."""

    def __init__(self, table: str):
        self._warnings = warnings.catch_warnings()
        self._batch = op.batch_alter_table(table, schema=None)

    def __enter__(self):
        self._warnings.__enter__()
        warnings.filterwarnings(
            "ignore", message="Skipped unsupported reflection of expression-based index", category=sa.exc.SAWarning
        )
        return self._batch.__enter__()

    def __exit__(self, *exc):
        try:
            return self._batch.__exit__(*exc)
        finally:
            self._warnings.__exit__(*exc)


def upgrade():
    # -- postcodes --------------------------------------------------------------------------------
    op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("sector", sa.String(length=6), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcodes")),
    )
    op.create_index(op.f("ix_postcodes_sector"), "postcodes", ["sector"], unique=False)

    # -- release addresses ------------------------------------------------------------------------
    op.create_table(
        "release_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("postcode", sa.Text(), nullable=True),
        sa.Column("coordinates", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_release_addresses_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_release_addresses_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_addresses")),
    )
    op.create_index("ix_release_addresses_case_id_id", "release_addresses", ["case_id", "id"], unique=False)

    # -- zone points ------------------------------------------------------------------------------
    with op.batch_alter_table("zone_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postcode", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=20), nullable=True))

    # -- condition requests -----------------------------------------------------------------------
    with _sqlite_batch("condition_requests") as batch_op:
        batch_op.add_column(sa.Column("told_letter_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("told_contact_id", sa.Integer(), nullable=True))
        # When each later step was recorded (its *_on is the day it happened): who and when.
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_condition_requests_told_letter_id_letters"), "letters", ["told_letter_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_condition_requests_told_contact_id_contact_log_entries"),
            "contact_log_entries",
            ["told_contact_id"],
            ["id"],
        )


def downgrade():
    with _sqlite_batch("condition_requests") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_condition_requests_told_contact_id_contact_log_entries"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_condition_requests_told_letter_id_letters"), type_="foreignkey")
        batch_op.drop_column("told_at")
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("told_contact_id")
        batch_op.drop_column("told_letter_id")
    with op.batch_alter_table("zone_points", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("postcode")
    op.drop_index("ix_release_addresses_case_id_id", table_name="release_addresses")
    op.drop_table("release_addresses")
    op.drop_index(op.f("ix_postcodes_sector"), table_name="postcodes")
    op.drop_table("postcodes")
