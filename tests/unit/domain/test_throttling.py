"""How long sign-in waits after failures: a few free tries, then a wait that doubles up to a
ceiling. Never a lock: the wait after the last failure always ends, and attempts refused while
waiting are not failures, so they cannot make it longer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from victims.domain.throttling import Budget, device_trusted, retry_in, wait_after

BUDGET = Budget(free=5, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))
CODES = Budget(free=3, first_wait=timedelta(seconds=30), longest_wait=timedelta(minutes=15))
AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, timedelta(0)),
        (1, timedelta(0)),
        (4, timedelta(0)),
        (5, timedelta(seconds=30)),
        (6, timedelta(minutes=1)),
        (7, timedelta(minutes=2)),
        (8, timedelta(minutes=4)),
        (9, timedelta(minutes=8)),
        (10, timedelta(minutes=15)),  # 16 minutes, held at the ceiling
        (11, timedelta(minutes=15)),
        (50, timedelta(minutes=15)),
        (10_000, timedelta(minutes=15)),  # no overflow however long an attack goes on
    ],
)
def test_the_wait_doubles_after_the_free_tries_up_to_a_ceiling(failures, wait):
    assert wait_after(failures, BUDGET) == wait


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(2, timedelta(0)), (3, timedelta(seconds=30)), (4, timedelta(minutes=1)), (9, timedelta(minutes=15))],
)
def test_security_codes_have_a_smaller_budget(failures, wait):
    assert wait_after(failures, CODES) == wait


@pytest.mark.parametrize(
    ("failures", "last_failure", "now", "left"),
    [
        (0, None, AT, timedelta(0)),
        (4, AT, AT, timedelta(0)),
        (5, AT, AT, timedelta(seconds=30)),
        (5, AT, AT + timedelta(seconds=10), timedelta(seconds=20)),
        (5, AT, AT + timedelta(seconds=30), timedelta(0)),
        (5, AT, AT + timedelta(hours=3), timedelta(0)),
        (10, AT, AT + timedelta(minutes=14, seconds=59), timedelta(seconds=1)),
        (10, AT, AT + timedelta(minutes=15), timedelta(0)),
        # A clock that moved back never makes the wait longer than the rule's.
        (6, AT, AT - timedelta(hours=1), timedelta(minutes=1)),
    ],
)
def test_retry_in_counts_from_the_last_failure(failures, last_failure, now, left):
    assert retry_in(failures, last_failure, now, BUDGET) == left


def test_hammering_cannot_lock_the_owner_out():
    """The attacker's tries during the wait are refused without being counted, so the wait
    ends on time and the owner's correct password is then checked."""
    failures, last_failure, now = 0, None, AT
    for _ in range(1000):  # two tries a second for over eight minutes
        if retry_in(failures, last_failure, now, BUDGET) == timedelta(0):
            failures, last_failure = failures + 1, now
        now += timedelta(milliseconds=500)
    assert failures < 15
    assert retry_in(failures, last_failure, last_failure + BUDGET.longest_wait, BUDGET) == timedelta(0)


@pytest.mark.parametrize(("failures", "trusted"), [(0, True), (4, True), (5, False), (6, False)])
def test_a_known_device_is_trusted_until_its_own_failures_use_up_its_budget(failures, trusted):
    assert device_trusted(failures, free=5) is trusted


def test_a_budget_needs_sensible_numbers():
    with pytest.raises(ValueError):
        Budget(free=-1, first_wait=timedelta(seconds=1), longest_wait=timedelta(minutes=1))
    with pytest.raises(ValueError):
        Budget(free=1, first_wait=timedelta(0), longest_wait=timedelta(minutes=1))
    with pytest.raises(ValueError):
        Budget(free=1, first_wait=timedelta(minutes=2), longest_wait=timedelta(minutes=1))
