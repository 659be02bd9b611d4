"""A day's figures for one VLO, team or region: ids and counts only, never a victim's details."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from victims.domain.oversight import Level
from victims.extensions import db
from victims.types import created_at_column, enum_column


class Snapshot(db.Model):
    """The figures of one subject (a VLO's user id, a team's or a region's id) on one day. One row
    per day and subject: taking the day's snapshot again changes nothing (the unique constraint)."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("level", "subject_id", "taken_on"),
        # Trends read a subject's days in order; the region and national pages read one day's
        # rows of a region.
        Index("ix_snapshots_region_id_taken_on", "region_id", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    level: Mapped[Level] = mapped_column(enum_column(Level, "level", 10))
    subject_id: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # {"open_cases": 297, "points": 2380, ...}: names of figures to whole numbers.
    figures: Mapped[dict] = mapped_column(JSON)
    taken_at: Mapped[datetime] = created_at_column()
