"""Events as they happened (issue 13): every offender event keeps the day it happened and the day
the unit learned of it (`offender_events.recorded_on` becomes `learned_on`: it always was the day
the unit learned of it, as recorded), a release-date change made by an event is tied to it
(`sentence_date_changes.event_id`), and the restricted patients' events are kinds the database
accepts.

Downgrading stops, naming how many, if any restricted patient's event is stored: the code before
this migration cannot show them, and deleting them would delete work.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

KINDS = (
    "release_date_change",
    "open_conditions",
    "temporary_licence",
    "parole_review_listed",
    "parole_decision",
    "release",
    "recall",
    "licence_end",
    "death_in_custody",
)
RESTRICTED_PATIENT_KINDS = (
    "tribunal_hearing_listed",
    "tribunal_decision",
    "section_17_leave",
    "conditional_discharge",
    "recall_to_hospital",
    "restriction_order_lifted",
)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    with op.batch_alter_table("offender_events") as batch:
        batch.alter_column("recorded_on", new_column_name="learned_on", existing_type=sa.Date(), nullable=False)
        batch.drop_constraint(op.f("ck_offender_events_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_offender_events_kind"), f"kind IN ({_listed(KINDS + RESTRICTED_PATIENT_KINDS)})"
        )
    with op.batch_alter_table("sentence_date_changes") as batch:
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_sentence_date_changes_event_id_offender_events"), "offender_events", ["event_id"], ["id"]
        )


def downgrade():
    stored = op.get_bind().scalar(
        sa.text(f"SELECT COUNT(*) FROM offender_events WHERE kind IN ({_listed(RESTRICTED_PATIENT_KINDS)})")  # noqa: S608  (values written above)
    )
    if stored:
        raise RuntimeError(
            f"{stored} restricted patient's events are stored: the code before 0021 cannot show them. "
            "Nothing was changed."
        )
    with op.batch_alter_table("sentence_date_changes") as batch:
        batch.drop_constraint(op.f("fk_sentence_date_changes_event_id_offender_events"), type_="foreignkey")
        batch.drop_column("event_id")
    with op.batch_alter_table("offender_events") as batch:
        batch.drop_constraint(op.f("ck_offender_events_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_offender_events_kind"), f"kind IN ({_listed(KINDS)})")
        batch.alter_column("learned_on", new_column_name="recorded_on", existing_type=sa.Date(), nullable=False)
