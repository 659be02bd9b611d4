"""The reference each sendable row gives GOV.UK Notify, so that a sender that is retried can ask
Notify whether the row already went.

It is random and made with the row: never the row's id. Ids come round again (a database
restored from a backup hands out the ids of the rows made after the backup; a second database
starts from 1), and Notify keeps what it was sent under them, so a reference made from the id
would be found at Notify for a row that never went (victims.domain.already_sent says what a
find must match before it counts).
"""

from __future__ import annotations

import uuid

REFERENCE_LENGTH = 64  # the column; a reference is at most "reminder-" and 32 hex digits


def new_reference(kind: str) -> str:
    """`<kind>-<32 random hex digits>`: 122 random bits, so no two rows share one."""
    return f"{kind}-{uuid.uuid4().hex}"
