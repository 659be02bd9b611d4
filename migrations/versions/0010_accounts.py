"""Accounts and sign-in (issue 10): slowed guessing with known devices.

- sign_in_attempts: `device` (the hash of a known-device cookie's nonce, when the attempt came
  from a trusted device) and its index; `stage` refused by the database when unknown.

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


def downgrade():
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_sign_in_attempts_stage"), type_="check")
        batch_op.drop_index("ix_sign_in_attempts_device_at")
        batch_op.drop_column("device")

