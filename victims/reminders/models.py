from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.reminders import EmailStatus, Reason, Stage
from victims.extensions import db
from victims.notify.references import REFERENCE_LENGTH, new_reference
from victims.staff.models import User
from victims.types import UTCDateTime, created_at_column, enum_column


class ReminderStageRecord(db.Model):
    """A deadline's reminder stage, recorded as sent for one due date.

    Written in the same transaction as the stage's reminders: a second attempt at the same
    stage (a duplicate task, two sweeps at once, a redelivered message) fails on the unique
    constraint and sends nothing."""

    __tablename__ = "reminder_stages"
    __table_args__ = (UniqueConstraint("deadline_id", "due_on", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    due_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 10))
    recorded_at: Mapped[datetime] = created_at_column()


class Reminder(db.Model):
    """An in-app notification to one person about one deadline at one stage, with its email."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "due_on", "stage", "recipient_id"),
        # The header's unread count and the notifications page.
        Index("ix_reminders_recipient_id_read_at", "recipient_id", "read_at"),
        # The sweep's search for emails still waiting to go, and the SPO's failed list.
        Index("ix_reminders_email_status_team_id", "email_status", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    due_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 10))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[Reason] = mapped_column(enum_column(Reason, "reason", 20))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    # What the reminder is about, as it was when it was sent (the task may be renamed or closed).
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    email_status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, "email_status", 10), default=EmailStatus.NONE
    )
    # The GOV.UK Notify reference of its email: random and made with the row, so that a retried
    # send finds what an earlier attempt sent and never another email (victims.notify.references).
    reference: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), unique=True, default=lambda: new_reference("reminder")
    )
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A sender holds the email until this time; a sender that died lets go when it passes.
    email_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_notification_id: Mapped[str | None] = mapped_column(String(64))
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the last attempt failed or was held, in words for the SPO (never the message's content).
    email_error: Mapped[str | None] = mapped_column(String(300))

    recipient: Mapped[User] = relationship(lazy="raise")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def reason_enum(self) -> Reason:
        return Reason(self.reason)
