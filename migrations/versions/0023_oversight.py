"""Managers' oversight (issue 15): nightly snapshots of the figures per VLO, team and region
(ids and counts only), victims' feedback links (only a hash of each token) and feedback responses
(kept against team and region, never against a case or person).

Every table is new, so downgrading drops them with what they hold.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("link", "call", name="source", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column(
            "about",
            sa.Enum(
                "initial_contact",
                "pre_release",
                "outcome",
                "general",
                name="about",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column(
            "kept_informed",
            sa.Enum(
                "yes",
                "partly",
                "no",
                "not_sure",
                name="kept_informed",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=True,
        ),
        sa.Column(
            "felt_safer",
            sa.Enum(
                "yes",
                "partly",
                "no",
                "not_sure",
                name="felt_safer",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=True,
        ),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "satisfaction BETWEEN 1 AND 5", name=op.f("ck_feedback_responses_satisfaction_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_feedback_responses_region_id_regions")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_feedback_responses_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_responses_region_id_received_on", ["region_id", "received_on"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_responses_team_id_received_on", ["team_id", "received_on"], unique=False
        )

    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "national",
                "region",
                "team",
                "vlo",
                name="level",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_snapshots_region_id_regions")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_snapshots_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint(
            "level", "subject_id", "taken_on", name=op.f("uq_snapshots_level_subject_id_taken_on")
        ),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_snapshots_region_id_taken_on", ["region_id", "taken_on"], unique=False)

    op.create_table(
        "feedback_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column(
            "about",
            sa.Enum(
                "initial_contact",
                "pre_release",
                "outcome",
                "general",
                name="about",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_feedback_links_letter_id_letters")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_feedback_links_region_id_regions")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_feedback_links_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feedback_links_token_hash")),
    )
    with op.batch_alter_table("feedback_links", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_links_letter_id", ["letter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("feedback_links", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_links_letter_id")

    op.drop_table("feedback_links")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshots_region_id_taken_on")

    op.drop_table("snapshots")
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_responses_team_id_received_on")
        batch_op.drop_index("ix_feedback_responses_region_id_received_on")

    op.drop_table("feedback_responses")
