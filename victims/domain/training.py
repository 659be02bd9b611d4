"""Where a member of staff stands on each course on a day (issue 14, item 3): valid, expiring
soon, expired or not done. Pure: the records and the day are passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from victims.domain.needs import Course, TrainingHeld
from victims.domain.vocabulary import Labelled

# A record running out within this many days is shown as expiring, so it can be booked in time.
EXPIRING_WITHIN_DAYS = 60


class TrainingStatus(Labelled):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expires within 60 days"
    EXPIRED = "expired", "Expired"
    NOT_DONE = "not_done", "Not done"


def record_status(record: TrainingHeld, on: date) -> TrainingStatus:
    """One record on a day: valid through its expiry day, expired the day after."""
    if record.completed_on > on:
        return TrainingStatus.NOT_DONE
    if record.expires_on is None:
        return TrainingStatus.VALID
    if record.expires_on < on:
        return TrainingStatus.EXPIRED
    if record.expires_on <= on + timedelta(days=EXPIRING_WITHIN_DAYS):
        return TrainingStatus.EXPIRING
    return TrainingStatus.VALID


def course_status(
    records: Iterable[TrainingHeld], course: Course, on: date
) -> tuple[TrainingStatus, TrainingHeld | None]:
    """A course on a day, from the best record of it: one in date lasting longest (no expiry
    lasts longest); else the latest expired one; else not done."""
    held = [record for record in records if record.course == course and record.completed_on <= on]
    in_date = [record for record in held if record.expires_on is None or record.expires_on >= on]
    if in_date:
        best = max(in_date, key=lambda record: (record.expires_on is None, record.expires_on or on))
        return record_status(best, on), best
    if held:
        latest = max(held, key=lambda record: (record.expires_on or on, record.completed_on))
        return TrainingStatus.EXPIRED, latest
    return TrainingStatus.NOT_DONE, None
