"""Reads of the development outbox (what would have been emailed without a Notify key)."""

from __future__ import annotations

from sqlalchemy import select

from victims.extensions import db
from victims.notify.models import OutboxEmail


def outbox(email_address: str | None, limit: int = 50) -> list[OutboxEmail]:
    """The newest emails to one address, or to everyone (None)."""
    statement = (
        select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()).limit(limit)
    )
    if email_address is not None:
        statement = statement.where(OutboxEmail.email_address == email_address)
    return list(db.session.scalars(statement))
