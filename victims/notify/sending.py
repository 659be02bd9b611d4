"""Sending through GOV.UK Notify exactly once, whoever sends: the claim every sender takes first.

A sender claims a record (a reminder's email, a letter) for a lease, in one UPDATE, only if it
is still waiting and nobody holds it; two senders cannot both take it. A sender that dies lets go
when its lease passes, and the next one asks Notify for the record's reference before sending, so
what the dead one sent is found rather than sent again. The claim is committed before Notify is
called.

What is found counts as sent only if it is the record's own (victims.domain.already_sent); if it
is something else, the record is held: not sent, not recorded as sent, and shown to a person
with `held_because`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

from victims import clock
from victims.domain.already_sent import Match, Verdict
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


class Outcome(StrEnum):
    """How one attempt to send went."""

    SENT = "sent"
    ALREADY_DONE = "already_done"  # sent, failed or cancelled by an earlier attempt
    BUSY = "busy"  # another sender holds it: look again when its lease is up
    CANCELLED = "cancelled"  # no longer worth sending (its work was done, its recipient left)
    REFUSED = "refused"  # it failed its check just before it went
    HELD = "held"  # Notify already had something else under its reference: a person must look
    RETRY = "retry"  # Notify could not take it now
    WAITING = "waiting"  # not today (a weekend or bank holiday): the sweep hands it out again
    FAILED = "failed"  # given up after the last attempt


@dataclass(frozen=True)
class SendOutcome:
    status: Outcome
    retry_in: int | None = None  # seconds to wait before trying again (RETRY, BUSY)


def busy() -> SendOutcome:
    return SendOutcome(Outcome.BUSY, retry_in=int(current_app.config["REMINDER_EMAIL_LEASE_SECONDS"]))


def retry_after(attempts: int) -> SendOutcome:
    """Try again after a wait that doubles with each attempt."""
    wait = int(current_app.config["REMINDER_EMAIL_RETRY_SECONDS"]) * 2 ** max(0, attempts - 1)
    return SendOutcome(Outcome.RETRY, retry_in=wait)


def held_because(verdict: Verdict, what: str) -> str:
    """Why a record is held, in words for staff: what differs, never a value (an address, a
    name) that could identify anyone. `what` is "letter" or "email"."""
    if verdict.match is Match.NOT_READ_YET:
        why = (
            f"Held: GOV.UK Notify has a letter under this {what}’s reference but has not read its "
            f"address, so it could not be checked. Check with Notify whether it is this {what} "
            "before sending it again."
        )
    else:
        why = (
            f"Held: GOV.UK Notify already has something else under this {what}’s reference "
            f"({'; '.join(verdict.differences)}). Check with Notify that this {what} did not go, "
            "then send it again."
        )
    return why[:300]
