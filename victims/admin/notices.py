"""Telling someone by email that how they sign in has changed (ASVS 5.0 V6.3.7).

Through the GOV.UK Notify gateway, with the `account` template (victims/notify/templates.py).
The email names the change and the administrators who asked and approved; never a password,
and nothing about any case. It is sent while the change's request is being handled: if Notify
cannot take it, the change still stands, the failure is logged (by user id) and the caller
says so, so the approving administrator can tell the person themselves.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from victims import clock
from victims.domain.accounts import AccountChange
from victims.formatting import govuk_datetime
from victims.notify import gateway as notify
from victims.staff.models import User

log = logging.getLogger(__name__)


def _send(user: User, *, change: str, what_happened: str, what_next: str, reference: str) -> bool:
    try:
        notify.gateway().send_email(
            template="account",
            email_address=user.email,
            personalisation={
                "name": user.name,
                "change": change,
                "what_happened": what_happened,
                "what_next": what_next,
            },
            reference=reference,
        )
    except (notify.NotifyUnavailable, notify.NotifyRefused) as error:
        log.warning("Could not email user %s about a change to their account: %s", user.id, error)
        return False
    return True


def tell_of_approval(
    user: User,
    change: AccountChange,
    *,
    requested_by: User,
    approved_by: User,
    request_id: int,
    expires_at: datetime | None = None,
) -> bool:
    """A temporary password or a security-code reset, asked for and approved by two administrators."""
    when = govuk_datetime(clock.utcnow())
    if change == AccountChange.TEMPORARY_PASSWORD:
        subject = "a temporary password was set"
        what_happened = (
            f"{requested_by.name} asked for a temporary password for your account, and "
            f"{approved_by.name} approved it on {when}. You have been signed out everywhere."
        )
        what_next = (
            f"{approved_by.name} will give you the temporary password by telephone or in person, "
            f"never by email. It works for one sign-in, until {govuk_datetime(expires_at)}, and "
            "you will then choose a new password."
        )
    else:
        subject = "your security code was reset"
        what_happened = (
            f"{requested_by.name} asked for your security code to be reset, and {approved_by.name} "
            f"approved it on {when}. You have been signed out everywhere."
        )
        what_next = (
            "The next time you sign in, you will set up your authenticator app again. Codes from "
            "your old set-up no longer work."
        )
    return _send(
        user,
        change=subject,
        what_happened=what_happened,
        what_next=what_next,
        reference=f"account-request-{request_id}",
    )


def tell_of_new_password(user: User, *, sessions_ended: int) -> bool:
    """The user chose a new password themselves."""
    elsewhere = " You have been signed out everywhere else." if sessions_ended else ""
    return _send(
        user,
        change="your password was changed",
        what_happened=f"Your password was changed on {govuk_datetime(clock.utcnow())}.{elsewhere}",
        what_next="Use your new password the next time you sign in.",
        reference=f"password-changed-{user.id}-{uuid.uuid4().hex}",
    )
