"""Slowing down guessing per account, and the owner's known-device cookie. Flushes, never commits.

The rule is victims.domain.throttling: a few free failures, then a wait that doubles up to a
ceiling; a try made while waiting is refused unchecked and is not recorded, so it cannot make
the wait longer. Failures are counted per keyed hash of the email given (an address with no
account waits the same way) and per channel: a trusted device's failures are its own; every
other browser shares the account's.

The known-device cookie (OWASP's device-cookie pattern) is set after a full sign-in, password
and security code. It holds, signed with the secret key, a keyed hash of the email, a random
nonce and when it was issued; only the nonce's SHA-256 is stored, with the attempts made from
it. One browser can be known for a few accounts (shared desks).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from victims import clock
from victims.auth.models import SignInAttempt
from victims.crypto import blind_index
from victims.domain.throttling import Budget, Stage, device_trusted, retry_in
from victims.extensions import db

DEVICE_COOKIE = "vcs_device"
DEVICE_COOKIE_PATH = "/sign-in"  # sent with the sign-in pages only
_MOST_ACCOUNTS_PER_DEVICE = 5
_SALT = "victims.known-device"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_key(email: str) -> str:
    return blind_index("sign-in:" + normalise_email(email))


def budget(stage: Stage) -> Budget:
    config = current_app.config
    free = config["SECOND_FACTOR_FREE_FAILURES"] if stage == Stage.CODE else config["SIGN_IN_FREE_FAILURES"]
    return Budget(
        free=free, first_wait=config["SIGN_IN_FIRST_WAIT"], longest_wait=config["SIGN_IN_LONGEST_WAIT"]
    )


def _failures(email: str, stage: Stage, device: str | None) -> tuple[int, datetime | None]:
    """Failures on this channel since its last success, within the window, and the latest one."""
    now = clock.utcnow()
    channel = SignInAttempt.device == device if device else SignInAttempt.device.is_(None)
    recent = (
        SignInAttempt.email_hash == _email_key(email),
        SignInAttempt.stage == stage,
        channel,
        SignInAttempt.at > now - current_app.config["SIGN_IN_WINDOW"],
    )
    # Since the last success by id, not time: two attempts can share a timestamp.
    last_success = db.session.scalar(
        select(func.max(SignInAttempt.id)).where(*recent, SignInAttempt.succeeded.is_(True))
    )
    statement = select(func.count(), func.max(SignInAttempt.at)).where(
        *recent, SignInAttempt.succeeded.is_(False)
    )
    if last_success is not None:
        statement = statement.where(SignInAttempt.id > last_success)
    count, latest = db.session.execute(statement).one()
    return count, latest


def trusted_device(email: str, cookie: str | None, stage: Stage) -> str | None:
    """The device this browser is known as for this email, if it is still trusted; else None."""
    device = _device_in(cookie, email)
    if device is None:
        return None
    failures, _latest = _failures(email, stage, device)
    return (
        device if device_trusted(failures, free=current_app.config["SIGN_IN_DEVICE_FREE_FAILURES"]) else None
    )


def wait_before_trying(email: str, stage: Stage, device: str | None) -> timedelta:
    """How long until an attempt on this channel may be checked; nothing if it may be now.
    A trusted device has its own budget (trusted_device) and does not wait for others' failures."""
    if device is not None:
        return timedelta(0)
    failures, latest = _failures(email, stage, None)
    return retry_in(failures, latest, clock.utcnow(), budget(stage))


def session_channel(session_id: int) -> str:
    """The channel for a password change made in a signed-in session: its failures are its own
    (a session left open is not a way to guess without limit, and an attack on the account from
    elsewhere does not stop its owner changing their password)."""
    return hashlib.sha256(f"session:{session_id}".encode()).hexdigest()


def wait_in_session(email: str, stage: Stage, channel: str) -> timedelta:
    failures, latest = _failures(email, stage, channel)
    return retry_in(failures, latest, clock.utcnow(), budget(stage))


def wait_message(left: timedelta) -> str:
    """The same words for every account, known or not: they say nothing but how long to wait."""
    seconds = math.ceil(left.total_seconds())
    if seconds < 60:
        when = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"There have been too many attempts to sign in to this account. Wait {when} and try again."


def retry_after(left: timedelta) -> dict[str, str]:
    return {"Retry-After": str(math.ceil(left.total_seconds()))}


def record_attempt(email: str, stage: Stage, succeeded: bool, device: str | None = None) -> None:
    """A checked attempt: counted against the trusted device (or session) it came from, else the
    account."""
    db.session.add(
        SignInAttempt(
            email_hash=_email_key(email), stage=stage, succeeded=succeeded, device=device, at=clock.utcnow()
        )
    )
    db.session.flush()


# -- the known-device cookie ---------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def _device_key(email: str) -> str:
    return blind_index("device:" + normalise_email(email))


def _entries(cookie: str | None) -> list[list]:
    """The cookie's [email key, nonce, issued] entries still within their lifetime."""
    if not cookie:
        return []
    try:
        entries = _serializer().loads(cookie)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    oldest = clock.utcnow().timestamp() - device_lifetime().total_seconds()
    return [
        entry
        for entry in entries
        if isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], str)
        and isinstance(entry[2], int | float)
        and entry[2] > oldest
    ]


def _device_in(cookie: str | None, email: str) -> str | None:
    key = _device_key(email)
    for entry_key, nonce, _issued in _entries(cookie):
        if secrets.compare_digest(entry_key, key):
            return hashlib.sha256(nonce.encode()).hexdigest()
    return None


def device_lifetime() -> timedelta:
    return timedelta(days=current_app.config["SIGN_IN_DEVICE_DAYS"])


def new_device_cookie(email: str, cookie: str | None) -> str:
    """The cookie after a full sign-in: a new nonce for this email (OWASP: a fresh cookie on
    every successful sign-in), the browser's other accounts kept, the most recent first."""
    key = _device_key(email)
    kept = [entry for entry in _entries(cookie) if entry[0] != key]
    entry = [key, secrets.token_urlsafe(24), int(clock.utcnow().timestamp())]
    return _serializer().dumps([entry, *kept][:_MOST_ACCOUNTS_PER_DEVICE])
