"""Slowing down guessing without locking anyone out.

After a few free failures each further failure makes the next try wait, twice as long each
time, up to a ceiling: guessing a password becomes too slow to be worth it, while the wait
after the last failure always ends. A try made while waiting is refused unchecked and is not
a failure, so hammering does not make the wait longer (a lock that attempts extend is a
weapon: two requests a minute would keep the owner out all day). The owner's own browser
carries a known-device cookie with its own budget, and is not made to wait for failures that
came from elsewhere (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

_MOST_DOUBLINGS = 40  # far past any ceiling; keeps 2**n small however long an attack goes on


@dataclass(frozen=True)
class Budget:
    free: int  # failures allowed before any wait
    first_wait: timedelta  # the wait after the first failure past the free ones
    longest_wait: timedelta  # the ceiling

    def __post_init__(self) -> None:
        if self.free < 0:
            raise ValueError("free failures cannot be negative")
        if self.first_wait <= timedelta(0):
            raise ValueError("the first wait must be longer than nothing")
        if self.longest_wait < self.first_wait:
            raise ValueError("the longest wait cannot be shorter than the first")


def wait_after(failures: int, budget: Budget) -> timedelta:
    """How long the next try waits after this many failures (counted since the last success)."""
    if failures < budget.free:
        return timedelta(0)
    doublings = min(failures - budget.free, _MOST_DOUBLINGS)
    wait: timedelta = budget.first_wait * (2**doublings)
    return min(wait, budget.longest_wait)


def retry_in(failures: int, last_failure: datetime | None, now: datetime, budget: Budget) -> timedelta:
    """How long from now until a try may be checked; nothing if it may be checked now."""
    wait = wait_after(failures, budget)
    if last_failure is None or wait == timedelta(0):
        return timedelta(0)
    left = last_failure + wait - now
    return min(max(left, timedelta(0)), wait)


def device_trusted(failures: int, *, free: int) -> bool:
    """A known device is let past the account's wait until its own failures reach `free`; from
    then on it waits like any other browser (a stolen cookie buys an attacker only `free` tries)."""
    return failures < free


class Stage(StrEnum):
    """The step of signing in an attempt was at; each has its own budget."""

    PASSWORD = "password"  # noqa: S105  (the name of a step, not a password)
    CODE = "code"
