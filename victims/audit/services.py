"""Writing to the audit trail. Details name fields and ids, never personal data."""

from __future__ import annotations

from flask_login import current_user

from victims import clock
from victims.audit.models import AuditEvent
from victims.extensions import db
from victims.staff.models import User


def record(
    action: str,
    record_type: str,
    record_id: int | None,
    *,
    case_id: int | None = None,
    region_id: int | None = None,
    reason: str | None = None,
    details: dict | None = None,
    flagged: bool = False,
    user: User | None = None,
) -> AuditEvent:
    actor = user if user is not None else (current_user if current_user.is_authenticated else None)
    event = AuditEvent(
        at=clock.utcnow(),
        user_id=actor.id if actor is not None else None,
        region_id=region_id if region_id is not None else (actor.region_id if actor else None),
        action=action,
        record_type=record_type,
        record_id=record_id,
        case_id=case_id,
        reason=reason,
        details=details,
        flagged=flagged,
    )
    db.session.add(event)
    db.session.flush()
    return event
