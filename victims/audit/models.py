from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from victims.audit.labels import REVEAL_ACTIONS
from victims.extensions import db
from victims.types import created_at_column

# The flagged sightings and changes of contact details an SPO reviews (victims.oversight.queries
# repeats the condition with its constants written in, so that the planner matches the index).
FLAGGED_REVEAL = "flagged AND action IN ({})".format(", ".join(f"'{action}'" for action in REVEAL_ACTIONS))


class AuditEvent(db.Model):
    """One thing someone did. Append-only: database triggers refuse UPDATE and DELETE.

    ``details`` never holds a victim's personal data, only field names and ids.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_id_at", "case_id", "at"),
        # The trail's default order, newest first, nationally and for a region (issue 16).
        Index("ix_audit_events_at_id", "at", "id"),
        Index("ix_audit_events_region_id_at_id", "region_id", "at", "id"),
        # The SPO's address reveals: their team's cases joined to this small index.
        Index(
            "ix_audit_events_flagged_reveals",
            "at",
            "id",
            "case_id",
            postgresql_where=text(FLAGGED_REVEAL),
            sqlite_where=text(FLAGGED_REVEAL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    # Raised for an SPO to see, e.g. an address revealed by someone not allocated the case.
    flagged: Mapped[bool] = mapped_column(default=False)
