"""Deadlines met by evidence; contact that can be regained (issue 13).

- `deadlines`: how each met deadline was met (`met_how`, the kind of evidence; `met_evidence_id`,
  the letter, contact, request or map that is the evidence), who (`met_by_id`), an SPO's reason
  for meeting one by hand (`met_reason`), and how many working days late it was (`days_late`,
  0 for on time). `person_id`: the person a piece of work is about (a victim to find again).
- `deadline_changes`: a meeting undone (a letter came back) keeps what had met the deadline
  (`was_met_on`, `was_met_how`, `was_met_evidence_id`, `was_days_late`).
- `contact_log_entries.outcome`: contact made, attempted (no answer), returned mail or bounced
  email. Existing entries were contacts made.
- `people.contact_lost_on` / `contact_regained_on`.

Existing met deadlines: the referral deadline (met as its case opened) is met by the referral;
every other was met by someone's "Mark as done" or by the service without evidence being kept, so
it is "unrecorded", with who did its task where the task says. Its lateness is worked out from
its due date and the day it was met, on the England and Wales calendar with the administrators'
added days, so a deadline of 2022 closed in 2026 shows as late as it was. People flagged contact
lost are dated by the newest "contact_lost_flagged" audit event about them.

The values and the calendar are written here, not imported, so this migration stays what it was.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from datetime import date, datetime, timedelta

import holidays
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

MET_HOW = (
    "initial_letter",
    "letter",
    "contact",
    "attempt",
    "prerelease_contact",
    "representations",
    "outcome_told",
    "new_details",
    "map_signed",
    "referral",
    "manual",
    "unrecorded",
)
OUTCOMES = ("made", "attempted", "returned_mail", "bounced_email")


def _listed(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("met_how", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("met_evidence_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("met_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("met_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("days_late", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_deadlines_met_by_id_users"), "users", ["met_by_id"], ["id"])
        batch.create_foreign_key(op.f("fk_deadlines_person_id_people"), "people", ["person_id"], ["id"])
        batch.create_check_constraint(op.f("ck_deadlines_met_how"), f"met_how IN ({_listed(MET_HOW)})")
    with op.batch_alter_table("deadline_changes") as batch:
        batch.add_column(sa.Column("was_met_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("was_met_how", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("was_met_evidence_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("was_days_late", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_deadline_changes_was_met_how"), f"was_met_how IN ({_listed(MET_HOW)})"
        )
    with op.batch_alter_table("contact_log_entries") as batch:
        batch.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
    op.execute("UPDATE contact_log_entries SET outcome = 'made'")
    with op.batch_alter_table("contact_log_entries") as batch:
        batch.alter_column("outcome", existing_type=sa.String(length=20), nullable=False)
        batch.create_check_constraint(
            op.f("ck_contact_log_entries_outcome"), f"outcome IN ({_listed(OUTCOMES)})"
        )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("contact_lost_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("contact_regained_on", sa.Date(), nullable=True))
    _existing_met_deadlines()
    _existing_lost_contacts()


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _existing_met_deadlines() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT d.id, d.code, d.due_on, d.met_on, t.done_by_id FROM deadlines d"
            " LEFT JOIN tasks t ON t.deadline_id = d.id"
            " WHERE d.status = 'met' AND d.met_on IS NOT NULL"
        )
    ).all()
    if not rows:
        return
    extra = {_as_date(row[0]) for row in connection.execute(sa.text("SELECT day FROM non_working_days"))}
    years = range(
        min(_as_date(row.due_on).year for row in rows), max(_as_date(row.met_on).year for row in rows) + 1
    )
    bank_holidays = set(holidays.GB(subdiv="ENG", years=years))

    def working(day: date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays and day not in extra

    def days_late(due: date, met_on: date) -> int:
        late, day = 0, due
        while day < met_on:
            day += timedelta(days=1)
            late += working(day)
        return late

    update = sa.text(
        "UPDATE deadlines SET met_how = :how, met_by_id = :by, days_late = :late WHERE id = :id"
    )
    for row in rows:
        connection.execute(
            update,
            {
                "id": row.id,
                "how": "referral" if row.code == "referral" else "unrecorded",
                "by": row.done_by_id,
                "late": days_late(_as_date(row.due_on), _as_date(row.met_on)),
            },
        )


def _existing_lost_contacts() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT p.id, MAX(a.at) FROM people p JOIN audit_events a"
            " ON a.record_type = 'person' AND a.record_id = p.id AND a.action = 'contact_lost_flagged'"
            " WHERE p.contact_lost = :lost GROUP BY p.id"
        ),
        {"lost": True},
    ).all()
    for person_id, at in rows:
        connection.execute(
            sa.text("UPDATE people SET contact_lost_on = :on WHERE id = :id"),
            {"on": _as_date(at), "id": person_id},
        )


def downgrade():
    with op.batch_alter_table("people") as batch:
        batch.drop_column("contact_regained_on")
        batch.drop_column("contact_lost_on")
    with op.batch_alter_table("contact_log_entries") as batch:
        batch.drop_constraint(op.f("ck_contact_log_entries_outcome"), type_="check")
        batch.drop_column("outcome")
    with op.batch_alter_table("deadline_changes") as batch:
        batch.drop_constraint(op.f("ck_deadline_changes_was_met_how"), type_="check")
        batch.drop_column("was_days_late")
        batch.drop_column("was_met_evidence_id")
        batch.drop_column("was_met_how")
        batch.drop_column("was_met_on")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_constraint(op.f("ck_deadlines_met_how"), type_="check")
        batch.drop_constraint(op.f("fk_deadlines_person_id_people"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_deadlines_met_by_id_users"), type_="foreignkey")
        batch.drop_column("person_id")
        batch.drop_column("days_late")
        batch.drop_column("met_reason")
        batch.drop_column("met_by_id")
        batch.drop_column("met_evidence_id")
        batch.drop_column("met_how")
