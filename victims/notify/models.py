from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from victims.crypto import EncryptedText
from victims.extensions import db
from victims.types import created_at_column


class OutboxEmail(db.Model):
    """An email the development outbox kept instead of sending (no GOV.UK Notify key set)."""

    __tablename__ = "dev_outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(64), unique=True)
    reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    email_address: Mapped[str] = mapped_column(String(254), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class OutboxLetter(db.Model):
    """A letter the development outbox kept instead of posting (no GOV.UK Notify key set)."""

    __tablename__ = "dev_outbox_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(64), unique=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    # The PDF as posted, base64: it carries the recipient's address, so it is encrypted.
    pdf_base64: Mapped[str] = mapped_column(EncryptedText())
    postage: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at_column()
