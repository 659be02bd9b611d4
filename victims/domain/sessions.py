"""When a signed-in session ends: idle and absolute limits."""

from __future__ import annotations

from datetime import datetime, timedelta


def session_expired(
    *,
    started_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    idle: timedelta,
    absolute: timedelta,
) -> str | None:
    """Why the session has ended ("idle" or "absolute"), or None if it is still live."""
    if now - started_at >= absolute:
        return "absolute"
    if now - last_seen_at >= idle:
        return "idle"
    return None
