"""Changes to how someone signs in that one administrator asks for and another approves.

An administrator could once set a user's password, reset their second factor and sign in as
them: whatever they then did (revealing a victim's address) was recorded against the user.
Now a temporary password or a security-code reset takes two administrators: one asks, with a
reason; a different one approves, and is not the user either. A request can be cancelled and
stops being approvable after a while. A temporary password works for one sign-in, within a few
days, and must be replaced before any other page.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from victims.domain.vocabulary import Labelled


class AccountChange(Labelled):
    TEMPORARY_PASSWORD = "temporary_password", "Temporary password"
    SECOND_FACTOR_RESET = "second_factor_reset", "Security code reset"


class RequestStatus(Labelled):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"


def request_refused(*, admin_id: int, user_id: int) -> str | None:
    """Why an administrator may not ask for a change to this account, or None."""
    if admin_id == user_id:
        return "You cannot ask for this for your own account. Change your password from Your details."
    return None


def approval_refused(
    *,
    approver_id: int,
    requester_id: int,
    user_id: int,
    status: RequestStatus,
    expires_at: datetime,
    now: datetime,
) -> str | None:
    """Why this administrator may not approve the request now, or None."""
    if status == RequestStatus.APPROVED:
        return "This request has already been approved"
    if status == RequestStatus.CANCELLED:
        return "This request was cancelled"
    if now >= expires_at:
        return "This request has expired. Ask for it again if it is still needed."
    if approver_id == requester_id:
        return "You asked for this, so another administrator must approve it"
    if approver_id == user_id:
        return "This request is about your own account, so another administrator must approve it"
    return None


def cancellation_refused(*, status: RequestStatus, expires_at: datetime, now: datetime) -> str | None:
    if status != RequestStatus.PENDING or now >= expires_at:
        return "Only a request waiting for approval can be cancelled"
    return None


# Letters that cannot be mistaken for one another when read out over the telephone.
_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_GROUPS, _GROUP_LENGTH = 4, 4  # 16 letters: about 72 random bits


def temporary_password() -> str:
    """A password for one sign-in, easy to read out: four groups of four letters."""
    groups = ("".join(secrets.choice(_LETTERS) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS))
    return "-".join(groups)


def password_expired(expires_at: datetime | None, now: datetime) -> bool:
    """A temporary password expires a few days after it is set, and at its first full sign-in
    (so it works once); a password the user chose has no expiry."""
    return expires_at is not None and now >= expires_at
