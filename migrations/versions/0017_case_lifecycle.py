"""Cases that close, reopen and move between teams (issue 13).

- `case_status_changes`: each closure (with its reason) and reopening of a case.
- `case_transfers`: a request to hand a case to another team, until it is accepted, declined
  or withdrawn; at most one pending per case (a partial unique index).
- Deadlines and tasks may close with their case: status "closed" joins the values the
  `ck_deadlines_status` and `ck_tasks_status` checks allow. On downgrade those rows become
  "cancelled", the nearest status the older code knows.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STATUSES = {
    "deadlines": (("open", "met", "cancelled"), ("open", "met", "cancelled", "closed")),
    "tasks": (("open", "done", "cancelled"), ("open", "done", "cancelled", "closed")),
}


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _check_statuses(new: bool) -> None:
    for table, (old_values, new_values) in STATUSES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
            batch.create_check_constraint(
                op.f(f"ck_{table}_status"), f"status IN ({_listed(new_values if new else old_values)})"
            )


def upgrade():
    op.create_table(
        "case_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_reason", sa.String(length=30), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_case_status_changes_status")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_status_changes_case_id_cases")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_status_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_status_changes")),
    )
    with op.batch_alter_table("case_status_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_case_status_changes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_team_id", sa.Integer(), nullable=False),
        sa.Column("to_team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')", name=op.f("ck_case_transfers_status")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_transfers_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["from_team_id"], ["teams.id"], name=op.f("fk_case_transfers_from_team_id_teams")
        ),
        sa.ForeignKeyConstraint(["to_team_id"], ["teams.id"], name=op.f("fk_case_transfers_to_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_case_transfers_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_case_transfers_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfers")),
    )
    with op.batch_alter_table("case_transfers") as batch_op:
        batch_op.create_index("ix_case_transfers_to_team_id_status", ["to_team_id", "status"], unique=False)
        batch_op.create_index(
            "uq_case_transfers_case_id_pending",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    _check_statuses(new=True)


def downgrade():
    for table in STATUSES:
        op.execute(f"UPDATE {table} SET status = 'cancelled' WHERE status = 'closed'")  # noqa: S608
    _check_statuses(new=False)
    with op.batch_alter_table("case_transfers") as batch_op:
        batch_op.drop_index("uq_case_transfers_case_id_pending")
        batch_op.drop_index("ix_case_transfers_to_team_id_status")
    op.drop_table("case_transfers")
    with op.batch_alter_table("case_status_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_status_changes_case_id"))
    op.drop_table("case_status_changes")
