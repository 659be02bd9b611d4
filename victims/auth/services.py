"""Passwords, second factor and revocable sessions. Flushes, never commits.

How often someone may try is victims.auth.throttling."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from victims import clock
from victims.auth.models import UserSession
from victims.domain import totp
from victims.domain.passwords import password_problems
from victims.domain.sessions import session_expired
from victims.extensions import db
from victims.staff.models import User

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(line.strip().casefold() for line in lines if line and not line.startswith("#"))


def check_new_password(password: str, email: str = "") -> list[str]:
    return password_problems(password, common_passwords(), email=email)


@cache
def _hasher(fast: bool) -> PasswordHasher:
    if fast:  # tests only: the same algorithm (argon2id) with cheap parameters
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hasher() -> PasswordHasher:
    return _hasher(bool(current_app.config.get("PASSWORD_HASH_FAST")))


def hash_password(password: str) -> str:
    return hasher().hash(password)


@cache
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash(secrets.token_hex(16))


def verify_password(user: User | None, password: str) -> bool:
    """Check a password in about the same time whether or not the account exists."""
    ph = hasher()
    if user is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            ph.verify(_dummy_hash(bool(current_app.config.get("PASSWORD_HASH_FAST"))), password)
        return False
    try:
        ph.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    return True


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# -- second factor ----------------------------------------------------------------------


def start_enrolment(user: User) -> str:
    """Give the user a new, unconfirmed secret (kept until the first code confirms it)."""
    if not user.totp_secret or user.totp_confirmed:
        user.totp_secret = totp.new_secret()
        user.totp_confirmed = False
        user.totp_last_step = None
        db.session.flush()
    return user.totp_secret


def accept_code(user: User, code: str, now: datetime | None = None) -> bool:
    """True if the code is right and unused; records its step so it cannot be used again."""
    if not user.totp_secret:
        return False
    step = totp.accepted_step(user.totp_secret, code, now or clock.utcnow(), user.totp_last_step)
    if step is None:
        return False
    # Compare-and-set: of two requests racing with the same code, only one wins.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step, totp_confirmed=True, version=User.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(user)
    return True


def reset_second_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = None
    end_all_sessions(user, "second factor reset")
    db.session.flush()


# -- sessions ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    db.session.add(
        UserSession(token_hash=_token_hash(token), user_id=user.id, started_at=now, last_seen_at=now)
    )
    db.session.flush()
    return token


def load_session(token: str | None) -> tuple[UserSession | None, str | None]:
    """The live session for a cookie token, or None and why it ended."""
    if not token:
        return None, None
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if record is None:
        return None, None
    if record.ended_at is not None:
        return None, "revoked" if record.end_reason not in {"idle", "absolute"} else record.end_reason
    if not record.user.active:
        end_session(record, "deactivated")
        return None, "revoked"
    config = current_app.config
    now = clock.utcnow()
    reason = session_expired(
        started_at=record.started_at,
        last_seen_at=record.last_seen_at,
        now=now,
        idle=config["SESSION_IDLE_TIMEOUT"],
        absolute=config["SESSION_ABSOLUTE_TIMEOUT"],
    )
    if reason:
        end_session(record, reason)
        return None, reason
    return record, None


def touch_session(record: UserSession) -> None:
    record.last_seen_at = clock.utcnow()


def end_session(record: UserSession, reason: str) -> None:
    if record.ended_at is None:
        record.ended_at = clock.utcnow()
        record.end_reason = reason
        db.session.flush()


def end_all_sessions(user: User, reason: str) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def end_expired_sessions() -> int:
    """End every live session past its idle or absolute limit; returns how many."""
    config = current_app.config
    now = clock.utcnow()
    ended = 0
    for reason, condition in (
        ("absolute", UserSession.started_at <= now - config["SESSION_ABSOLUTE_TIMEOUT"]),
        ("idle", UserSession.last_seen_at <= now - config["SESSION_IDLE_TIMEOUT"]),
    ):
        result = db.session.execute(
            update(UserSession)
            .where(UserSession.ended_at.is_(None), condition)
            .values(ended_at=now, end_reason=reason)
            .execution_options(synchronize_session=False)
        )
        ended += result.rowcount
    return ended
