"""Passwords, second factor and revocable sessions. Flushes, never commits.

How often someone may try is victims.auth.throttling."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import Select, bindparam, select, update

from victims import clock
from victims.audit import services as audit
from victims.auth import throttling
from victims.auth.models import UserSession
from victims.auth.throttling import normalise_email
from victims.domain import totp
from victims.domain.accounts import password_expired
from victims.domain.passwords import password_problems
from victims.domain.sessions import session_expired
from victims.domain.throttling import Stage
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User

WRONG_CODE = "Enter a correct security code (a code can only be used once)"

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
    """Check a password in about the same time whether or not the account exists (and whether
    or not it has expired: an expired temporary password is simply a wrong one)."""
    ph = hasher()
    if user is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            ph.verify(_dummy_hash(bool(current_app.config.get("PASSWORD_HASH_FAST"))), password)
        return False
    try:
        ph.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_expired(user.password_expires_at, clock.utcnow()):
        return False
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# -- passwords an administrator set, and changing one's own --------------------------------------


def temporary_password_expiry() -> datetime:
    return clock.utcnow() + timedelta(hours=current_app.config["TEMPORARY_PASSWORD_HOURS"])


def set_temporary_password(user: User, password: str) -> int:
    """A password an administrator's approval (or a new account) gives the user: it works for one
    sign-in, until TEMPORARY_PASSWORD_HOURS have passed, and must then be replaced before any
    other page. Their sessions end now; returns how many."""
    user.password_hash = hash_password(password)
    user.password_must_change = True
    user.password_expires_at = temporary_password_expiry()
    ended = end_all_sessions(user, "password reset")
    db.session.flush()
    return ended


def spend_temporary_password(user: User) -> None:
    """The first full sign-in with a temporary password uses it up: it signs in nobody again."""
    now = clock.utcnow()
    if user.password_must_change and (user.password_expires_at is None or user.password_expires_at > now):
        user.password_expires_at = now
        db.session.flush()


def _same_password(user: User, password: str) -> bool:
    try:
        return hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _new_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_must_change = False
    user.password_expires_at = None


def _check_policy(user: User, password: str) -> None:
    problems = check_new_password(password, email=user.email)
    if problems:
        raise Refused(problems[0], "password")


def replace_temporary_password(user: User, password: str, keep: UserSession) -> int:
    """The password the user chooses in place of one an administrator set. They gave the
    temporary password and a security code moments ago, to start the session `keep`."""
    if not user.password_must_change:
        raise Refused("Your password does not need changing", "password")
    _check_policy(user, password)
    if _same_password(user, password):
        raise Refused("Choose a password different from the temporary one", "password")
    _new_password(user, password)
    ended = end_other_sessions(user, keep, "password changed")
    db.session.flush()
    audit.record(
        "temporary_password_replaced",
        "user",
        user.id,
        details={"fields": ["password"], "sessions_ended": ended},
        user=user,
    )
    return ended


def change_own_password(user: User, *, current: str, code: str, password: str, keep: UserSession) -> int:
    """A password the user chooses, proved by their current password and a security code (a
    session left open is not enough). Wrong ones are counted against the session, as sign-in
    failures are against a browser (throttling.wait_in_session says how long it must wait).
    Their other sessions end; returns how many."""
    if password == current:
        raise Refused("Choose a password different from your current one", "password")
    _check_policy(user, password)
    channel = throttling.session_channel(keep.id)
    if not verify_password(user, current):
        throttling.record_attempt(user.email, Stage.PASSWORD, False, channel)
        raise Refused("Enter your current password correctly", "current_password")
    throttling.record_attempt(user.email, Stage.PASSWORD, True, channel)
    if not accept_code(user, code):
        throttling.record_attempt(user.email, Stage.CODE, False, channel)
        raise Refused(WRONG_CODE, "code")
    throttling.record_attempt(user.email, Stage.CODE, True, channel)
    _new_password(user, password)
    ended = end_other_sessions(user, keep, "password changed")
    db.session.flush()
    details = {"fields": ["password"], "sessions_ended": ended}
    audit.record("password_changed", "user", user.id, details=details, user=user)
    return ended


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


def reset_second_factor(user: User) -> int:
    """The user sets up a new authenticator at their next sign-in; their sessions end now
    (returns how many)."""
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = None
    ended = end_all_sessions(user, "second factor reset")
    db.session.flush()
    return ended


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


@cache
def _session_by_token() -> Select:
    """Every request's first statement, built once (its values bound when it runs)."""
    return select(UserSession).where(UserSession.token_hash == bindparam("token_hash"))


def load_session(token: str | None) -> tuple[UserSession | None, str | None]:
    """The live session for a cookie token, or None and why it ended."""
    if not token:
        return None, None
    record = db.session.scalar(_session_by_token(), {"token_hash": _token_hash(token)})
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


def touch_session(record: UserSession, *, unless_within: timedelta | None = None) -> None:
    """Note that the session is in use now. `unless_within`: leave it if it was noted that
    recently (a page read need not write the session row every time; the idle limit then runs
    from the last note, and the page's sign-out warning counts from that too)."""
    now = clock.utcnow()
    if unless_within is not None and now - record.last_seen_at < unless_within:
        return
    record.last_seen_at = now


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


def end_other_sessions(user: User, keep: UserSession, reason: str) -> int:
    """End every live session of the user's but this one (a password change elsewhere)."""
    result = db.session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.id != keep.id,
        )
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
