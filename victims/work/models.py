"""Work in the database: each case's deadlines with their history, the tasks they open, the
offender events that create work, and an administrator's rule numbers and extra non-working
days. The rules themselves are pure (victims.domain.deadlines, victims.domain.work)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.deadlines import RULES_BY_CODE, OffenderEvent
from victims.domain.evidence import EvidenceKind, met_words, what_meets
from victims.domain.reminders import Stage
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.staff.models import User
from victims.types import UTCDateTime, Versioned, created_at_column, enum_column


class RuleSettingRecord(db.Model):
    """An administrator's number for a deadline rule. The newest version of a code is in force;
    older versions stay, so every computed deadline can say which version produced it."""

    __tablename__ = "deadline_rule_settings"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = created_at_column()
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class NonWorkingDay(db.Model):
    """A day an administrator adds to the weekends and bank holidays (a local closure)."""

    __tablename__ = "non_working_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = created_at_column()
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# The partial index's condition, as the sweep's query repeats it word for word so that the planner
# (PostgreSQL's and SQLite's) can match the two: constants written in, not bound parameters.
STILL_TO_REMIND = (
    "status = 'open'"
    " AND (reminded_due_on IS NULL OR reminded_due_on <> due_on OR reminded_stage <> 'overdue')"
)


class CaseDeadline(Versioned, db.Model):
    """A deadline computed for a case by one rule, with the rule version that produced it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # One live deadline per case and rule; met and cancelled ones are history.
        Index("ix_deadlines_case_id_code", "case_id", "code"),
        # The caseload's "next deadline" and the reminder sweep read open deadlines by date; the
        # id makes it cover the sweep's query (victims.reminders.queries.deadlines_to_remind).
        Index("ix_deadlines_status_due_on_id", "status", "due_on", "id"),
        # The reminder sweep's: open deadlines that can still reach a reminder stage, that is all
        # but those already reminded "overdue" for their current due date, which pile up as a
        # backlog the sweep need never read again (victims.reminders.queries, issue 16).
        Index(
            "ix_deadlines_to_remind",
            "due_on",
            "id",
            postgresql_where=text(STILL_TO_REMIND),
            sqlite_where=text(STILL_TO_REMIND),
        ),
        # The compliance pages count this month's deadlines (any status) by due date, live.
        Index("ix_deadlines_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    code: Mapped[str] = mapped_column(String(40))
    # For an offender event's deadline: the event it counts from.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("offender_events.id"))
    due_on: Mapped[date] = mapped_column(Date)
    counted_from: Mapped[date] = mapped_column(Date)
    # The day the count reached when that was not a working day (the deadline moved from it).
    moved_from: Mapped[date | None] = mapped_column(Date)
    rule_version: Mapped[int] = mapped_column(Integer)
    rule_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[DeadlineStatus] = mapped_column(
        enum_column(DeadlineStatus, "status", 10), default=DeadlineStatus.OPEN
    )
    met_on: Mapped[date | None] = mapped_column(Date)
    # How it was met (victims.domain.evidence): the kind of evidence, the id of the record that
    # is the evidence (a letter, a contact…), who, an SPO's reason when met by hand, and how many
    # working days after its due date (0: on time). All cleared when the deadline reopens.
    met_how: Mapped[EvidenceKind | None] = mapped_column(enum_column(EvidenceKind, "met_how", 20))
    met_evidence_id: Mapped[int | None] = mapped_column(Integer)
    met_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    met_reason: Mapped[str | None] = mapped_column(Text)
    days_late: Mapped[int | None] = mapped_column(Integer)
    # For work about one person (a victim to find again): who.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The last reminder stage recorded as sent (victims.reminders) and the due date it was sent
    # for, kept beside the reminder_stages rows so that the sweep reads only deadlines that can
    # still reach a stage: one reminded "overdue" for its current due date never can (issue 16).
    reminded_stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, "reminded_stage", 10))
    reminded_due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()

    met_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[met_by_id])
    changes: Mapped[list[DeadlineChange]] = relationship(
        lazy="raise", order_by="DeadlineChange.changed_at.desc()"
    )

    @property
    def name(self) -> str:
        return RULES_BY_CODE[self.code].name

    @property
    def met_words(self) -> str:
        return met_words(self.days_late)

    @property
    def met_how_label(self) -> str | None:
        return EvidenceKind(self.met_how).label if self.met_how else None

    @property
    def what_meets(self) -> str | None:
        return what_meets(self.code)


class DeadlineChange(db.Model):
    """A deadline's due date before and after a recomputation, and why it moved; or a meeting
    undone (a letter came back), which keeps what had met it in the `was_met_*` columns."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date | None] = mapped_column(Date)
    old_rule_version: Mapped[int | None] = mapped_column(Integer)
    new_rule_version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = created_at_column()
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    was_met_on: Mapped[date | None] = mapped_column(Date)
    was_met_how: Mapped[EvidenceKind | None] = mapped_column(enum_column(EvidenceKind, "was_met_how", 20))
    was_met_evidence_id: Mapped[int | None] = mapped_column(Integer)
    was_days_late: Mapped[int | None] = mapped_column(Integer)

    changed_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def reopened(self) -> bool:
        return self.was_met_on is not None

    @property
    def was_met_words(self) -> str:
        return met_words(self.was_days_late)

    @property
    def was_met_how_label(self) -> str | None:
        return EvidenceKind(self.was_met_how).label if self.was_met_how else None


class OffenderEventRecord(db.Model):
    """Something that happened to the offender (SPEC §5): recall, release, parole decision…"""

    __tablename__ = "offender_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[OffenderEvent] = mapped_column(enum_column(OffenderEvent, "kind", 40))
    occurred_on: Mapped[date] = mapped_column(Date)
    # The day the unit learned of it (never before it happened); the task's deadline counts from
    # the later of the two (victims.domain.work.event_counted_from).
    learned_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(20))  # "manual" or the API client's name
    notes: Mapped[str | None] = mapped_column(Text)

    recorded_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def kind_label(self) -> str:
        return OffenderEvent(self.kind).label


class Task(Versioned, db.Model):
    """A piece of work for the allocated VLO, or for the team's queue when nobody is allocated.

    Every task has a deadline (CaseDeadline) and closes with it (victims.work.services)."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assigned_to_id_status", "assigned_to_id", "status"),
        Index("ix_tasks_team_id_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("offender_events.id"))
    title: Mapped[str] = mapped_column(String(200))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Whose task this is while they are away (issue 14): set when it moves to cover or the queue,
    # cleared when it comes back on their return.
    covering_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus, "status", 10), default=TaskStatus.OPEN)
    created_at: Mapped[datetime] = created_at_column()
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assigned_to: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[assigned_to_id])
    covering_for: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[covering_for_id])
    done_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[done_by_id])

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label
