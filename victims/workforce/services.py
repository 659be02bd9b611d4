"""Writes of the workforce tool: a new version of the workload model (by an administrator or by
adopting a calibration), and the reductions of a VLO's hours. Every change is audited. Flushes,
never commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from victims import clock
from victims.audit import services as audit
from victims.domain.vocabulary import Role
from victims.domain.workload import ReductionKind, Weights, check_weights
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import Reduction, User
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


# --- Reductions ---------------------------------------------------------------------------------

MAX_REDUCTION_HOURS = Decimal(60)
NOTES_MAX = 500


def can_manage_reductions(actor: User, vlo: User) -> bool:
    """An SPO for their own team's VLOs; an administrator within their scope (national: all)."""
    if vlo.role != Role.VLO.value:
        return False
    if actor.role == Role.SPO.value:
        return actor.team_id is not None and vlo.team_id == actor.team_id
    if actor.role == Role.ADMIN.value:
        return actor.national or vlo.region_id == actor.region_id
    return False


def record_reduction(
    vlo: User,
    kind: ReductionKind,
    hours: Decimal,
    starts_on: date,
    ends_on: date | None,
    notes: str | None,
    actor: User,
) -> Reduction:
    """A dated reduction of a VLO's hours for case work (ends_on None: until ended)."""
    if not can_manage_reductions(actor, vlo):
        raise Refused("You cannot record reductions for this person")
    if hours is None or not Decimal(0) < hours <= MAX_REDUCTION_HOURS:
        raise Refused("Hours a week must be more than 0 and no more than 60", "hours")
    if hours != hours.quantize(Decimal("0.1")):
        raise Refused("Hours a week can have one decimal place at most, like 7.5", "hours")
    if ends_on is not None and ends_on < starts_on:
        raise Refused("The end date must be the same as or after the start date", "ends_on")
    notes = (notes or "").strip() or None
    if notes is not None and len(notes) > NOTES_MAX:
        raise Refused(f"Notes must be {NOTES_MAX} characters or fewer", "notes")
    record = Reduction(
        user_id=vlo.id,
        kind=kind,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
        created_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "reduction_recorded",
        "reduction",
        record.id,
        user=actor,
        region_id=vlo.region_id,
        details={
            "user_id": vlo.id,
            "kind": kind.value,
            "hours": str(hours),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return record


def end_reduction(record: Reduction, vlo: User, ends_on: date, actor: User) -> None:
    """End a reduction early: its last day becomes `ends_on` (it is kept, never deleted)."""
    if record.user_id != vlo.id or not can_manage_reductions(actor, vlo):
        raise Refused("You cannot change reductions for this person")
    if ends_on < record.starts_on:
        raise Refused("The last day cannot be before the reduction starts", "ends_on")
    if record.ends_on is not None and ends_on >= record.ends_on:
        raise Refused("The last day must be before the day it already ends", "ends_on")
    before = record.ends_on
    record.ends_on = ends_on
    db.session.flush()
    audit.record(
        "reduction_ended",
        "reduction",
        record.id,
        user=actor,
        region_id=vlo.region_id,
        details={
            "user_id": vlo.id,
            "ends_on": [before.isoformat() if before else None, ends_on.isoformat()],
        },
    )
