from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from victims.crypto import EncryptedText
from victims.extensions import db
from victims.types import UTCDateTime, created_at_column, enum_column

# A checked file can be imported for this long; a forgotten one is deleted after a day.
UPLOAD_LIFETIME = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


class ImportStatus(StrEnum):
    CHECKED = "checked"  # previewed with no problems, waiting for its SPO to press Import
    QUEUED = "queued"  # Import pressed: waiting for a worker
    RUNNING = "running"  # a worker is importing it (all or nothing)
    DONE = "done"  # imported: the outcome is kept, the file is not
    FAILED = "failed"  # nothing imported: the reason is kept, the file is not

    @property
    def label(self) -> str:
        return {
            ImportStatus.CHECKED: "Checked",
            ImportStatus.QUEUED: "Waiting to start",
            ImportStatus.RUNNING: "Importing",
            ImportStatus.DONE: "Imported",
            ImportStatus.FAILED: "Not imported",
        }[self]


WAITING = (ImportStatus.QUEUED, ImportStatus.RUNNING)
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


class ReferralUpload(db.Model):
    """A checked CSV file and its import. Kept encrypted (it holds victims' addresses) while it
    waits for its SPO to press "Import" and while a worker imports it; the file itself is
    forgotten once the import has finished, the outcome is kept for the progress page.

    A checked file is replaced by the same user's next upload and refused once it is older than
    an hour; a finished import is deleted after a day (docs/decisions.md, CSV import; issue 11)."""

    __tablename__ = "referral_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    contents: Mapped[str | None] = mapped_column(EncryptedText())
    row_count: Mapped[int] = mapped_column(Integer)
    referral_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()

    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "status", 10), default=ImportStatus.CHECKED, server_default="checked"
    )
    rows_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Each worker that takes the import counts one; only the latest attempt may commit it.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written by the worker as it goes: an import whose worker died stops beating, and the
    # sweep hands it out again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cases_opened: Mapped[int | None] = mapped_column(Integer)
    cases_found: Mapped[int | None] = mapped_column(Integer)
    passed_on: Mapped[int | None] = mapped_column(Integer)
    failure: Mapped[str | None] = mapped_column(Text)
    # The rows a check at import time found problems with: [[line, reason], ...] (no values).
    problems: Mapped[list | None] = mapped_column(JSON)
