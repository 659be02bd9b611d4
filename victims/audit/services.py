"""Writing to the audit trail. Details name fields and ids, never personal data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from victims import clock
from victims.audit.models import AuditEvent
from victims.extensions import db


class Actor(Protocol):
    """Who did it: a member of staff (victims.staff.models.User)."""

    id: int
    region_id: int


def record(
    action: str,
    record_type: str,
    record_id: int | None,
    *,
    user: Actor | None,
    case_id: int | None = None,
    region_id: int | None = None,
    reason: str | None = None,
    details: dict | None = None,
    flagged: bool = False,
) -> AuditEvent:
    """Add one event to the trail. `user` is who did it: None when the service itself did it (a
    referral through the API, a Celery task). The region is the case's, else the user's."""
    event = AuditEvent(
        at=clock.utcnow(),
        user_id=user.id if user is not None else None,
        region_id=region_id if region_id is not None else (user.region_id if user is not None else None),
        action=action,
        record_type=record_type,
        record_id=record_id,
        case_id=case_id,
        reason=reason,
        details=details,
        flagged=flagged,
    )
    db.session.add(event)
    if not _BATCHED.get():
        db.session.flush()
    return event


# Set while a batch of work (an import) writes many events that nobody reads back at once.
_BATCHED: ContextVar[bool] = ContextVar("audit_batched", default=False)


@contextmanager
def batched() -> Iterator[None]:
    """Inside, events are written with the next flush rather than each at once (an import of
    thousands of referrals); the caller flushes before it reads an event's id."""
    token = _BATCHED.set(True)
    try:
        yield
    finally:
        _BATCHED.reset(token)
