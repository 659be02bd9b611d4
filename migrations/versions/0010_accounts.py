"""Accounts and sign-in (issue 10): slowed guessing with known devices, passwords an administrator
sets that work once and must be changed, and resets that a second administrator approves.

- sign_in_attempts: `device` (the hash of a known-device cookie's nonce, when the attempt came
  from a trusted device) and its index; `stage` refused by the database when unknown.
- users: `password_must_change` (a password an administrator chose must be replaced before any
  other page) and `password_expires_at` (when that password stops working: first use, or a
  few days after it was set).
- account_requests: a temporary password or a security-code reset asked for by one
  administrator and approved (or cancelled) by another; the database itself refuses an approval
  by the administrator who asked, or by the user it is for.

Existing rows are checked first, as in 0009. The values are written here, not imported.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STAGES = ("password", "code")
CHANGES = ("temporary_password", "second_factor_reset")
STATUSES = ("pending", "approved", "cancelled")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    connection = op.get_bind()
    unknown = connection.execute(
        sa.text(f"SELECT DISTINCT stage FROM sign_in_attempts WHERE stage NOT IN ({_listed(STAGES)})")  # noqa: S608  (values written above)
    ).scalars().all()
    if unknown:
        raise RuntimeError(
            f"Values the service does not know: sign_in_attempts.stage holds {', '.join(map(repr, unknown))}. "
            "Correct them first."
        )

    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_sign_in_attempts_device_at", ["device", "at"], unique=False)
        batch_op.create_check_constraint(op.f("ck_sign_in_attempts_stage"), f"stage IN ({_listed(STAGES)})")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_must_change", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("password_expires_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "account_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"change IN ({_listed(CHANGES)})", name=op.f("ck_account_requests_change")),
        sa.CheckConstraint(f"status IN ({_listed(STATUSES)})", name=op.f("ck_account_requests_status")),
        sa.CheckConstraint(
            "status <> 'approved' OR (decided_by_id IS NOT NULL AND decided_by_id <> requested_by_id"
            " AND decided_by_id <> user_id)",
            name=op.f("ck_account_requests_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_account_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_account_requests_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_account_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_requests")),
    )
    with op.batch_alter_table("account_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_requests_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_account_requests_status_expires_at", ["status", "expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("account_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_account_requests_status_expires_at")
        batch_op.drop_index(batch_op.f("ix_account_requests_user_id"))
    op.drop_table("account_requests")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_expires_at")
        batch_op.drop_column("password_must_change")

    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_sign_in_attempts_stage"), type_="check")
        batch_op.drop_index("ix_sign_in_attempts_device_at")
        batch_op.drop_column("device")
