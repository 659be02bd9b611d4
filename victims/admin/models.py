"""Changes to how someone signs in that one administrator asks for and another approves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.domain.accounts import AccountChange, RequestStatus
from victims.extensions import db
from victims.staff.models import User
from victims.types import UTCDateTime, enum_column


class AccountRequest(db.Model):
    """A temporary password or a security-code reset, waiting for a second administrator.

    The database refuses an approval by the administrator who asked, or by the user it is for
    (ck_account_requests_four_eyes), whatever the code above it does."""

    __tablename__ = "account_requests"
    __table_args__ = (
        CheckConstraint(
            "status <> 'approved' OR (decided_by_id IS NOT NULL AND decided_by_id <> requested_by_id"
            " AND decided_by_id <> user_id)",
            name="four_eyes",
        ),
        Index("ix_account_requests_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    change: Mapped[AccountChange] = mapped_column(enum_column(AccountChange, "change", 30))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "status", 10), default=RequestStatus.PENDING
    )
    # Why it is needed and how the person was checked: for the approving administrator.
    reason: Mapped[str] = mapped_column(String(500))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="raise")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="raise")

    def __repr__(self) -> str:
        return f"<AccountRequest {self.id} {self.change} {self.status}>"
