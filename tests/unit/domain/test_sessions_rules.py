"""When a session ends: the idle and absolute limits (how sign-in slows guessing: test_throttling.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from victims.domain.sessions import session_expired

START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)


def expired(last_seen_after: timedelta, now_after: timedelta) -> str | None:
    return session_expired(
        started_at=START,
        last_seen_at=START + last_seen_after,
        now=START + now_after,
        idle=IDLE,
        absolute=ABSOLUTE,
    )


@pytest.mark.parametrize(
    ("last_seen_after", "now_after", "reason"),
    [
        (timedelta(0), timedelta(0), None),
        (timedelta(0), timedelta(minutes=29, seconds=59), None),
        (timedelta(0), timedelta(minutes=30), "idle"),
        (timedelta(0), timedelta(hours=2), "idle"),
        (timedelta(hours=5), timedelta(hours=5, minutes=29), None),
        (timedelta(hours=5), timedelta(hours=5, minutes=30), "idle"),
        (timedelta(hours=11, minutes=50), timedelta(hours=11, minutes=59, seconds=59), None),
        (timedelta(hours=11, minutes=50), timedelta(hours=12), "absolute"),
        (timedelta(hours=11, minutes=59), timedelta(hours=12, minutes=1), "absolute"),
        # Past both limits: the absolute one is the reason given.
        (timedelta(hours=1), timedelta(hours=13), "absolute"),
    ],
)
def test_session_expired(last_seen_after, now_after, reason):
    assert expired(last_seen_after, now_after) == reason


def test_limits_come_from_the_caller():
    assert (
        session_expired(
            started_at=START,
            last_seen_at=START,
            now=START + timedelta(minutes=10),
            idle=timedelta(minutes=5),
            absolute=ABSOLUTE,
        )
        == "idle"
    )
    assert (
        session_expired(
            started_at=START,
            last_seen_at=START + timedelta(minutes=59),
            now=START + timedelta(hours=1),
            idle=IDLE,
            absolute=timedelta(hours=1),
        )
        == "absolute"
    )
