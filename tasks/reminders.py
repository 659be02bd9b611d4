"""Reminder tasks: thin, ids only (victims.reminders.services holds the rules)."""

from __future__ import annotations

import logging

from celery import shared_task

from tasks.retries import retried_while_database_down
from tasks.sending import RELIABLE, SENDER, follow
from victims.extensions import db
from victims.reminders import services as reminders

log = logging.getLogger(__name__)


@shared_task(name="reminders.sweep", **RELIABLE)
def sweep() -> dict[str, int]:
    found = reminders.sweep()
    db.session.rollback()  # read only: end the transaction before handing the work out
    for deadline_id in found.deadline_ids:
        remind.delay(deadline_id)
    for reminder_id in found.email_ids:
        send_email.delay(reminder_id)
    log.info(
        "Reminder sweep: %d deadlines, %d emails to retry", len(found.deadline_ids), len(found.email_ids)
    )
    return {"deadlines": len(found.deadline_ids), "emails": len(found.email_ids)}


@shared_task(name="reminders.remind", bind=True, **RELIABLE)
@retried_while_database_down
def remind(self, deadline_id: int) -> int:
    to_email = reminders.remind(deadline_id)
    for reminder_id in to_email:
        send_email.delay(reminder_id)
    return len(to_email)


@shared_task(name="reminders.email", **SENDER)
@retried_while_database_down
def send_email(self, reminder_id: int) -> str:
    return follow(self, reminders.send_email(reminder_id))
