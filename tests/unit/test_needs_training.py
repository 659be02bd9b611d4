"""Where a member of staff stands on a course on a day (victims.domain.training)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.needs import Course, TrainingHeld
from victims.domain.training import TrainingStatus, course_status, record_status

ON = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("expires", "status"),
    [
        (None, TrainingStatus.VALID),
        (date(2027, 1, 25), TrainingStatus.VALID),  # 61 days away
        (date(2027, 1, 24), TrainingStatus.EXPIRING),  # 60 days away
        (ON, TrainingStatus.EXPIRING),  # its expiry day: still valid, and about to run out
        (date(2026, 11, 24), TrainingStatus.EXPIRED),  # the day after expiry
    ],
)
def test_record_status(expires, status):
    assert record_status(TrainingHeld(Course.PREVENT, date(2024, 1, 1), expires), ON) == status


def test_a_course_completed_later_is_not_done_yet():
    assert record_status(TrainingHeld(Course.PREVENT, date(2026, 12, 1), None), ON) == TrainingStatus.NOT_DONE


def test_course_status_takes_the_best_record():
    old = TrainingHeld(Course.PREVENT, date(2020, 1, 1), date(2022, 1, 1))
    renewed = TrainingHeld(Course.PREVENT, date(2022, 1, 1), date(2026, 12, 1))
    later = TrainingHeld(Course.PREVENT, date(2025, 1, 1), date(2028, 1, 1))
    other = TrainingHeld(Course.DOMESTIC_ABUSE, date(2025, 1, 1), None)
    assert course_status([old, renewed], Course.PREVENT, ON) == (TrainingStatus.EXPIRING, renewed)
    assert course_status([old, renewed, later], Course.PREVENT, ON) == (TrainingStatus.VALID, later)
    assert course_status([old], Course.PREVENT, ON) == (TrainingStatus.EXPIRED, old)
    assert course_status([other], Course.PREVENT, ON) == (TrainingStatus.NOT_DONE, None)
    assert course_status([], Course.PREVENT, ON) == (TrainingStatus.NOT_DONE, None)
