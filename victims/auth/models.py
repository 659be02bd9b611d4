from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.throttling import Stage
from victims.extensions import db
from victims.staff.models import User
from victims.types import UTCDateTime, created_at_column, enum_column


class UserSession(db.Model):
    """A signed-in session the server can end. The cookie holds only a random token;
    the table holds its SHA-256, so a database dump cannot be used to sign in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = created_at_column()
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(30))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class SignInAttempt(db.Model):
    """Each password or code that was checked, keyed by a keyed hash of the email given, so
    attempts against an address that has no account are counted the same way. `device` is the
    hash of the known-device cookie's nonce when the attempt came from a trusted device (it is
    counted against that device, not the account); empty for any other browser."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_hash_at", "email_hash", "at"),
        Index("ix_sign_in_attempts_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = created_at_column()
    succeeded: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 10))
    device: Mapped[str | None] = mapped_column(String(64))
