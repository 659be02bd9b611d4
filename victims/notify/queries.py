"""Reads of the development outbox (what would have been emailed without a Notify key)."""

from __future__ import annotations

from sqlalchemy import select

from victims.extensions import db
from victims.notify.models import OutboxEmail


def outbox(email_address: str | None, victims_template_id: str, limit: int = 50) -> list[OutboxEmail]:
    """The newest emails to staff: to one address, or to everyone (None). Letters emailed to
    victims (`victims_template_id`) are never listed: they carry a victim's email address and
    words, which are shown only after a reveal, on the case."""
    newest_first = (OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    statement = select(OutboxEmail).where(OutboxEmail.template_id != victims_template_id)
    if email_address is not None:
        statement = statement.where(OutboxEmail.email_address == email_address)
    return list(db.session.scalars(statement.order_by(*newest_first).limit(limit)))
