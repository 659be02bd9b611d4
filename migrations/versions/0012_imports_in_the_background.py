"""Imports in the background (issue 11): a checked CSV file of referrals is imported by a Celery
worker, and its row in `referral_uploads` follows the import (status, rows done, attempts, when
it started, beat and finished, and the outcome or the reason nothing was imported). The file's
contents are forgotten once the import has finished, so they may now be empty.

Downgrading deletes every upload but those waiting to be imported: the code before this
migration keeps nothing else in the table, and a finished import has no file to keep.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STATUSES = ("checked", "queued", "running", "done", "failed")
MOMENTS = ("queued_at", "started_at", "heartbeat_at", "finished_at")
COUNTS = ("cases_opened", "cases_found", "passed_on")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    with op.batch_alter_table("referral_uploads") as batch:
        batch.alter_column("contents", existing_type=sa.Text(), nullable=True)
        batch.add_column(sa.Column("status", sa.String(length=10), server_default="checked", nullable=False))
        batch.create_check_constraint(op.f("ck_referral_uploads_status"), f"status IN ({_listed(STATUSES)})")
        batch.add_column(sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        for name in MOMENTS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch.add_column(sa.Column("failure", sa.Text(), nullable=True))
        batch.add_column(sa.Column("problems", sa.JSON(), nullable=True))


def downgrade():
    op.execute("DELETE FROM referral_uploads WHERE status <> 'checked'")
    with op.batch_alter_table("referral_uploads") as batch:
        for name in ("problems", "failure", *reversed(COUNTS), *reversed(MOMENTS), "attempts", "rows_done"):
            batch.drop_column(name)
        batch.drop_constraint(op.f("ck_referral_uploads_status"), type_="check")
        batch.drop_column("status")
        batch.alter_column("contents", existing_type=sa.Text(), nullable=False)
