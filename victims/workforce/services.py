"""Writes of the workforce tool: a new version of the workload model (by an administrator or by
adopting a calibration). Every change is audited. Flushes, never commits."""

from __future__ import annotations

from victims import clock
from victims.audit import services as audit
from victims.domain.workload import Weights, check_weights
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.workforce.models import WorkloadModelVersion
from victims.workforce.queries import current_model

SOURCES = ("administrator", "calibration")


def adopt_weights(
    weights: Weights, reason: str, user: User, source: str = "administrator", fit: dict | None = None
) -> int | None:
    """Store the numbers as the next version and return its number; None when nothing changed.

    Only national administrators may (the caller checks the role; this checks the scope too).
    A number out of range is refused with its field's name, so a form can show it there."""
    if not user.national:
        raise Refused("Only a national administrator can change the workload model", "weights")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if not reason.strip():
        raise Refused("Enter why the numbers are changing", "reason")
    errors = check_weights(weights)
    if errors:
        field, message = next(iter(errors.items()))
        raise Refused(message, field)
    current = current_model()
    changes = weights.changed_from(current.weights)
    if not changes:
        return None
    number = current.number + 1
    db.session.add(
        WorkloadModelVersion(
            number=number,
            weights=weights.to_json(),
            reason=reason.strip(),
            source=source,
            fit=fit,
            created_at=clock.utcnow(),
            created_by_id=user.id,
        )
    )
    db.session.flush()
    audit.record(
        "workload_model_changed",
        "workload_model",
        number,
        user=user,
        reason=reason.strip(),
        details={"version": number, "source": source, "changes": {k: list(v) for k, v in changes.items()}},
    )
    return number
