from __future__ import annotations

from sqlalchemy import select

from victims import clock
from victims.extensions import db
from victims.imports.models import UPLOAD_LIFETIME, ReferralUpload
from victims.staff.models import User


def upload_for(user: User, upload_id: int) -> ReferralUpload | None:
    """The user's own upload, if it is recent enough to import."""
    return db.session.scalar(
        select(ReferralUpload).where(
            ReferralUpload.id == upload_id,
            ReferralUpload.user_id == user.id,
            ReferralUpload.created_at >= clock.utcnow() - UPLOAD_LIFETIME,
        )
    )
