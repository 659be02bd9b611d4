"""Writes of the calibration: a VLO's recorded minutes, and a national administrator adopting
the suggested weights as the model's next version. Flushes, never commits.

Recorded time is not audited: the row is itself the record of who recorded what and when, it
holds nothing about a victim, and it changes nothing anyone relies on. Adopting weights is
audited (victims.workforce.services.adopt_weights)."""

from __future__ import annotations

from victims import clock
from victims.calibration import queries
from victims.domain.calibration import MAX_MINUTES, Fit, TimeKind
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.workforce import services as workforce
from victims.workforce.models import TimeRecord
from victims.workforce.queries import current_model, facts_for_cases


def record_time(case, kind: TimeKind, item_id: int | None, minutes: int, user: User) -> TimeRecord:
    """Minutes the VLO spent today on a piece of the case's work, kept with the case's stage
    today. The caller has scoped the case to the user (victims.cases.queries.case_for_change)."""
    if user.role != Role.VLO:
        raise Refused("Only victim liaison officers record their time", "minutes")
    if not 1 <= minutes <= MAX_MINUTES:
        raise Refused(f"Enter a number of minutes from 1 to {MAX_MINUTES}", "minutes")
    if case.status != CaseStatus.OPEN:
        raise Refused("Time can be recorded only on an open case", "minutes")
    if not queries.item_of_case(kind, item_id, case.id):
        raise Refused("That is not this case’s work", "minutes")
    today = clock.today()
    facts = facts_for_cases([case.id], today).get(case.id)
    if facts is None:
        raise Refused("Time can be recorded only on an open case", "minutes")
    record = TimeRecord(
        user_id=user.id,
        case_id=case.id,
        kind=kind,
        item_id=item_id,
        minutes=minutes,
        stage=facts.load.stage,
        worked_on=today,
        recorded_at=clock.utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    return record


def adopt(fit: Fit, model_number: int, reason: str, user: User) -> int | None:
    """Adopt the fit's suggested weights as the next version of the model; refused if the model
    changed since the administrator reviewed it (they compared with a version no longer in force)."""
    if not fit.fitted:
        raise Refused(fit.too_few or "There is no fit to adopt", "reason")
    current = current_model()
    if current.number != model_number:
        raise Refused(
            f"The model changed to version {current.number} while you were reviewing it: "
            "review the suggestion again",
            "reason",
        )
    return workforce.adopt_weights(
        fit.weights(current.weights), reason, user, source="calibration", fit=fit.summary()
    )
