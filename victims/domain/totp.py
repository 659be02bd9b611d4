"""Time-based one-time passwords (RFC 6238) that cannot be used twice.

The caller stores the time-step of the last accepted code; a code whose step is not
later than that one is refused, so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

from datetime import datetime

import pyotp

STEP_SECONDS = 30
# Accept the previous and next step too, for clocks that drift by up to 30 seconds.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time-step the code belongs to, or None if it is wrong or already used."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
