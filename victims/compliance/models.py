"""The compliance figures of closed months, stored by the nightly snapshot (issue 16): one row a
night for each team and month, so the national and region pages read a few hundred small rows for
the months before this one instead of every deadline in the country."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from victims.extensions import db
from victims.types import created_at_column


class ComplianceMonth(db.Model):
    """The deadline outcomes (by measure) and the period counts (letters returned, contact lost
    and regained) of the cases of one team and region, for deadlines due (and events dated) in
    one closed month, as they stood on the night `taken_on`. Grouped by the case's region AND
    team, as the live statements group them, so a region's page sums its teams' rows and the
    national page every row. Counts only: nothing about a victim."""

    __tablename__ = "compliance_months"
    __table_args__ = (
        UniqueConstraint("taken_on", "month", "region_id", "team_id"),
        # The pages read the newest night's rows (of a region, for a regional manager).
        Index("ix_compliance_months_taken_on_region_id", "taken_on", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)  # its first day
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    team_id: Mapped[int] = mapped_column(Integer)  # no foreign key: a team may be removed later
    # {"initial_contact.on_time": 12, "initial_contact.late": 1, ..., "letters_returned": 2}
    figures: Mapped[dict] = mapped_column(JSON)
    taken_at: Mapped[datetime] = created_at_column()
