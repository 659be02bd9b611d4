"""A small gateway to GOV.UK Notify: send an email, and find one already sent by its reference.

Two kinds, one interface:

- `ClientGateway` calls Notify through its real client library (notifications-python-client).
  Tests point it at a local fake that speaks Notify's API (tests/fakes/notify.py).
- `OutboxGateway` keeps each email in the development outbox (`/dev/outbox`) when no Notify key
  is set, so `make run` shows what would have gone out.

Every email and letter carries its row's reference (victims.notify.references); a sender that is
retried asks Notify what it holds under it first (`find_by_reference`), and sends only if that is
nothing. What it finds is described as Notify's API describes it (victims.domain.already_sent
decides whether it is the row's own).
"""

from __future__ import annotations

import base64
import io
import uuid
from datetime import UTC, datetime
from typing import Protocol

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import select

from victims.domain.already_sent import AtNotify
from victims.extensions import db
from victims.notify.models import OutboxEmail, OutboxLetter
from victims.notify.templates import EMAIL_TEMPLATES


class NotifyUnavailable(Exception):
    """Notify could not take the request now (network, 5xx, rate limit): try again later."""


class NotifyRefused(Exception):
    """Notify refused the request (4xx): sending it again will not help."""


class NotifyGateway(Protocol):
    def send_email(self, *, template: str, email_address: str, personalisation: dict, reference: str) -> str:
        """Send, and return Notify's id for the notification."""
        ...

    def send_letter(self, *, pdf: bytes, reference: str, postage: str = "second") -> str:
        """Post a precompiled PDF letter, and return Notify's id for it."""
        ...

    def find_by_reference(self, reference: str) -> list[AtNotify]:
        """Every notification, email or letter, that Notify holds under this reference."""
        ...

    def status(self, notification_id: str) -> str:
        """Notify's status of a notification: delivered, permanent-failure, returned-letter..."""
        ...


def _describe(error) -> str:
    """What Notify said, without the request's content: its status and its error types."""
    message = error.message
    if isinstance(message, list):
        kinds = sorted({str(item.get("error", "Error")) for item in message if isinstance(item, dict)})
        detail = ", ".join(kinds) or "Error"
    else:
        detail = "no response" if error.response is None else "error"
    return f"GOV.UK Notify answered {error.status_code} ({detail})"


# The address Notify read from a letter: six lines and the postcode (its seventh line).
_ADDRESS_FIELDS = ("line_1", "line_2", "line_3", "line_4", "line_5", "line_6", "line_7", "postcode")


def _when(value) -> datetime | None:
    """Notify's time of a notification (UTC, ISO 8601), or None if it gives none we can read."""
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _at_notify(notification: dict) -> AtNotify:
    """A notification as Notify's API gives it (GET /v2/notifications), in the terms compared."""
    lines = tuple(str(notification[field]).strip() for field in _ADDRESS_FIELDS if notification.get(field))
    return AtNotify(
        notification_id=str(notification["id"]),
        kind=str(notification.get("type")),
        created_at=_when(notification.get("created_at")),
        email_address=notification.get("email_address"),
        subject=notification.get("subject"),
        body=notification.get("body"),
        postage=notification.get("postage"),
        address_lines=lines,
    )


class ClientGateway:
    def __init__(self, api_key: str, base_url: str, template_ids: dict[str, str], timeout: float = 20):
        self._client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self._template_ids = template_ids

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except APIError as error:
            if error.status_code == 429 or error.status_code >= 500:
                raise NotifyUnavailable(_describe(error)) from None
            raise NotifyRefused(_describe(error)) from None

    def send_email(self, *, template: str, email_address: str, personalisation: dict, reference: str) -> str:
        response = self._call(
            self._client.send_email_notification,
            email_address=email_address,
            template_id=self._template_ids[template],
            personalisation=personalisation,
            reference=reference,
        )
        return str(response["id"])

    def send_letter(self, *, pdf: bytes, reference: str, postage: str = "second") -> str:
        response = self._call(
            self._client.send_precompiled_letter_notification, reference, io.BytesIO(pdf), postage
        )
        return str(response["id"])

    def find_by_reference(self, reference: str) -> list[AtNotify]:
        # Every kind: a letter found under an email's reference is not that email, and says so.
        response = self._call(self._client.get_all_notifications, reference=reference)
        return [
            _at_notify(notification)
            for notification in response.get("notifications", [])
            if notification.get("reference") == reference
        ]

    def status(self, notification_id: str) -> str:
        return str(self._call(self._client.get_notification_by_id, notification_id)["status"])


class OutboxGateway:
    """The development outbox: what would have gone out, kept in the service's own database."""

    def send_email(self, *, template: str, email_address: str, personalisation: dict, reference: str) -> str:
        subject, body = EMAIL_TEMPLATES[template].render(personalisation)
        email = OutboxEmail(
            notification_id=str(uuid.uuid4()),
            reference=reference,
            email_address=email_address,
            template_id=template,
            subject=subject,
            body=body,
        )
        db.session.add(email)
        db.session.flush()
        return email.notification_id

    def send_letter(self, *, pdf: bytes, reference: str, postage: str = "second") -> str:
        letter = OutboxLetter(
            notification_id=str(uuid.uuid4()),
            reference=reference,
            pdf_base64=base64.b64encode(pdf).decode(),
            postage=postage,
        )
        db.session.add(letter)
        db.session.flush()
        return letter.notification_id

    def find_by_reference(self, reference: str) -> list[AtNotify]:
        emails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.reference == reference))
        letters = db.session.scalars(select(OutboxLetter).where(OutboxLetter.reference == reference))
        return [
            *(
                AtNotify(
                    email.notification_id,
                    "email",
                    email.created_at,
                    email_address=email.email_address,
                    subject=email.subject,
                    body=email.body,
                )
                for email in emails
            ),
            *(
                AtNotify(
                    letter.notification_id,
                    "letter",
                    letter.created_at,
                    postage=letter.postage,
                    pdf=base64.b64decode(letter.pdf_base64),
                )
                for letter in letters
            ),
        ]

    def status(self, notification_id: str) -> str:
        return "delivered"  # nothing leaves the outbox, so nothing comes back


def uses_outbox() -> bool:
    return not current_app.config.get("NOTIFY_API_KEY")


def gateway() -> NotifyGateway:
    """The gateway this configuration uses."""
    config = current_app.config
    if uses_outbox():
        return OutboxGateway()
    template_ids = {name: config[template.config_key] for name, template in EMAIL_TEMPLATES.items()}
    return ClientGateway(config["NOTIFY_API_KEY"], config["NOTIFY_BASE_URL"], template_ids)
