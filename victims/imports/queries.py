from __future__ import annotations

from sqlalchemy import select

from victims import clock
from victims.extensions import db
from victims.imports.models import UPLOAD_LIFETIME, ImportStatus, ReferralUpload
from victims.staff.models import User


def upload_for(user: User, upload_id: int) -> ReferralUpload | None:
    """The user's own checked upload, if it is recent enough to import (and not queued yet)."""
    return db.session.scalar(
        select(ReferralUpload)
        .where(
            ReferralUpload.id == upload_id,
            ReferralUpload.user_id == user.id,
            ReferralUpload.status == ImportStatus.CHECKED,
            ReferralUpload.created_at >= clock.utcnow() - UPLOAD_LIFETIME,
        )
        .with_for_update()  # Import pressed twice: the second waits, then finds it queued
    )


def import_for(user: User, upload_id: int) -> ReferralUpload | None:
    """The user's own import, queued, running or finished (another's is not found)."""
    return db.session.scalar(
        select(ReferralUpload).where(
            ReferralUpload.id == upload_id,
            ReferralUpload.user_id == user.id,
            ReferralUpload.status != ImportStatus.CHECKED,
        )
    )
