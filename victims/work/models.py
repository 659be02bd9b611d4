from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.deadlines import OffenderEvent
from victims.extensions import db
from victims.staff.models import User
from victims.types import UTCDateTime, Versioned, created_at_column

TASK_OPEN, TASK_DONE, TASK_CANCELLED = "open", "done", "cancelled"


class OffenderEventRecord(db.Model):
    """Something that happened to the offender (SPEC §5): recall, release, parole decision…"""

    __tablename__ = "offender_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    # Deadlines count from the day the unit learnt of the event (victims.domain.deadlines).
    recorded_on: Mapped[date] = mapped_column(Date)
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

    Every task has a deadline (victims.deadlines.models.CaseDeadline): meeting one closes the other.
    """

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
    status: Mapped[str] = mapped_column(String(10), default=TASK_OPEN)
    created_at: Mapped[datetime] = created_at_column()
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assigned_to: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[assigned_to_id])
    done_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[done_by_id])
