"""GOV.UK Notify references of their own (issue 11): letters and reminders get a `reference`
column, unique, which the service fills with a random value when it makes a row, and a status
"held" for a row Notify already had something else under the reference of.

The reference used to be made from the id (`letter-<id>`, `reminder-<id>`). Rows that exist now
keep that one: a notification Notify holds under it may well be theirs (a sender that died just
before the upgrade; a database restored from a backup taken before the upgrade, whose waiting
rows went out after it was taken), and what a send finds there is now checked against the row
before it counts as sent. Rows made from now on never reuse an id's reference.

Downgrading turns held rows into failed ones with their reason kept: the code before this
migration has no "held", and a failed row waits for a person as a held one does.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LETTER_STATUSES = ("draft", "awaiting_countersign", "approved", "sent", "failed", "cancelled")
EMAIL_STATUSES = ("none", "pending", "sent", "failed", "cancelled")
# (table, the kind its references start with, its status column, its statuses before "held")
SENDABLE = (
    ("letters", "letter", "status", LETTER_STATUSES),
    ("reminders", "reminder", "email_status", EMAIL_STATUSES),
)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    for table, kind, status, statuses in SENDABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
        op.execute(f"UPDATE {table} SET reference = '{kind}-' || CAST(id AS VARCHAR(20))")  # noqa: S608  (names written above)
        with op.batch_alter_table(table) as batch:
            batch.alter_column("reference", existing_type=sa.String(length=64), nullable=False)
            batch.create_unique_constraint(op.f(f"uq_{table}_reference"), ["reference"])
            batch.drop_constraint(op.f(f"ck_{table}_{status}"), type_="check")
            batch.create_check_constraint(
                op.f(f"ck_{table}_{status}"), f"{status} IN ({_listed((*statuses, 'held'))})"
            )


def downgrade():
    for table, _kind, status, statuses in reversed(SENDABLE):
        op.execute(f"UPDATE {table} SET {status} = 'failed' WHERE {status} = 'held'")  # noqa: S608  (names written above)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{status}"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_{status}"), f"{status} IN ({_listed(statuses)})")
            batch.drop_constraint(op.f(f"uq_{table}_reference"), type_="unique")
            batch.drop_column("reference")
