"""How long to wait before trying again something that failed because a service was down
(Redis, the database): twice as long after each failure, up to a ceiling, and spread a little
at random so that many waiters do not all come back at the same instant.

The spread only ever shortens a wait, and never below half of it: a retry never comes at once
(which is how about 3,000 retries ran with no wait during a database outage), and never later
than the ceiling, so a service that comes back is found again within `longest`.
"""

from __future__ import annotations

from dataclasses import dataclass

_MOST_DOUBLINGS = 40  # far past any ceiling; keeps 2**n small however long an outage lasts


@dataclass(frozen=True)
class Backoff:
    first: float  # seconds before the first retry
    longest: float  # the ceiling, in seconds
    spread: float = 0.25  # the largest share of a wait taken off at random (0 for none)

    def __post_init__(self) -> None:
        if self.first <= 0:
            raise ValueError("the first wait must be longer than nothing")
        if self.longest < self.first:
            raise ValueError("the longest wait cannot be shorter than the first")
        if not 0 <= self.spread <= 0.5:
            raise ValueError("the spread is a share of the wait, from 0 to a half")


def wait_before(retry: int, backoff: Backoff, draw: float) -> float:
    """Seconds to wait before retry number `retry` (1 for the first after a failure).

    `draw` is a number from 0 up to (not including) 1, such as `random.random()`, passed in so
    that the rule stays a pure function."""
    if retry < 1:
        raise ValueError("retries are counted from 1")
    if not 0 <= draw < 1:
        raise ValueError("draw must be from 0 up to 1")
    doublings = min(retry - 1, _MOST_DOUBLINGS)
    wait: float = min(backoff.first * 2.0**doublings, backoff.longest)
    return wait * (1 - backoff.spread * draw)
