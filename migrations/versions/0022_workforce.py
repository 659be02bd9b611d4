"""The workforce tool (issue 14): the workload model's versions, staff reductions (dated hours
off case work), training records, absences with cover (and the task's `covering_for_id`, whose
task it is while they are away), needs an SPO adds to a case by hand, time VLOs record for
calibration, and the filters a user last chose on a list.

Every table is new, so downgrading drops them with what they hold.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "leave",
                "sickness",
                "long_term",
                "leaving",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("cover_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("covered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_absences_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["cover_user_id"], ["users.id"], name=op.f("fk_absences_cover_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_absences_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_absences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_user_id"), ["user_id"], unique=False)

    op.create_table(
        "saved_list_filters",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_list_filters_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "list_name", name=op.f("pk_saved_list_filters")),
    )
    op.create_table(
        "staff_reductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "part_time",
                "training",
                "union_duties",
                "phased_return",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_staff_reductions_ends_after_start")
        ),
        sa.CheckConstraint("hours > 0", name=op.f("ck_staff_reductions_hours_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_staff_reductions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_reductions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_reductions")),
    )
    with op.batch_alter_table("staff_reductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_reductions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "course",
            sa.Enum(
                "safeguarding_adults",
                "safeguarding_children",
                "domestic_abuse",
                "prevent",
                "victim_contact_core",
                name="course",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on > completed_on",
            name=op.f("ck_training_records_expires_after_completed"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_training_records_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_training_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
        sa.UniqueConstraint(
            "user_id", "course", "completed_on", name=op.f("uq_training_records_user_id_course_completed_on")
        ),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_records_user_id"), ["user_id"], unique=False)

    op.create_table(
        "workload_model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("fit", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_workload_model_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload_model_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_workload_model_versions_number")),
    )
    op.create_table(
        "case_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "need",
            sa.Enum(
                "welsh",
                "child_victims",
                "bereaved",
                "restricted_patients",
                "domestic_abuse",
                "parole",
                "mapping",
                "interpreter",
                "high_profile",
                name="need",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_case_needs_added_by_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_needs_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["users.id"], name=op.f("fk_case_needs_removed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_needs")),
    )
    with op.batch_alter_table("case_needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_needs_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "uq_case_needs_in_force",
            ["case_id", "need"],
            unique=True,
            postgresql_where=sa.text("removed_at IS NULL"),
            sqlite_where=sa.text("removed_at IS NULL"),
        )

    op.create_table(
        "time_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "contact",
                "letter",
                "task",
                "condition_request",
                "zone_map",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "custody",
                "custody_near",
                "pre_release",
                "parole",
                "licence",
                "closure_due",
                name="stage",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minutes > 0 AND minutes <= 480", name=op.f("ck_time_records_minutes_in_range")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_time_records_case_id_cases")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_time_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_records")),
    )
    with op.batch_alter_table("time_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_records_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_time_records_user_id_worked_on", ["user_id", "worked_on"], unique=False)

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covering_for_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_covering_for_id_users"), "users", ["covering_for_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tasks_covering_for_id_users"), type_="foreignkey")
        batch_op.drop_column("covering_for_id")

    with op.batch_alter_table("time_records", schema=None) as batch_op:
        batch_op.drop_index("ix_time_records_user_id_worked_on")
        batch_op.drop_index(batch_op.f("ix_time_records_case_id"))

    op.drop_table("time_records")
    with op.batch_alter_table("case_needs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_case_needs_in_force",
            postgresql_where=sa.text("removed_at IS NULL"),
            sqlite_where=sa.text("removed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_case_needs_case_id"))

    op.drop_table("case_needs")
    op.drop_table("workload_model_versions")
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_records_user_id"))

    op.drop_table("training_records")
    with op.batch_alter_table("staff_reductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_reductions_user_id"))

    op.drop_table("staff_reductions")
    op.drop_table("saved_list_filters")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_user_id"))

    op.drop_table("absences")
