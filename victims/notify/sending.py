"""Sending through GOV.UK Notify exactly once, whoever sends: the claim every sender takes first.

A sender claims a record (a reminder's email, a letter) for a lease, in one UPDATE, only if it
is still waiting and nobody holds it; two senders cannot both take it. A sender that dies lets go
when its lease passes, and the next one asks Notify for the record's reference before sending, so
what the dead one sent is found rather than sent again. The claim is committed before Notify is
called.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

from victims import clock
from victims.extensions import db


def claim(
    record_id: int,
    *,
    status: InstrumentedAttribute,
    waiting: str,
    claimed_until: InstrumentedAttribute,
    attempts: InstrumentedAttribute,
    also: dict | None = None,
) -> bool:
    """Take the record for a lease and count the attempt; True if this sender now holds it."""
    model = status.class_
    now = clock.utcnow()
    lease = timedelta(seconds=current_app.config["REMINDER_EMAIL_LEASE_SECONDS"])
    taken = db.session.execute(
        update(model)
        .where(
            model.id == record_id,
            status == waiting,
            claimed_until.is_(None) | (claimed_until < now),
        )
        .values({claimed_until: now + lease, attempts: attempts + 1, **(also or {})})
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return taken.rowcount == 1
