"""The workload model's versions and the time VLOs record (issue 14)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.calibration import MAX_MINUTES, TimeKind
from victims.domain.workload import Stage
from victims.extensions import db
from victims.staff.models import User
from victims.types import created_at_column, enum_column


class WorkloadModelVersion(db.Model):
    """One version of the workload model's numbers (`victims.domain.workload.Weights.to_json`).
    The highest version is in force; none stored means the defaults (version 1). Set by national
    administrators, by hand or by adopting a calibration, and audited."""

    __tablename__ = "workload_model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    weights: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # "administrator" or "calibration"
    # For a calibration: the fit it came from (R², responses), as shown when it was adopted.
    fit: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(lazy="raise")


class TimeRecord(db.Model):
    """Minutes a VLO spent on a piece of a case's work, recorded in one click (calibration).
    The case's stage on the day is kept, so the report compares like with like."""

    __tablename__ = "time_records"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_MINUTES}", name="minutes_in_range"),
        Index("ix_time_records_user_id_worked_on", "user_id", "worked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[TimeKind] = mapped_column(enum_column(TimeKind, "kind", 20))
    # The contact, letter, task, request or zone it was spent on (by kind), when there is one.
    item_id: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20))
    worked_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(lazy="raise")
