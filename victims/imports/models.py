from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from victims.crypto import EncryptedText
from victims.extensions import db
from victims.types import created_at_column

# A checked file can be imported for this long; a forgotten one is deleted after a day.
UPLOAD_LIFETIME = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


class ReferralUpload(db.Model):
    """A checked CSV file waiting for its SPO to press "Import": kept encrypted (it holds
    victims' addresses), deleted when imported, replaced by the same user's next upload and
    refused once it is older than an hour."""

    __tablename__ = "referral_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    contents: Mapped[str] = mapped_column(EncryptedText(), nullable=False)
    row_count: Mapped[int] = mapped_column(Integer)
    referral_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
